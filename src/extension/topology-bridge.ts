// "Show topology": opens the topology panel (src/extension/topology, another part of the extension) for a
// host from the tree, a .vnet file, or what the user picks. A live host's diagram follows the host's
// session, and its context menus run the tree's own commands on the element.

import * as vscode from 'vscode';
import type { ContextMenus, ElementRef } from '../model/protocol';
import { VnetError } from '../model/errors';
import type { HostSession } from './host-session';
import type { HostsModel } from './hosts-model';
import type { TreeNode } from './tree-model';
import type { Ui } from './ui';
import { iconSafe } from './text-safety';
import { hostTitle } from './host-state';
import { LANGUAGE_ID } from './language-client';
import type { ReadHost, TopologyPanel } from './topology/index';

/** The panel code, loaded on first use (activation stays lean). */
type TopologyModule = typeof import('./topology/index');

/** The tree's commands, offered in the diagram's context menu for live hosts. */
const LIVE_MENUS: ContextMenus = {
  host: [
    { command: 'vnet.addNamespace', title: 'Add Namespace…' },
    { command: 'vnet.addBridge', title: 'Add Bridge…' },
    { command: 'vnet.addVethPair', title: 'Add veth Pair…' },
    { command: 'vnet.refresh', title: 'Refresh' },
  ],
  namespace: [
    { command: 'vnet.openShell', title: 'Open Shell in Namespace' },
    { command: 'vnet.ping', title: 'Ping from Namespace…' },
    { command: 'vnet.addVethPair', title: 'Add veth Pair…' },
    { command: 'vnet.addRoute', title: 'Add Route…' },
    { command: 'vnet.toggleForwarding', title: 'Toggle Forwarding' },
    { command: 'vnet.removeNamespace', title: 'Remove Namespace…' },
  ],
  bridge: [
    { command: 'vnet.addVethPair', title: 'Add veth Pair…' },
    { command: 'vnet.addAddress', title: 'Add Address…' },
    { command: 'vnet.capture', title: 'Watch Packets in Terminal' },
    { command: 'vnet.removeBridge', title: 'Remove Bridge…' },
  ],
  interface: [
    { command: 'vnet.addAddress', title: 'Add Address…' },
    { command: 'vnet.capture', title: 'Watch Packets in Terminal' },
    { command: 'vnet.toggleInterfaceState', title: 'Bring Up / Down' },
    { command: 'vnet.removeInterface', title: 'Remove Interface…' },
  ],
  link: [{ command: 'vnet.removeVethPair', title: 'Remove veth Pair…' }],
  route: [{ command: 'vnet.removeRoute', title: 'Remove Route…' }],
  nat: [{ command: 'vnet.removeNatRule', title: 'Remove NAT Rule…' }],
};

/** Fires when the host's session changed (it read the host again) or the list of hosts changed. */
function hostChanges(hosts: HostsModel, destination: string): vscode.Event<void> {
  return (listener, thisArgs, disposables) => {
    const unsubscribe = hosts.onDidChange((session) => {
      if (!session || session.destination === destination) listener.call(thisArgs);
    });
    const disposable = new vscode.Disposable(unsubscribe);
    disposables?.push(disposable);
    return disposable;
  };
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && /^[a-z][\w+.-]*:/i.test(arg)) return vscode.Uri.parse(arg);
  return undefined;
}

export class TopologyBridge {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly hosts: HostsModel,
    private readonly ui: Ui,
    private readonly reveal: (ref: ElementRef) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  async show(arg: unknown): Promise<void> {
    const topology = await import('./topology/index.js');
    const uri = uriOf(arg) ?? (arg === undefined ? this.activeVnetUri() : undefined);
    if (uri) {
      topology.showTopologyPanel(this.context, topology.fileTopologySource(uri), { log: this.log, prompter: this.ui });
      return;
    }
    const session = await this.sessionFor(arg);
    const panel = this.showHost(topology, session.destination);
    const ref = (arg as TreeNode | undefined)?.ref;
    if (ref && ref.kind !== 'host') panel.select(ref);
  }

  /** The drift view of one host of a .vnet file against a host of the Hosts view, following both. */
  async showDrift(fileKey: string, labHost: string | undefined, destination: string): Promise<void> {
    this.showDriftOf(await import('./topology/index.js'), fileKey, labHost, destination);
  }

