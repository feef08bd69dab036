// Plans are shown in read-only documents of a scheme of our own (`vnet-plan:`): the user reads them before
// confirming, and there is nothing to save or discard afterwards.

import * as vscode from 'vscode';

export const PLAN_SCHEME = 'vnet-plan';

/** Keeps the last few plans; older documents show a note instead of stale text. */
const KEPT = 20;

export class PlanDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This plan is no longer kept. Run the command again to see a fresh one.\n';
  }

  async show(title: string, text: string): Promise<void> {
    const name = title.replace(/[^\w. -]+/g, '-').replace(/\s+/g, ' ').trim() || 'plan';
    const uri = vscode.Uri.from({ scheme: PLAN_SCHEME, path: `/${name}.plan`, query: String(++this.counter) });
    this.texts.set(uri.toString(), text);
    while (this.texts.size > KEPT) this.texts.delete(this.texts.keys().next().value as string);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document, { preview: true, preserveFocus: false });
  }

  dispose(): void {
    this.emitter.dispose();
    this.texts.clear();
  }
}
