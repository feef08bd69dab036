// The Reachability Matrix panel of a host: the grid of every ordered pair of its namespaces (and the LAN)
// for ICMP, computed statically from the host's network as the session holds it; a cell opens its trace on
// the topology panel; "Verify live" pings each pair on the host (matrix-live.ts). One panel per host.

import * as vscode from 'vscode';
import { matrixCells, matrixEndpoints } from '../diagram/reachability-matrix';
import { describeError } from '../model/errors';
import { isFromMatrixMessage, type MatrixCell, type ReachabilityMatrix, type ToMatrixMessage } from '../model/matrix-protocol';
import type { Topology } from '../model/topology';
import type { Transport } from '../host/transport';
import type { TraceQuestion } from '../trace/types';
import { verifyMatrixLive } from './matrix-live';
import { buildPanelHtml, createNonce } from './topology/panel-html';

export const MATRIX_VIEW_TYPE = 'vnet.matrix';

/** A grid wider than this is unreadable and costs seconds of tracing: the rest are reached by "Trace to…". */
const MAX_ENDPOINTS = 60;
/** How long the tracing runs before it lets the extension host do other work. */
const SLICE_MS = 25;

/** What the panel needs of the extension: the host's network and transport, and the topology panel. */
export interface MatrixHost {
  destination: string;
  title: string;
  /** The host's network as the session holds it (read when it has none yet). */
  read(signal?: AbortSignal): Promise<Topology>;
  transport(): Transport;
  /** Opens the host's topology panel with this trace drawn. */
  showTrace(question: TraceQuestion): Promise<void>;
  log(line: string): void;
}

const openPanels = new Map<string, MatrixPanel>();

export function showMatrixPanel(context: vscode.ExtensionContext, host: MatrixHost): MatrixPanel {
  const existing = openPanels.get(host.destination);
  if (existing) { existing.reveal(); return existing; }
  const panel = new MatrixPanel(context, host);
  openPanels.set(host.destination, panel);
  return panel;
}

export class MatrixPanel {
  private readonly panel: vscode.WebviewPanel;
  private matrix: ReachabilityMatrix | null = null;
  private topology: Topology | null = null;
  private work: AbortController | null = null;

  constructor(context: vscode.ExtensionContext, private readonly host: MatrixHost) {
    const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
    this.panel = vscode.window.createWebviewPanel(MATRIX_VIEW_TYPE, `Reachability: ${host.title}`, vscode.ViewColumn.Active, {
      enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: false,
    });
    this.panel.webview.html = buildPanelHtml({
      cspSource: this.panel.webview.cspSource,
      nonce: createNonce(),
      scriptUri: this.panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      title: `Reachability: ${host.title}`,
      sourceKey: `matrix:${host.destination}`,
      view: 'matrix',
    });
    this.panel.onDidDispose(() => { this.work?.abort(); openPanels.delete(host.destination); });
    this.panel.webview.onDidReceiveMessage((message: unknown) => {
      void this.handle(message).catch((error: unknown) => this.status(describeError(error), false));
    });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private post(message: ToMatrixMessage): void {
    void this.panel.webview.postMessage(message);
  }

  private status(text: string, busy: boolean): void {
    this.post({ type: 'status', text, busy });
  }

  private async handle(message: unknown): Promise<void> {
    if (!isFromMatrixMessage(message)) { this.host.log('Reachability Matrix: ignored a malformed message from the webview.'); return; }
    switch (message.type) {
      case 'ready':
        // A webview shown again starts over: give it the grid it had (with its live verdicts), if any.
        if (this.matrix) { this.post({ type: 'matrix', matrix: this.matrix }); this.status('', false); return; }
        return this.compute();
      case 'refresh': return this.compute();
      case 'verifyLive': return this.verify();
      case 'openTrace': return this.host.showTrace({ from: message.from, to: message.to, protocol: 'icmp', port: null });
    }
  }

  /**
   * Recomputes the grid from the network as the session now holds it. Every pair is a trace (a big host has
   * thousands), so the work pauses every few milliseconds to keep the extension host responsive, and stops
   * when the panel closes or a newer computation starts.
   */
  private async compute(): Promise<void> {
    this.work?.abort();
    const work = new AbortController();
    this.work = work;
    this.status('Reading the host…', true);
    const topology = await this.host.read(work.signal);
    const all = matrixEndpoints(topology);
    const endpoints = all.slice(0, MAX_ENDPOINTS);
    const total = endpoints.length * (endpoints.length - 1);
    const cells: MatrixCell[] = [];
    let slice = Date.now();
    for (const cell of matrixCells(topology, endpoints)) {
      cells.push(cell);
      if (Date.now() - slice < SLICE_MS) continue;
      await new Promise((resolve) => setImmediate(resolve));
      if (work.signal.aborted) return;
      this.status(`Tracing ${cells.length} of ${total} pairs…`, true);
      slice = Date.now();
    }
    this.topology = topology;
    this.matrix = { host: this.host.destination, endpoints, cells };
    this.post({ type: 'matrix', matrix: this.matrix });
    const cut = all.length > endpoints.length ? ` Only the first ${MAX_ENDPOINTS} of ${all.length} namespaces are shown; use "Trace to…" for the others.` : '';
    const counts = this.matrix.cells.reduce((n, c) => ({ ...n, [c.outcome]: (n[c.outcome] ?? 0) + 1 }), {} as Record<string, number>);
    this.status(`${this.matrix.cells.length} pairs, computed from the network as read: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}.${cut}`, false);
  }

  private async verify(): Promise<void> {
    if (!this.matrix || !this.topology) return;
    this.work?.abort();
    const work = new AbortController();
    this.work = work;
    this.status('Pinging each pair on the host…', true);
    try {
      const checked = await verifyMatrixLive(this.host.transport(), this.topology, this.matrix, { signal: work.signal, log: this.host.log });
      if (work.signal.aborted) return;
      this.matrix = checked;
      this.post({ type: 'matrix', matrix: checked });
      const disagree = checked.cells.filter((c) => (c.outcome === 'reachable' && c.live === 'fail') || (c.outcome === 'dropped' && c.live === 'pass')).length;
      this.status(disagree ? `Live: ${disagree} pair${disagree === 1 ? '' : 's'} disagree with the static verdict (outlined).` : 'Live: every pinged pair agrees with the static verdict.', false);
    } catch (error) {
      if (!work.signal.aborted) this.status(`Verify live failed: ${describeError(error)}`, false);
    }
  }
}
