// What every command handler is given: the editor (Ui), the hosts, the settings and the active host.
// Free of vscode.

import type { HostsModel } from '../hosts-model';
import type { ExtensionSettings } from '../settings';
import type { Ui } from '../ui';

export interface CommandContext {
  ui: Ui;
  hosts: HostsModel;
  settings(): ExtensionSettings;
  /** The host the status bar shows; the default wherever a command has to ask for a host. */
  activeHost(): string | undefined;
  setActiveHost(destination: string): void;
  /** Writes the list of hosts (the `vnet.hosts` setting) and whether `local` is shown. */
  saveHosts(change: { hosts?: unknown[]; showLocalHost?: boolean }): Promise<void>;
  /** The current value of `vnet.hosts`, as the user wrote it. */
  rawHosts(): unknown;
}
