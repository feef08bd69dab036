// The `vnet.*` settings as VS Code holds them: read (through settings.ts, which checks them), followed as the
// user edits them, and written back where the user keeps them. A bad value is reported once, in the log and
// in a message that opens the settings.

import * as vscode from 'vscode';
import { readSettings, type ExtensionSettings, type SettingsResult } from './settings';
import { defuseLinks } from './text-safety';

function readConfiguration(): SettingsResult {
  const configuration = vscode.workspace.getConfiguration('vnet');
  return readSettings((key) => configuration.get(key));
}

/** The current value of `vnet.<key>`, as the user wrote it (unchecked). */
export function rawSetting(key: string): unknown {
  return vscode.workspace.getConfiguration('vnet').get(key);
}

/** Writes a setting where the user keeps it: the workspace when it is set there, else the user settings. */
export async function updateSetting(key: string, value: unknown): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('vnet');
  const inspected = configuration.inspect(key);
  const target = inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await configuration.update(key, value, target);
}

export class VnetConfiguration {
  private lastRead = readConfiguration();
  private shownProblems = '';

  /** Reads the settings now and reports their problems. */
  constructor(private readonly channel: vscode.LogOutputChannel) {
    this.reportProblems();
  }

  /** The settings as last read. */
  get settings(): ExtensionSettings {
    return this.lastRead.settings;
  }

  /** Calls `listener` with the new settings whenever their values change. */
  onDidChange(listener: (settings: ExtensionSettings) => void): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration(() => {
      // Not event.affectsConfiguration('vnet'): when the extension starts early (to restore a topology panel
      // after a reload), it first sees the defaults, and the user's settings arrive in events that claim to
      // affect nothing of ours. So the values themselves are compared.
      const next = readConfiguration();
      if (JSON.stringify(next) === JSON.stringify(this.lastRead)) return;
      this.lastRead = next;
      this.reportProblems();
      listener(next.settings);
    });
  }

  /** Says what is wrong with the settings, unless it was said for these same problems already. */
  private reportProblems(): void {
    const { problems } = this.lastRead;
    const text = problems.join('\n');
    if (text === this.shownProblems) return;
    this.shownProblems = text;
    for (const problem of problems) this.channel.warn(problem);
    if (!problems.length) return;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more, see the log)` : '';
    void vscode.window.showWarningMessage(defuseLinks(`VNet settings: ${problems[0]}${more}`), 'Open Settings')
      .then((choice) => { if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'vnet'); });
  }
}
