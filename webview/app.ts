// The panel's UI thread: carries out the controller's effects (controller.ts) and the gestures' effects
// (gestures.ts) on the DOM. All host data reaches the DOM as text nodes or attribute values (svg-dom.ts,
// details-pane.ts); nothing here uses innerHTML.

import { indexLayoutElements } from '../src/diagram/details';
import type { DiagramLayout } from '../src/diagram/layout';
import { renderDiagram } from '../src/diagram/render';
import { buildTraceOverlay, overlayModelOfLayout, type TraceOverlay } from '../src/diagram/trace-overlay';
import { applyOffsets } from '../src/diagram/user-positions';
import { isToWebviewMessage, type DiagramInput, type SavedLayout } from '../src/model/protocol';
import { buildChrome, type Chrome } from './chrome';
import {
  handleExtensionMessage, handleLayout, handleUserAction, initialState, refOf, type Effect, type PanelState, type UserAction, type WebviewMemory,
} from './controller';
import { renderDetails } from './details-pane';
import { renderTracePane } from './trace-pane';
import { elementBounds } from './element-bounds';
import { exportPngBase64, exportSvgText } from './export-image';
import { initialGestures, reduceGesture, ZOOM_IN, ZOOM_OUT, type GestureEffect, type GestureEvent, type GestureState } from './gestures';
import { bindInput } from './input';
import { LayoutClient } from './layout-client';
import { menuItems } from './menu-model';
import { Outbox } from './outbox';
import { buildSvgDom } from './svg-dom';
import { centerOn, fitView, zoomAt, type View } from './viewport';
import { vscodeApi, type VsCodeApi } from './vscode-api';

/** A box being dragged, drawn moved by (dx, dy) on top of its saved offset. */
interface DragPreview {
  id: string;
  dx: number;
  dy: number;
}

/** The remembered state, with the source this panel shows: a reload before the first drawing must know it too. */
function loadMemory(vscode: VsCodeApi): WebviewMemory {
  const memory: WebviewMemory = vscode.getState() ?? { layouts: {} };
  const shown = document.querySelector('meta[name="vnet-source"]')?.getAttribute('content');
  if (shown && memory.shown !== shown) {
    memory.shown = shown;
    vscode.setState(memory);
  }
  return memory;
}

/** Offsets as saved, with a drag in progress added to its box's. */
function offsetsWith(saved: SavedLayout, drag: DragPreview | undefined): SavedLayout['offsets'] {
  if (!drag) return saved.offsets;
  const previous = saved.offsets[drag.id] ?? { dx: 0, dy: 0 };
  return { ...saved.offsets, [drag.id]: { dx: previous.dx + drag.dx, dy: previous.dy + drag.dy } };
}

/** The running panel: everything that changes while it is open lives in these fields. */
class Panel {
  private state: PanelState = initialState();
  private gestures: GestureState = initialGestures();
  /** The layout as drawn: elk's positions plus the user's offsets (and a drag in progress). */
  private drawn: DiagramLayout | null = null;
  private rendered: SVGElement | null = null;
  /** The trace as drawn on `drawn`, for the details pane. */
  private overlay: TraceOverlay | null = null;
  /** The animation frame a drag asked for, while it is pending. */
  private frame: number | undefined;
  private readonly chrome: Chrome;
  private readonly outbox: Outbox;

  constructor(private readonly vscode: VsCodeApi, private readonly memory: WebviewMemory, private readonly client: Promise<LayoutClient>) {
    this.outbox = new Outbox((message) => vscode.postMessage(message));
    this.chrome = buildChrome({
      fit: () => this.fit(),
      zoomIn: () => this.zoomCenter(ZOOM_IN),
      zoomOut: () => this.zoomCenter(ZOOM_OUT),
      resetPositions: () => this.act({ type: 'resetPositions' }),
      exportSvg: () => void this.exportAs('svg'),
      exportPng: () => void this.exportAs('png'),
      refresh: () => this.act({ type: 'refresh' }),
      trace: () => this.act({ type: 'traceFrom' }),
      clearTrace: () => this.act({ type: 'clearTrace' }),
    });
  }

