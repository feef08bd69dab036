// The status-bar item: the active host (where palette commands and file-less labs go by default) and its
// connection state. A click picks another host.

import * as vscode from 'vscode';
import type { HostView } from './host-state';
import { statusText } from './status-text';

export class ActiveHostStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('vnet.activeHost', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'VNet Active Host';
    this.item.command = 'vnet.selectActiveHost';
  }

  show(view: HostView | undefined): void {
    const { text, tooltip, warning } = statusText(view);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = warning ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
