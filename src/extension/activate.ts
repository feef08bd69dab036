// The extension's entry point. activate() only wires things: the output channel, the Hosts view, the status
// bar, the settings, and a handler per command that loads the command code on first use. Nothing connects
// to a host until the view is shown or a command asks, and the language server starts only when a .vnet
// file is open, so activation stays cheap (bench/activation.bench.ts measures it).

import * as vscode from 'vscode';
import { ActiveHost } from './active-host';
import { VscodeCaptureFaces } from './capture/vscode-capture-faces';
import { COMMAND_IDS, type CommandId } from './commands/command-ids';
import type { ExtensionCommandContext } from './commands/command-table';
import { createHostTransport } from './host-transport';
import { HostsModel } from './hosts-model';
import { HostsTreeProvider } from './hosts-tree-provider';
import { LabFiles } from './lab-files';
import { VnetLanguageClient } from './language-client';
import { PLAN_SCHEME, PlanDocuments } from './plan-documents';
import { plainMessage } from './text-safety';
import { TopologyBridge } from './topology-bridge';
import { LabTesting } from './testing/test-controller';
import { TOPOLOGY_VIEW_TYPE } from './topology/view-type';
import type { TreeNode } from './tree-model';
import { rawSetting, updateSetting, VnetConfiguration } from './vnet-configuration';
import { VscodeUi } from './vscode-ui';

let disposeHosts: (() => Promise<void>) | undefined;

type Log = (line: string) => void;

interface HostsView {
  tree: HostsTreeProvider;
  view: vscode.TreeView<TreeNode>;
  active: ActiveHost;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const channel = vscode.window.createOutputChannel('VNet', { log: true });
  context.subscriptions.push(channel);
  // Every command sent to a host comes through here (the transports' log callback).
  const log: Log = (line) => channel.info(plainMessage(line));

  const configuration = new VnetConfiguration(channel);
  const hosts = new HostsModel({ createTransport: (entry, settings) => createHostTransport(entry, settings, log), log }, configuration.settings);
  disposeHosts = () => hosts.dispose();
  const hostsView = createHostsView(context, hosts);
  context.subscriptions.push(configuration.onDidChange((settings) => hosts.update(settings)));

  const plans = new PlanDocuments();
  context.subscriptions.push(plans, vscode.workspace.registerTextDocumentContentProvider(PLAN_SCHEME, plans));

  const languageClient = new VnetLanguageClient(context, channel);
  context.subscriptions.push(languageClient, languageClient.watchDocuments());

  const ui = new VscodeUi(channel, plans);
  const topology = new TopologyBridge(context, hosts, ui, (ref) => reveal(hostsView, ref), log);
  registerTopologyRestorer(context, topology, log);
  const commands = commandContext(context, { ui, hosts, active: hostsView.active, topology, log });
  const captureFaces = new VscodeCaptureFaces();
  context.subscriptions.push(captureFaces);
  const testing = new LabTesting(commands);
  context.subscriptions.push(testing);
  // Set once the Testing view's controller exists (it needs this context to run).
  commands.testLab = (arg) => testing.testFile(arg);
  commands.testExpectation = (arg, line) => testing.testExpectation(arg, line);
  registerCommands(context, { ...commands, captureFaces });
}

export async function deactivate(): Promise<void> {
  await disposeHosts?.();
  disposeHosts = undefined;
}

/** The Hosts tree, and the active host in the status bar, which follows what is selected in the tree. */
function createHostsView(context: vscode.ExtensionContext, hosts: HostsModel): HostsView {
  const tree = new HostsTreeProvider(hosts);
  const view = vscode.window.createTreeView<TreeNode>('vnet.hosts', { treeDataProvider: tree, showCollapseAll: true });
  const active = new ActiveHost(context.workspaceState, hosts);
  context.subscriptions.push(tree, view, active, view.onDidChangeSelection((event) => {
    const node = event.selection[0];
    if (node) active.set(node.host);
  }));
  return { tree, view, active };
}

/** Selects, focuses and expands a host's element in the tree (the topology panel asks for it). */
async function reveal({ tree, view }: HostsView, ref: Parameters<HostsTreeProvider['find']>[0]): Promise<void> {
  const node = tree.find(ref);
  if (node) await view.reveal(node, { select: true, focus: true, expand: true });
}

/** Topology panels open before a window reload come back with what they showed. */
function registerTopologyRestorer(context: vscode.ExtensionContext, topology: TopologyBridge, log: Log): void {
  context.subscriptions.push(vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, {
    deserializeWebviewPanel: (panel, state: unknown) => topology.restore(panel, state).catch((error: unknown) => {
      log(`Topology panel not restored: ${error instanceof Error ? error.message : String(error)}`);
      panel.dispose();
    }),
  }));
}

/** What the command handlers are given: the editor, the hosts, the settings, the workspace's memory. */
function commandContext(
  context: vscode.ExtensionContext,
  { ui, hosts, active, topology, log }: { ui: VscodeUi; hosts: HostsModel; active: ActiveHost; topology: TopologyBridge; log: Log },
): ExtensionCommandContext {
  const labFiles = new LabFiles(() => hosts.current);
  return {
    ui,
    hosts,
    settings: () => hosts.current,
    activeHost: () => active.current(),
    setActiveHost: (destination) => active.set(destination),
    saveHosts: async (change) => {
      if (change.hosts !== undefined) await updateSetting('hosts', change.hosts);
      if (change.showLocalHost !== undefined) await updateSetting('showLocalHost', change.showLocalHost);
    },
    rawHosts: () => rawSetting('hosts'),
    readLabFile: (arg) => labFiles.read(arg),
    recall: (key) => context.workspaceState.get<string>(key),
    remember: (key, value) => Promise.resolve(context.workspaceState.update(key, value)),
    log,
    showTopology: (arg) => topology.show(arg),
    showDrift: (fileKey, labHost, destination) => topology.showDrift(fileKey, labHost, destination),
    findLabFiles: () => labFiles.find(),
    saveLabFile: (fileName, text) => labFiles.save(fileName, text),
    traceTo: (arg) => topology.traceTo(arg),
    showMatrix: (arg) => topology.showMatrix(arg),
  };
}

/** One handler per command id; the command code (and the engine behind it) loads on the first command. */
function registerCommands(context: vscode.ExtensionContext, commands: ExtensionCommandContext): void {
  const run = async (id: CommandId, arg: unknown, more: unknown[]) => {
    const { runCommand } = await import('./commands/command-table.js');
    await runCommand(commands, id, arg, more);
  };
  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (arg: unknown, ...more: unknown[]) => run(id, arg, more)));
  }
}
