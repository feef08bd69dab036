// The extension's entry point. activate() only wires things: the output channel, the Hosts view, the status
// bar, the settings, and a handler per command that loads the command code on first use. Nothing connects
// to a host until the view is shown or a command asks, and the language server starts only when a .vnet
// file is open, so activation stays cheap (bench/activation.bench.ts measures it).

import * as vscode from 'vscode';
import { COMMAND_IDS, type CommandId } from './commands/command-ids';
import type { ExtensionCommandContext } from './commands/command-table';
import { createHostTransport } from './host-transport';
import { HostsModel } from './hosts-model';
import { HostsTreeProvider } from './hosts-tree-provider';
import { VnetLanguageClient } from './language-client';
import { PLAN_SCHEME, PlanDocuments } from './plan-documents';
import { readSettings, type ExtensionSettings, type SettingsResult } from './settings';
import { ActiveHostStatus } from './status-bar';
import { defuseLinks, plainMessage } from './text-safety';
import { TopologyBridge } from './topology-bridge';
import { TOPOLOGY_VIEW_TYPE } from './topology/view-type';
import type { TreeNode } from './tree-model';
import { VscodeUi } from './vscode-ui';
import { LabFiles } from './lab-files';

const ACTIVE_HOST_KEY = 'vnet.activeHost';

let disposeHosts: (() => Promise<void>) | undefined;

function readConfiguration(): SettingsResult {
  const configuration = vscode.workspace.getConfiguration('vnet');
  return readSettings((key) => configuration.get(key));
}

/** Writes a setting where the user keeps it: the workspace when it is set there, else the user settings. */
async function updateSetting(key: string, value: unknown): Promise<void> {
  const configuration = vscode.workspace.getConfiguration('vnet');
  const inspected = configuration.inspect(key);
  const target = inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
    ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await configuration.update(key, value, target);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('VNet', { log: true });
  context.subscriptions.push(channel);
  // Every command sent to a host comes through here (the transports' log callback).
  const log = (line: string) => channel.info(plainMessage(line));

  let shownProblems = '';
  const reportProblems = (result: SettingsResult) => {
    const text = result.problems.join('\n');
    if (text === shownProblems) return;
    shownProblems = text;
    for (const problem of result.problems) channel.warn(problem);
    if (result.problems.length) {
      void vscode.window.showWarningMessage(defuseLinks(`VNet settings: ${result.problems[0]}${result.problems.length > 1 ? ` (and ${result.problems.length - 1} more, see the log)` : ''}`), 'Open Settings')
        .then((choice) => { if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'vnet'); });
    }
  };
  const initial = readConfiguration();
  let lastRead = initial;
  reportProblems(initial);

  const hosts = new HostsModel({ createTransport: (entry, settings: ExtensionSettings) => createHostTransport(entry, settings, log), log }, initial.settings);
  disposeHosts = () => hosts.dispose();

  const tree = new HostsTreeProvider(hosts);
  const view = vscode.window.createTreeView<TreeNode>('vnet.hosts', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view);

  const status = new ActiveHostStatus();
  context.subscriptions.push(status);
  let activeHost = context.workspaceState.get<string>(ACTIVE_HOST_KEY);
  const currentActive = () => (activeHost && hosts.get(activeHost) ? activeHost : hosts.list()[0]?.destination);
  const showStatus = () => {
    const destination = currentActive();
    status.show(destination ? hosts.get(destination)?.view() : undefined);
  };
  const setActiveHost = (destination: string) => {
    activeHost = destination;
    void context.workspaceState.update(ACTIVE_HOST_KEY, destination);
    showStatus();
  };
  const stopStatus = hosts.onDidChange(() => showStatus());
  context.subscriptions.push(new vscode.Disposable(stopStatus));
  showStatus();
  context.subscriptions.push(view.onDidChangeSelection((event) => {
    const node = event.selection[0];
    if (node) setActiveHost(node.host);
  }));

  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(() => {
    // Not event.affectsConfiguration('vnet'): when the extension starts early (to restore a topology panel
    // after a reload), it first sees the defaults, and the user's settings arrive in events that claim to
    // affect nothing of ours. So the values themselves are compared.
    const next = readConfiguration();
    if (JSON.stringify(next) === JSON.stringify(lastRead)) return;
    lastRead = next;
    reportProblems(next);
    hosts.update(next.settings);
  }));

  const plans = new PlanDocuments();
  context.subscriptions.push(plans, vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans));

  const languageClient = new VnetLanguageClient(context, channel);
  context.subscriptions.push(languageClient, languageClient.watchDocuments());

  const ui = new VscodeUi(channel, plans);
  const reveal = async (ref: Parameters<HostsTreeProvider['find']>[0]) => {
    const node = tree.find(ref);
    if (node) await view.reveal(node, { select: true, focus: true, expand: true });
  };
  const topology = new TopologyBridge(context, hosts, ui, reveal, log);
  // Topology panels open before a window reload come back with what they showed.
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
    deserializeWebviewPanel: (panel, state: unknown) => topology.restore(panel, state).catch((error: unknown) => {
      log(`Topology panel not restored: ${error instanceof Error ? error.message : String(error)}`);
      panel.dispose();
    }),
  }));
  const labFiles = new LabFiles(() => hosts.current);

  const commandContext: ExtensionCommandContext = {
    ui,
    hosts,
    settings: () => hosts.current,
    activeHost: currentActive,
    setActiveHost,
    saveHosts: async (change) => {
      if (change.hosts !== undefined) await updateSetting('hosts', change.hosts);
      if (change.showLocalHost !== undefined) await updateSetting('showLocalHost', change.showLocalHost);
    },
    rawHosts: () => vscode.workspace.getConfiguration('vnet').get('hosts'),
    readLabFile: (arg) => labFiles.read(arg),
    recall: (key) => context.workspaceState.get<string>(key),
    remember: (key, value) => Promise.resolve(context.workspaceState.update(key, value)),
    log,
    showTopology: (arg) => topology.show(arg),
    showDrift: (fileKey, labHost, destination) => topology.showDrift(fileKey, labHost, destination),
    findLabFiles: () => labFiles.find(),
    saveLabFile: (fileName, text) => labFiles.save(fileName, text),
  };

  const run = async (id: CommandId, arg: unknown) => {
    // The command code (and the engine behind it) loads on the first command, not at activation.
    const { runCommand } = await import('./commands/command-table.js');
    await runCommand(commandContext, id, arg);
  };
  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (arg: unknown) => run(id, arg)));
  }
}

export async function deactivate(): Promise<void> {
  await disposeHosts?.();
  disposeHosts = undefined;
}
