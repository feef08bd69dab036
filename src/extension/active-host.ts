// The active host: where palette commands and file-less labs go by default. The user's last pick (kept per
// workspace) while that host is listed, else the first host; the status bar shows it and its state.

import * as vscode from 'vscode';
import type { HostsModel } from './hosts-model';
import { ActiveHostStatus } from './status-bar';

const ACTIVE_HOST_KEY = 'vnet.activeHost';

export class ActiveHost implements vscode.Disposable {
  private picked: string | undefined;
  private readonly status = new ActiveHostStatus();
  private readonly stopFollowing: () => void;

  constructor(private readonly workspaceState: vscode.Memento, private readonly hosts: HostsModel) {
    this.picked = workspaceState.get<string>(ACTIVE_HOST_KEY);
    this.stopFollowing = hosts.onDidChange(() => this.showStatus());
    this.showStatus();
  }

  /** The destination of the active host; undefined when there are no hosts. */
  current(): string | undefined {
    return this.picked && this.hosts.get(this.picked) ? this.picked : this.hosts.list()[0]?.destination;
  }

  set(destination: string): void {
    this.picked = destination;
    void this.workspaceState.update(ACTIVE_HOST_KEY, destination);
    this.showStatus();
  }

  dispose(): void {
    this.stopFollowing();
    this.status.dispose();
  }

  private showStatus(): void {
    const destination = this.current();
    this.status.show(destination ? this.hosts.get(destination)?.view() : undefined);
  }
}