  /** "Trace to…" on a namespace or interface row: picks, then the trace on the host's topology panel. */
  async traceTo(arg: unknown): Promise<void> {
    const [{ traceToFromTree }, topology] = await Promise.all([import('./trace-to.js'), import('./topology/index.js')]);
    await traceToFromTree({
      read: (destination) => this.liveSide(destination).read(new AbortController().signal),
      showTrace: async (destination, question) => this.showHost(topology, destination).showTrace(question),
    }, this.ui, arg);
  }

  /** "Reachability Matrix" on a host row: the grid of its namespaces' reachability, static and live. */
  async showMatrix(arg: unknown): Promise<void> {
    const [{ showMatrixPanel }, topology] = await Promise.all([import('./matrix-panel.js'), import('./topology/index.js')]);
    const session = await this.sessionFor(arg);
    const destination = session.destination;
    showMatrixPanel(this.context, {
      destination,
      title: hostTitle(session.entry),
      read: (signal) => this.liveSide(destination).read(signal ?? new AbortController().signal),
      transport: () => session.transport,
      showTrace: async (question) => this.showHost(topology, destination).showTrace(question),
      log: this.log,
    });
  }

  /** After a window reload: fills a panel VS Code kept with what it showed before (its key, in `state`). */
  async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const topology = await import('./topology/index.js');
    const ref = topology.parseSourceKey(typeof state === 'object' && state !== null ? (state as { shown?: unknown }).shown : undefined);
    if (!ref) {
      // Nothing says what it showed (it never finished drawing): an empty panel helps nobody.
      panel.dispose();
      return;
    }
    switch (ref.kind) {
      case 'file': topology.showTopologyPanel(this.context, topology.fileTopologySource(vscode.Uri.parse(ref.uri)), { log: this.log, prompter: this.ui }, panel); break;
      case 'host': this.showHost(topology, ref.destination, panel); break;
      case 'drift': this.showDriftOf(topology, ref.uri, ref.labHost ?? undefined, ref.destination, panel); break;
    }
  }

  private showHost(topology: TopologyModule, destination: string, restored?: vscode.WebviewPanel): TopologyPanel {
    const live = this.liveSide(destination);
    return topology.showTopologyPanel(this.context, topology.hostTopologySource(destination, live.read, live.onDidChange), {
      menus: LIVE_MENUS,
      revealInTree: (element) => this.reveal(element),
      log: this.log,
      prompter: this.ui,
    }, restored);
  }

  private showDriftOf(topology: TopologyModule, fileKey: string, labHost: string | undefined, destination: string, restored?: vscode.WebviewPanel): void {
    const live = this.liveSide(destination);
    const source = topology.driftTopologySource(vscode.Uri.parse(fileKey), destination, live.read, live.onDidChange, labHost);
    topology.showTopologyPanel(this.context, source, { log: this.log, prompter: this.ui }, restored);
  }

  /**
   * How a panel reads a host of the Hosts view and hears of its changes. The session is looked up on each
   * read: a panel restored at start-up may come before the settings that name its host.
   */
  private liveSide(destination: string): { read: ReadHost; onDidChange: vscode.Event<void> } {
    return {
      read: (signal) => {
        const session = this.hosts.get(destination);
        if (!session) {
          return Promise.reject(new VnetError('VN-HOST-NONE', `${destination} is not in the Hosts view. Add it with "VNet: Add Host…"; this panel then draws it.`));
        }
        session.start();
        // The session keeps the Topology current (watcher or polling): draw what it holds.
        return session.topology ? Promise.resolve(session.topology) : session.ensureTopology(signal);
      },
      onDidChange: hostChanges(this.hosts, destination),
    };
  }

  private activeVnetUri(): vscode.Uri | undefined {
    const document = vscode.window.activeTextEditor?.document;
    return document?.languageId === LANGUAGE_ID ? document.uri : undefined;
  }

  private async sessionFor(arg: unknown): Promise<HostSession> {
    const host = typeof arg === 'object' && arg !== null ? (arg as { host?: unknown }).host : undefined;
    if (typeof host === 'string') {
      const session = this.hosts.get(host);
      if (session) return session;
    }
    const sessions = this.hosts.list();
    if (!sessions.length) throw new VnetError('VN-HOST-NONE', 'There are no hosts to draw. Add one with "VNet: Add Host…", or open a .vnet file.');
    if (sessions.length === 1) return sessions[0];
    const picked = await this.ui.pick(sessions.map((s) => ({ label: iconSafe(hostTitle(s.entry)), value: s })), { title: 'Show topology', placeholder: 'Of which host?' });
    if (!picked) throw new VnetError('VN-CANCELLED', 'Cancelled.');
    return picked;
  }
}
