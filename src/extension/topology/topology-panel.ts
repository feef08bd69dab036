// The topology panel host: one WebviewPanel per source (a host, a .vnet file, or both for the drift view).
// It loads the source (cancellable), posts the data to the webview, reloads when the source changes, keeps
// the user's positions per lab in the workspace state, and carries out what the webview asks for.

import * as vscode from 'vscode';
import type { ContextMenus, DiagramInput, ElementRef, ShowMessage, ToWebviewMessage } from '../../model/protocol';
import { describeError } from '../../model/errors';
import { LayoutStore } from './layout-store';
import { handlePanelMessage, type PanelActions } from './message-handler';
import { buildPanelHtml, createNonce } from './panel-html';
import { locateInVnet } from './source-locator';
import { TOPOLOGY_VIEW_TYPE } from './view-type';
import type { Lab, Topology } from '../../model/topology';
import { traceNetworkOf } from '../../diagram/trace-network';
import { trace, type TraceQuestion } from '../../trace/index';
import type { Prompter } from '../ui';
import { endpointName, pickTraceQuestion } from './trace-picks';
import { defuseLinks } from '../text-safety';

/** What a panel shows. The extension builds these for hosts, files and drift (see topology-sources.ts). */
export interface TopologySource {
  /** Stable key: one panel per key, and dragged positions are remembered per key. */
  readonly key: string;
  readonly title: string;
  /** Reads the network(s) now. Called on open, on refresh, and when onDidChange fires. */
  load(signal: AbortSignal): Promise<DiagramInput>;
  /** Fires when the data may have changed (the file was edited, the live watcher saw a change). */
  readonly onDidChange?: vscode.Event<void>;
  /** The .vnet file, for "Go to .vnet source". */
  readonly sourceUri?: vscode.Uri;
}

export interface TopologyPanelOptions {
  /** The tree view's context menu commands per element kind, offered in the diagram's context menu too. */
  menus?: ContextMenus;
  /** Turns a diagram element into the argument the tree's commands expect (default: the ElementRef). */
  commandArgument?: (element: ElementRef) => unknown;
  /** Reveals an element in the Hosts tree; without it the panel offers no "Reveal in tree". */
  revealInTree?: (element: ElementRef) => Promise<void> | void;
  /** Where in the .vnet file an element is declared (default: a reading of the file, source-locator.ts). */
  locateSource?: (element: ElementRef, document: vscode.TextDocument) => vscode.Range | undefined;
  /** The output channel's append (errors, refused messages). */
  log?: (message: string) => void;
  /** Asks what to trace ("Trace from here…", the toolbar's Trace…); without it the panel cannot ask. */
  prompter?: Prompter;
}

const REFRESH_DEBOUNCE_MS = 300;
const openPanels = new Map<string, TopologyPanel>();

/**
 * Opens (or reveals) the panel for a source. The extension's "VNet: Show Topology" command calls this; after
 * a window reload, `restored` is the panel VS Code kept, which is then filled instead of a new one.
 */
export function showTopologyPanel(
  context: vscode.ExtensionContext, source: TopologySource, options: TopologyPanelOptions = {}, restored?: vscode.WebviewPanel,
): TopologyPanel {
  const existing = openPanels.get(source.key);
  if (existing) {
    restored?.dispose();
    existing.reveal();
    existing.refresh();
    return existing;
  }
  const panel = new TopologyPanel(context, source, options, restored);
  openPanels.set(source.key, panel);
  panel.onDidDispose(() => openPanels.delete(source.key));
  return panel;
}

/** The open panel for a source key, e.g. to select an element from the tree's "Show in Topology". */
export function findTopologyPanel(key: string): TopologyPanel | undefined {
  return openPanels.get(key);
}

export class TopologyPanel implements vscode.Disposable {

  private readonly panel: vscode.WebviewPanel;
  private readonly store: LayoutStore;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposeEmitter.event;
  private loading: AbortController | null = null;
  private latest: DiagramInput | null = null;
  private webviewReady = false;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** The trace drawn on the panel: traced again on every redraw, so that it follows the network. */
  private traceQuestion: TraceQuestion | null = null;