  start(): void {
    bindInput(this.chrome, {
      gesture: (event, source) => this.gesture(event, source),
      contextMenu: (id, x, y) => this.openMenu(id, x, y),
      search: (query) => this.act({ type: 'search', query }),
      nextMatch: () => this.act({ type: 'nextMatch' }),
    });
    window.addEventListener('message', (event: MessageEvent) => {
      if (!isToWebviewMessage(event.data)) return;
      this.dispatch(handleExtensionMessage(this.state, event.data, this.memory));
    });
    renderDetails(this.chrome.details, null, { canRevealInTree: false, canGoToSource: false, onReveal() {}, onGoToSource() {} });
    this.showStatus('Waiting for the network…');
    this.vscode.postMessage({ type: 'ready' });
  }

  // ---- the controller ----

  private dispatch([next, effects]: [PanelState, Effect[]]): void {
    this.state = next;
    for (const effect of effects) this.run(effect);
  }

  private act(action: UserAction): void {
    this.dispatch(handleUserAction(this.state, action));
  }

  private run(effect: Effect): void {
    switch (effect.type) {
      case 'layout': void this.requestLayout(effect.input, effect.order); break;
      case 'render': this.render(); break;
      case 'highlight': this.highlight(); break;
      case 'center': this.center(effect.id); break;
      case 'fit': this.fit(); break;
      case 'post': this.outbox.post(effect.message); break;
      case 'persist': this.persist(); break;
    }
  }

  private persist(): void {
    if (!this.state.labKey) return;
    this.memory.layouts[this.state.labKey] = this.state.saved;
    this.vscode.setState(this.memory);
  }

  private async requestLayout(input: DiagramInput, order: string[]): Promise<void> {
    const namespaces = input.hosts.reduce((n, h) => n + Math.max(h.desired?.namespaces.length ?? 0, h.live?.namespaces.length ?? 0), 0);
    this.showStatus(`Laying out ${namespaces} namespace${namespaces === 1 ? '' : 's'}…`);
    const client = await this.client;
    if (client.fallbackReason) {
      this.chrome.notice.hidden = false;
      this.chrome.notice.textContent = `Layout runs on the panel's own thread (the layout worker could not start: ${client.fallbackReason}). Big labs may pause the panel.`;
    }
    try {
      const result = await client.layout(input, order);
      if (result) this.dispatch(handleLayout(this.state, result.layout, result.ids));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.showStatus(`Layout failed: ${message}`, true);
      this.outbox.post({ type: 'error', message: `Topology layout failed: ${message}` });
    }
  }

  // ---- the gestures ----

  private gesture(event: GestureEvent, source: Event): void {
    const { state, effects } = reduceGesture(this.gestures, event);
    this.gestures = state;
    for (const effect of effects) this.runGesture(effect, source);
  }

  private runGesture(effect: GestureEffect, source: Event): void {
    const canvas = this.chrome.canvas;
    switch (effect.type) {
      case 'capture':
        if (source instanceof PointerEvent) canvas.setPointerCapture(source.pointerId);
        canvas.focus();
        break;
      case 'applyView': this.applyView(); break;
      case 'panning': canvas.classList.toggle('panning', effect.on); break;
      case 'requestFrame': this.frame = requestAnimationFrame(() => { this.frame = undefined; this.gesture({ type: 'frame' }, source); }); break;
      case 'cancelFrame':
        if (this.frame !== undefined) cancelAnimationFrame(this.frame);
        this.frame = undefined;
        break;
      case 'preview': this.render(effect); break;
      case 'redraw': this.render(); break;
      case 'action': this.act(effect.action); break;
      case 'fit': this.fit(); break;
      case 'zoomCenter': this.zoomCenter(effect.factor); break;
      case 'focusSearch': this.chrome.search.focus(); break;
      case 'preventDefault': source.preventDefault(); break;
    }
  }

  private openMenu(id: string, x: number, y: number): void {
    this.act({ type: 'select', id });
    const ref = refOf(this.state, id);
    if (!ref) return;
    const items = menuItems(ref, this.state.menus, this.state);
    this.chrome.menu.open(x, y, items, (item) => this.act({ type: 'menu', id, action: item.action }));
  }

  // ---- drawing ----

  private showStatus(text: string, error = false): void {
    this.chrome.status.textContent = text;
    this.chrome.status.classList.toggle('error', error);
  }

