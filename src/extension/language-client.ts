// The language client for .vnet files: starts dist/server.js (node module, IPC) the first time a .vnet
// document is open, never before. The client library is loaded on that first start, so activation for the
// Hosts view pays nothing for it.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';

export const LANGUAGE_ID = 'vnet';

export class VnetLanguageClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Starts the server when a .vnet document is (or becomes) open. */
  watchDocuments(): vscode.Disposable {
    if (vscode.workspace.textDocuments.some((d) => d.languageId === LANGUAGE_ID)) void this.ensureStarted();
    return vscode.workspace.onDidOpenTextDocument((document) => {
      if (document.languageId === LANGUAGE_ID) void this.ensureStarted();
    });
  }

  ensureStarted(): Promise<void> {
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`The VNet language server did not start: ${message}`);
      void vscode.window.showErrorMessage(`The VNet language server did not start (${message}). Editing .vnet files works without completion and checks; see the VNet log, then reload the window.`, 'Show log')
        .then((choice) => { if (choice === 'Show log') this.log.show(true); });
    });
    return this.starting;
  }

  private async start(): Promise<void> {
    const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
    if (this.disposed) return;
    const module = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'server.js').fsPath;
    const client = new LanguageClient(
      'vnet',
      'VNet Language Server',
      {
        run: { module, transport: TransportKind.ipc },
        debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
      },
      // Each .vnet file stands alone (no imports): open documents are all the server needs.
      { documentSelector: [{ language: LANGUAGE_ID }] },
    );
    this.client = client;
    await client.start();
    this.log.info('VNet language server started.');
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.stop().catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    void this.stop();
  }
}
