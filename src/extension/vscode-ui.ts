// The Ui of the commands, made of VS Code's own pieces: quick picks, input boxes with validateInput, modal
// dialogs, cancellable progress notifications, integrated terminals and read-only documents. Callers pass
// plain text; notifications additionally get their link syntax defused (they render `[x](command:…)`).

import * as vscode from 'vscode';
import type { PlanDocuments } from './plan-documents';
import { defuseLinks, iconSafe, plainText } from './text-safety';
import type { InputOptions, PickItem, PickOptions, TerminalSpec, Ui } from './ui';

export class VscodeUi implements Ui {
  constructor(
    private readonly channel: vscode.LogOutputChannel,
    private readonly plans: PlanDocuments,
  ) {}

  async pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T | undefined> {
    const picked = await vscode.window.showQuickPick(
      items.map((item) => ({ label: item.label, description: item.description, detail: item.detail, value: item.value })),
      { title: options.title, placeHolder: options.placeholder, matchOnDescription: true, ignoreFocusOut: true },
    );
    return picked?.value;
  }

  input(options: InputOptions): Promise<string | undefined> {
    return Promise.resolve(vscode.window.showInputBox({
      title: options.title,
      prompt: options.prompt,
      placeHolder: options.placeholder,
      value: options.value,
      ignoreFocusOut: true,
      validateInput: options.validate ? (text) => options.validate!(text) : undefined,
    }));
  }

  async confirm(message: string, detail: string, action: string): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
    return choice === action;
  }

  progress<T>(title: string, task: (signal: AbortSignal, report: (message: string) => void) => Promise<T>): Promise<T> {
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: defuseLinks(plainText(title)), cancellable: true },
      (progress, token) => {
        const controller = new AbortController();
        const subscription = token.onCancellationRequested(() => controller.abort());
        return task(controller.signal, (message) => progress.report({ message: defuseLinks(plainText(message)) })).finally(() => subscription.dispose());
      },
    ));
  }

  // Async, so that a window going away (its channel closed, which throws at once) rejects the promise
  // like any other failure to show a message, rather than throwing into the caller.
  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    return vscode.window.showInformationMessage(defuseLinks(message), ...actions);
  }

  async warn(message: string, ...actions: string[]): Promise<string | undefined> {
    this.channel.warn(message);
    return vscode.window.showWarningMessage(defuseLinks(message), ...actions);
  }

  async error(message: string, ...actions: string[]): Promise<string | undefined> {
    this.channel.error(message);
    return vscode.window.showErrorMessage(defuseLinks(message), ...actions);
  }

  showLog(): void {
    this.channel.show(true);
  }

  async copy(text: string): Promise<void> {
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${plainText(text).replace(/\$\(/g, '\\$(').slice(0, 60)}`, 2500);
  }

  openTerminal(spec: TerminalSpec): void {
    this.channel.info(`terminal "${plainText(spec.name)}": ${plainText(spec.commandLine)}`);
    const terminal = vscode.window.createTerminal({
      name: iconSafe(spec.name),
      shellPath: spec.shellPath,
      shellArgs: spec.shellArgs,
      iconPath: new vscode.ThemeIcon('terminal'),
    });
    terminal.show();
  }

  async showDocument(title: string, text: string): Promise<void> {
    await this.plans.show(title, text);
  }
}