  private render(drag?: DragPreview): void {
    const { status, base, saved } = this.state;
    if (status.state === 'error') this.showStatus(status.message ?? 'Reading the network failed.', true);
    else if (status.state === 'ready') this.showStatus(status.message ?? '');
    if (!base) return;
    const drawn = applyOffsets(base, offsetsWith(saved, drag));
    this.drawn = drawn;
    const trace = this.state.trace;
    this.overlay = trace ? buildTraceOverlay(overlayModelOfLayout(drawn), trace) : null;
    this.chrome.clearTrace.disabled = trace === null;
    const svg = buildSvgDom(document, renderDiagram(drawn, { trace: this.overlay }));
    // Placed at its own origin, the nested drawing uses diagram coordinates as the viewport's coordinates.
    svg.setAttribute('x', String(Math.floor(drawn.originX ?? 0)));
    svg.setAttribute('y', String(Math.floor(drawn.originY ?? 0)));
    svg.setAttribute('overflow', 'visible');
    this.chrome.viewport.replaceChildren(svg);
    this.rendered = svg;
    this.applyView();
    this.highlight();
  }

  private highlight(): void {
    if (!this.rendered) return;
    const { selected, matches, query } = this.state;
    const matching = new Set(matches);
    this.rendered.querySelectorAll<SVGElement>('[data-id]').forEach((node) => {
      const id = node.getAttribute('data-id') ?? '';
      node.classList.toggle('selected', id === selected);
      node.classList.toggle('match', matching.has(id));
    });
    this.chrome.count.textContent = query ? `${matches.length} found` : '';
    const element = selected && this.drawn ? indexLayoutElements(this.drawn).get(selected) ?? null : null;
    renderDetails(this.chrome.details, element, {
      canRevealInTree: this.state.canRevealInTree,
      canGoToSource: this.state.canGoToSource,
      onReveal: () => this.state.selected && this.act({ type: 'menu', id: this.state.selected, action: { type: 'revealInTree' } }),
      onGoToSource: () => this.state.selected && this.act({ type: 'menu', id: this.state.selected, action: { type: 'goToSource' } }),
    });
    if (this.state.trace && this.overlay) {
      this.chrome.details.prepend(renderTracePane(this.state.trace, this.overlay, {
        onHop: (id) => this.act({ type: 'focus', id }),
        onClear: () => this.act({ type: 'clearTrace' }),
      }));
    }
  }

  // ---- the view ----

  private applyView(): void {
    const { x, y, k } = this.gestures.view;
    this.chrome.viewport.setAttribute('transform', `translate(${x} ${y}) scale(${k})`);
  }

  private setView(view: View): void {
    this.gestures = { ...this.gestures, view };
    this.applyView();
  }

  private canvasSize(): { width: number; height: number } {
    const rect = this.chrome.canvas.getBoundingClientRect();
    return { width: rect.width, height: rect.height };
  }

  private fit(): void {
    const drawn = this.drawn;
    if (!drawn) return;
    this.setView(fitView({ x: drawn.originX ?? 0, y: drawn.originY ?? 0, width: drawn.width, height: drawn.height }, this.canvasSize()));
  }

  private zoomCenter(factor: number): void {
    const size = this.canvasSize();
    this.setView(zoomAt(this.gestures.view, factor, size.width / 2, size.height / 2));
  }

  private center(id: string): void {
    const target = this.drawn ? elementBounds(this.drawn, id) : null;
    if (target) this.setView(centerOn(this.gestures.view, target, this.canvasSize()));
  }

  private async exportAs(format: 'svg' | 'png'): Promise<void> {
    const drawn = this.drawn;
    if (!drawn) return;
    try {
      const text = exportSvgText(drawn, this.rendered, this.overlay);
      if (format === 'svg') this.outbox.post({ type: 'export', format: 'svg', text });
      else this.outbox.post({ type: 'export', format: 'png', base64: await exportPngBase64(text, drawn.width, drawn.height) });
    } catch (error) {
      this.outbox.post({ type: 'error', message: `Export as ${format.toUpperCase()} failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
}

export function startApp(scriptUrl: string | null): void {
  const vscode = vscodeApi();
  const memory = loadMemory(vscode);
  new Panel(vscode, memory, LayoutClient.start(scriptUrl)).start();
}
