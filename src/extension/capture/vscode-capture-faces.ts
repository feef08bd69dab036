// The capture's faces made of VS Code pieces: two status bar items (the packet counts, and Stop), made on
// the first capture so that activation stays cheap.

import { tmpdir } from 'node:os';
import * as vscode from 'vscode';
import type { CaptureFaces, CaptureStatus } from './capture-faces';

export class VscodeCaptureFaces implements CaptureFaces, vscode.Disposable {
  private items: { count: vscode.StatusBarItem; stop: vscode.StatusBarItem } | null = null;
  private readonly stops: (() => void)[] = [];

  defaultFolder(): string {
    return vscode.workspace.workspaceFolders?.find((folder) => folder.uri.scheme === 'file')?.uri.fsPath ?? tmpdir();
  }

  showStatus(status: CaptureStatus | null): void {
    if (!status) {
      this.items?.count.hide();
      this.items?.stop.hide();
      return;
    }
    const items = this.items ??= this.createItems();
    items.count.text = status.text;
    items.count.tooltip = status.tooltip;
    items.count.show();
    items.stop.show();
  }

  onDispose(stop: () => void): void {
    this.stops.push(stop);
  }

  private createItems(): { count: vscode.StatusBarItem; stop: vscode.StatusBarItem } {
    const count = vscode.window.createStatusBarItem('vnet.captureCount', vscode.StatusBarAlignment.Left, 49);
    count.name = 'VNet Capture';
    count.command = 'vnet.stopCapture';
    const stop = vscode.window.createStatusBarItem('vnet.captureStop', vscode.StatusBarAlignment.Left, 48);
    stop.name = 'VNet Stop Capture';
    stop.text = '$(debug-stop) Stop Capture';
    stop.tooltip = 'Stop the capture, then open it (Wireshark, or a decoded summary)';
    stop.command = 'vnet.stopCapture';
    stop.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    return { count, stop };
  }

  dispose(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.items?.count.dispose();
    this.items?.stop.dispose();
    this.items = null;
  }
}