  constructor(
    context: vscode.ExtensionContext,
    private readonly source: TopologySource,
    private readonly options: TopologyPanelOptions,
    restored?: vscode.WebviewPanel,
  ) {
    this.store = new LayoutStore(context.workspaceState);
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    const webviewOptions = { enableScripts: true, localResourceRoots: [dist] };
    if (restored) {
      restored.webview.options = webviewOptions;
      restored.title = source.title;
    }
    this.panel = restored ?? vscode.window.createWebviewPanel(TOPOLOGY_VIEW_TYPE, source.title, vscode.ViewColumn.Active, {
      ...webviewOptions,
      // The webview keeps its own state (positions, view) with setState and asks for the data again on
      // 'ready', so it need not be kept alive while hidden.
      retainContextWhenHidden: false,
    });
    this.panel.webview.html = buildPanelHtml({
      cspSource: this.panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: this.panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      title: source.title,
      sourceKey: source.key,
    });
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((message: unknown) => {
        void handlePanelMessage(message, { labKey: source.key, menus: this.menus }, this.actions).catch((error: unknown) => this.log(`Topology panel: ${describeError(error)}`));
      }),
    );
    if (source.onDidChange) this.disposables.push(source.onDidChange(() => this.scheduleRefresh()));
    this.refresh();
  }

  private get menus(): ContextMenus {
    return this.options.menus ?? {};
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /** Reads the source again and redraws; an earlier read still running is cancelled. */
  refresh(): void {
    this.loading?.abort();
    const controller = new AbortController();
    this.loading = controller;
    this.post({ type: 'status', state: 'loading', message: 'Reading the network…' });
    this.source.load(controller.signal).then(
      (input) => {
        if (controller.signal.aborted || this.disposed) return;
        this.latest = input;
        this.postShow();
      },
      (error: unknown) => {
        if (controller.signal.aborted || this.disposed) return;
        const message = describeError(error);
        this.log(`${this.source.title}: ${message}`);
        this.post({ type: 'status', state: 'error', message });
      },
    );
  }

  /** Selects and centres an element in the diagram (the tree's "Show in Topology"). */
  select(element: ElementRef): void {
    this.reveal();
    this.post({ type: 'select', element });
  }

  /** Draws a trace on the panel (the tree's "Trace to…"), now or as soon as the network is drawn. */
  showTrace(question: TraceQuestion | null): void {
    this.traceQuestion = question;
    this.reveal();
    this.postTrace();
  }

  /** The network the panel shows, as a trace runs on it; null before it is read. */
  get network(): Topology | Lab | null {
    return this.latest ? traceNetworkOf(this.latest) : null;
  }

  private postTrace(): void {
    if (!this.latest || !this.webviewReady) return;
    const question = this.traceQuestion;
    const network = this.network;
    if (!question || !network) { this.post({ type: 'trace', result: null }); return; }
    try {
      this.post({ type: 'trace', result: trace(network, question) });
    } catch (error) {
      // The network changed under the trace (its source is gone): say so, and take the trace off.
      this.traceQuestion = null;
      this.post({ type: 'trace', result: null });
      void vscode.window.showWarningMessage(defuseLinks(`Trace: ${describeError(error)}`));
    }
  }

  private async pickAndTrace(element: ElementRef | null): Promise<void> {
    const network = this.network;
    if (!network) { void vscode.window.showInformationMessage('The network is still being read. Trace again once it is drawn.'); return; }
    const from = element?.namespace !== undefined ? endpointName(network, element.host, element.namespace) : null;
    if (!this.options.prompter) { this.log('Topology panel: tracing is not offered here (no prompter).'); return; }
    const question = await pickTraceQuestion(this.options.prompter, network, from);
    if (question) this.showTrace(question);
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  private postShow(): void {
    if (!this.latest || !this.webviewReady) return;
    const message: ShowMessage = {
      type: 'show',
      labKey: this.source.key,
      input: this.latest,
      layout: this.store.get(this.source.key),
      menus: this.menus,
      canRevealInTree: this.options.revealInTree !== undefined,
      canGoToSource: this.source.sourceUri !== undefined,
    };
    this.post(message);
    if (this.traceQuestion) this.postTrace();
  }

  private post(message: ToWebviewMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private readonly actions: PanelActions = {
    ready: () => {
      this.webviewReady = true;
      if (this.latest) this.postShow();
    },
    refresh: () => this.refresh(),
    revealInTree: async (element) => {
      await this.options.revealInTree?.(element);
    },
    goToSource: async (element) => {
      const uri = this.source.sourceUri;
      if (!uri) return;
      const document = await vscode.workspace.openTextDocument(uri);
      let range = this.options.locateSource?.(element, document);
      if (!range) {
        const spot = locateInVnet(document.getText(), element);
        if (spot) range = new vscode.Range(spot.line, spot.character, spot.line, spot.character + spot.length);
      }
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, selection: range, preview: true });
      if (!range) void vscode.window.showInformationMessage(`${element.kind} is not declared in ${vscode.workspace.asRelativePath(uri)}: it exists only on the host.`);
    },
    runCommand: async (command, element) => {
      const argument = this.options.commandArgument ? this.options.commandArgument(element) : element;
      await vscode.commands.executeCommand(command, argument);
    },
    copy: async (text) => {
      await vscode.env.clipboard.writeText(text);
    },
    saveLayout: async (labKey, layout) => {
      await this.store.set(labKey, layout);
    },
    exportSvg: async (text) => this.saveExport('svg', new TextEncoder().encode(text)),
    exportPng: async (bytes) => this.saveExport('png', bytes),
    log: (message) => this.log(message),
    traceFrom: (element) => this.pickAndTrace(element),
    clearTrace: () => { this.traceQuestion = null; },
  };

  private async saveExport(format: 'svg' | 'png', bytes: Uint8Array): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const base = this.source.title.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'topology';
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, `${base}.${format}`) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      saveLabel: `Export ${format.toUpperCase()}`,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`Topology exported to ${vscode.workspace.asRelativePath(target)}.`);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.loading?.abort();
    clearTimeout(this.refreshTimer);
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
  }
}
