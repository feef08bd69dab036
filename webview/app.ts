// The panel's UI thread: builds the chrome, carries out the controller's effects on the DOM, and turns
// pointer and keyboard input into controller actions. All host data reaches the DOM as text nodes or
// attribute values (svg-dom.ts, details-pane.ts); nothing here uses innerHTML.

import { indexLayoutElements } from '../src/diagram/details';
import type { DiagramLayout } from '../src/diagram/layout';
import { renderDiagram } from '../src/diagram/render';
import { applyOffsets } from '../src/diagram/user-positions';
import { isToWebviewMessage, type FromWebviewMessage } from '../src/model/protocol';
import { ContextMenu } from './context-menu';
import {
  handleExtensionMessage, handleLayout, handleUserAction, initialState, refOf, type Effect, type PanelState, type UserAction, type WebviewMemory,
} from './controller';
import { renderDetails } from './details-pane';
import { exportPngBase64, exportSvgText } from './export-image';
import { LayoutClient } from './layout-client';
import { menuItems } from './menu-model';
import { buildSvgDom } from './svg-dom';
import { centerOn, fitView, panBy, zoomAt, type View } from './viewport';
import { vscodeApi } from './vscode-api';

const SVG_NS = 'http://www.w3.org/2000/svg';
const DRAGGABLE = new Set(['namespace', 'bridge', 'outside', 'host']);
const CLICK_SLOP = 3;

interface Chrome {
  canvas: SVGSVGElement;
  viewport: SVGGElement;
  details: HTMLElement;
  status: HTMLElement;
  notice: HTMLElement;
  search: HTMLInputElement;
  count: HTMLElement;
  menu: ContextMenu;
}

function button(parent: HTMLElement, title: string, label: string, onClick: () => void): void {
  const b = document.createElement('button');
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  parent.appendChild(b);
}

export function startApp(scriptUrl: string | null): void {
  const vscode = vscodeApi();
  const memory: WebviewMemory = vscode.getState() ?? { layouts: {} };
  // What this panel shows, remembered from the start: a reload before the first drawing must know it too.
  const shown = document.querySelector('meta[name="vnet-source"]')?.getAttribute('content');
  if (shown && memory.shown !== shown) {
    memory.shown = shown;
    vscode.setState(memory);
  }
  let state: PanelState = initialState();
  let view: View = { x: 0, y: 0, k: 1 };
  /** The layout as drawn: elk's positions plus the user's offsets (and a drag in progress). */
  let drawn: DiagramLayout | null = null;
  let rendered: SVGElement | null = null;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let pendingSave: FromWebviewMessage | null = null;
  const clientReady = LayoutClient.start(scriptUrl);

  const post = (message: FromWebviewMessage) => {
    // Drags and refreshes save often; the extension hears the last one.
    if (message.type === 'saveLayout') {
      pendingSave = message;
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => { if (pendingSave) vscode.postMessage(pendingSave); pendingSave = null; }, 400);
      return;
    }
    vscode.postMessage(message);
  };

  const chrome = buildChrome();

  function buildChrome(): Chrome {
    const toolbar = document.createElement('div');
    toolbar.className = 'vnet-toolbar';
    toolbar.setAttribute('role', 'toolbar');
    const search = document.createElement('input');
    search.type = 'search';
    search.placeholder = 'Search names, addresses, routes…';
    search.setAttribute('aria-label', 'Search the diagram');
    const count = document.createElement('span');
    count.className = 'vnet-count';
    const status = document.createElement('span');
    status.className = 'vnet-status';
    status.setAttribute('role', 'status');
    button(toolbar, 'Fit the diagram to the panel (0)', 'Fit', () => fit());
    button(toolbar, 'Zoom in (+)', '+', () => zoomCenter(1.25));
    button(toolbar, 'Zoom out (-)', '−', () => zoomCenter(0.8));
    button(toolbar, 'Put every box back where the layout placed it', 'Reset positions', () => dispatchAction({ type: 'resetPositions' }));
    toolbar.appendChild(search);
    toolbar.appendChild(count);
    button(toolbar, 'Export the diagram as SVG', 'Export SVG', () => void exportAs('svg'));
    button(toolbar, 'Export the diagram as PNG', 'Export PNG', () => void exportAs('png'));
    button(toolbar, 'Read the network again', 'Refresh', () => dispatchAction({ type: 'refresh' }));
    toolbar.appendChild(status);

    const notice = document.createElement('div');
    notice.className = 'vnet-notice';
    notice.hidden = true;

    const main = document.createElement('div');
    main.className = 'vnet-main';
    const canvas = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
    canvas.setAttribute('class', 'vnet-canvas');
    canvas.setAttribute('tabindex', '0');
    canvas.setAttribute('aria-label', 'Network diagram');
    const viewportGroup = document.createElementNS(SVG_NS, 'g') as SVGGElement;
    canvas.appendChild(viewportGroup);
    const details = document.createElement('aside');
    details.className = 'vnet-details';
    details.setAttribute('aria-label', 'Details');
    main.appendChild(canvas);
    main.appendChild(details);
    document.body.replaceChildren(toolbar, notice, main);
    return { canvas, viewport: viewportGroup, details, status, notice, search, count, menu: new ContextMenu(document.body) };
  }

  function dispatch([next, effects]: [PanelState, Effect[]]): void {
    state = next;
    for (const effect of effects) run(effect);
  }

  function dispatchAction(action: UserAction): void {
    dispatch(handleUserAction(state, action));
  }

  function run(effect: Effect): void {
    switch (effect.type) {
      case 'layout': void requestLayout(effect.input, effect.order); break;
      case 'render': render(); break;
      case 'highlight': highlight(); break;
      case 'center': center(effect.id); break;
      case 'fit': fit(); break;
      case 'post': post(effect.message); break;
      case 'persist':
        if (state.labKey) { memory.layouts[state.labKey] = state.saved; vscode.setState(memory); }
        break;
    }
  }

  async function requestLayout(input: NonNullable<PanelState['input']>, order: string[]): Promise<void> {
    const namespaces = input.hosts.reduce((n, h) => n + Math.max(h.desired?.namespaces.length ?? 0, h.live?.namespaces.length ?? 0), 0);
    showStatus(`Laying out ${namespaces} namespace${namespaces === 1 ? '' : 's'}…`);
    const client = await clientReady;
    if (client.fallbackReason) {
      chrome.notice.hidden = false;
      chrome.notice.textContent = `Layout runs on the panel's own thread (the layout worker could not start: ${client.fallbackReason}). Big labs may pause the panel.`;
    }
    try {
      const result = await client.layout(input, order);
      if (result) dispatch(handleLayout(state, result.layout, result.ids));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      showStatus(`Layout failed: ${message}`, true);
      post({ type: 'error', message: `Topology layout failed: ${message}` });
    }
  }

  function showStatus(text: string, error = false): void {
    chrome.status.textContent = text;
    chrome.status.classList.toggle('error', error);
  }

  function render(dragging?: { id: string; dx: number; dy: number }): void {
    if (state.status.state === 'error') showStatus(state.status.message ?? 'Reading the network failed.', true);
    else if (state.status.state === 'ready') showStatus(state.status.message ?? '');
    if (!state.base) return;
    let offsets = state.saved.offsets;
    if (dragging) {
      const previous = offsets[dragging.id] ?? { dx: 0, dy: 0 };
      offsets = { ...offsets, [dragging.id]: { dx: previous.dx + dragging.dx, dy: previous.dy + dragging.dy } };
    }
    drawn = applyOffsets(state.base, offsets);
    const svg = buildSvgDom(document, renderDiagram(drawn));
    // Placed at its own origin, the nested drawing uses diagram coordinates as the viewport's coordinates.
    svg.setAttribute('x', String(Math.floor(drawn.originX ?? 0)));
    svg.setAttribute('y', String(Math.floor(drawn.originY ?? 0)));
    svg.setAttribute('overflow', 'visible');
    chrome.viewport.replaceChildren(svg);
    rendered = svg;
    applyView();
    highlight();
  }

  function highlight(): void {
    if (!rendered) return;
    const matches = new Set(state.matches);
    rendered.querySelectorAll<SVGElement>('[data-id]').forEach((node) => {
      const id = node.getAttribute('data-id') ?? '';
      node.classList.toggle('selected', id === state.selected);
      node.classList.toggle('match', matches.has(id));
    });
    chrome.count.textContent = state.query ? `${state.matches.length} found` : '';
    const element = state.selected && drawn ? indexLayoutElements(drawn).get(state.selected) ?? null : null;
    renderDetails(chrome.details, element, {
      canRevealInTree: state.canRevealInTree,
      canGoToSource: state.canGoToSource,
      onReveal: () => state.selected && dispatchAction({ type: 'menu', id: state.selected, action: { type: 'revealInTree' } }),
      onGoToSource: () => state.selected && dispatchAction({ type: 'menu', id: state.selected, action: { type: 'goToSource' } }),
    });
  }

  function applyView(): void {
    chrome.viewport.setAttribute('transform', `translate(${view.x} ${view.y}) scale(${view.k})`);
  }

  function canvasSize(): { width: number; height: number } {
    const rect = chrome.canvas.getBoundingClientRect();
    return { width: rect.width, height: rect.height };
  }

  function fit(): void {
    if (!drawn) return;
    view = fitView({ x: drawn.originX ?? 0, y: drawn.originY ?? 0, width: drawn.width, height: drawn.height }, canvasSize());
    applyView();
  }

  function zoomCenter(factor: number): void {
    const size = canvasSize();
    view = zoomAt(view, factor, size.width / 2, size.height / 2);
    applyView();
  }

  function boundsOf(id: string): { x: number; y: number; width: number; height: number } | null {
    if (!drawn) return null;
    const box = drawn.boxes.find((b) => b.id === id) ?? drawn.ports.find((p) => p.id === id);
    if (box) return box;
    const edge = drawn.edges.find((e) => e.id === id);
    if (edge?.points.length) {
      const xs = edge.points.map((p) => p.x);
      const ys = edge.points.map((p) => p.y);
      return { x: Math.min(...xs), y: Math.min(...ys), width: Math.max(...xs) - Math.min(...xs), height: Math.max(...ys) - Math.min(...ys) };
    }
    const owner = drawn.boxes.find((b) => b.lines.some((l) => l.id === id));
    return owner ?? null;
  }

  function center(id: string): void {
    const target = boundsOf(id);
    if (!target) return;
    view = centerOn(view, target, canvasSize());
    applyView();
  }

  async function exportAs(format: 'svg' | 'png'): Promise<void> {
    if (!drawn) return;
    try {
      const text = exportSvgText(drawn, rendered);
      if (format === 'svg') post({ type: 'export', format: 'svg', text });
      else post({ type: 'export', format: 'png', base64: await exportPngBase64(text, drawn.width, drawn.height) });
    } catch (error) {
      post({ type: 'error', message: `Export as ${format.toUpperCase()} failed: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  // ---- input ----

  const idAt = (target: EventTarget | null) => (target instanceof Element ? target.closest('[data-id]') : null);
  // With pointer capture the pointerup's target is the canvas: what was hit is remembered at pointerdown.
  let gesture: { kind: 'pan' | 'drag'; id?: string; hit: string | null; startX: number; startY: number; lastX: number; lastY: number; moved: boolean; frame?: number } | null = null;

  chrome.canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    const hit = idAt(event.target);
    const kind = hit?.getAttribute('data-kind') ?? '';
    const id = hit?.getAttribute('data-id') ?? undefined;
    const boxHit = hit && DRAGGABLE.has(kind) && hit.classList.contains('vnet-box');
    gesture = { kind: boxHit ? 'drag' : 'pan', id, hit: id ?? null, startX: event.clientX, startY: event.clientY, lastX: event.clientX, lastY: event.clientY, moved: false };
    chrome.canvas.setPointerCapture(event.pointerId);
    chrome.canvas.focus();
  });

  chrome.canvas.addEventListener('pointermove', (event) => {
    if (!gesture) return;
    const total = Math.hypot(event.clientX - gesture.startX, event.clientY - gesture.startY);
    if (!gesture.moved && total < CLICK_SLOP) return;
    gesture.moved = true;
    if (gesture.kind === 'pan') {
      chrome.canvas.classList.add('panning');
      view = panBy(view, event.clientX - gesture.lastX, event.clientY - gesture.lastY);
      gesture.lastX = event.clientX;
      gesture.lastY = event.clientY;
      applyView();
      return;
    }
    gesture.lastX = event.clientX;
    gesture.lastY = event.clientY;
    if (gesture.frame === undefined) {
      const current = gesture;
      current.frame = requestAnimationFrame(() => {
        current.frame = undefined;
        if (gesture !== current || !current.id) return;
        render({ id: current.id, dx: (current.lastX - current.startX) / view.k, dy: (current.lastY - current.startY) / view.k });
      });
    }
  });

  const endGesture = (event: PointerEvent) => {
    const done = gesture;
    gesture = null;
    chrome.canvas.classList.remove('panning');
    if (!done) return;
    if (done.frame !== undefined) cancelAnimationFrame(done.frame);
    if (!done.moved) {
      dispatchAction({ type: 'select', id: done.hit });
      return;
    }
    if (done.kind === 'drag' && done.id) {
      dispatchAction({ type: 'moved', id: done.id, dx: (event.clientX - done.startX) / view.k, dy: (event.clientY - done.startY) / view.k });
    }
  };
  chrome.canvas.addEventListener('pointerup', endGesture);
  chrome.canvas.addEventListener('pointercancel', () => { gesture = null; render(); });

  chrome.canvas.addEventListener('wheel', (event) => {
    event.preventDefault();
    const rect = chrome.canvas.getBoundingClientRect();
    view = zoomAt(view, Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015)), event.clientX - rect.left, event.clientY - rect.top);
    applyView();
  }, { passive: false });

  chrome.canvas.addEventListener('dblclick', (event) => { if (!idAt(event.target)) fit(); });

  chrome.canvas.addEventListener('contextmenu', (event) => {
    event.preventDefault();
    const id = idAt(event.target)?.getAttribute('data-id');
    if (!id) return;
    dispatchAction({ type: 'select', id });
    const ref = refOf(state, id);
    if (!ref) return;
    const items = menuItems(ref, state.menus, state);
    chrome.menu.open(event.clientX, event.clientY, items, (item) => dispatchAction({ type: 'menu', id, action: item.action }));
  });

  chrome.search.addEventListener('input', () => dispatchAction({ type: 'search', query: chrome.search.value }));
  chrome.search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); dispatchAction({ type: 'nextMatch' }); }
    if (event.key === 'Escape') { chrome.search.value = ''; dispatchAction({ type: 'search', query: '' }); chrome.canvas.focus(); }
  });

  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'f') { event.preventDefault(); chrome.search.focus(); return; }
    if (event.target === chrome.search) return;
    if (event.key === '0') fit();
    else if (event.key === '+' || event.key === '=') zoomCenter(1.25);
    else if (event.key === '-') zoomCenter(0.8);
    else if (event.key === 'Escape') dispatchAction({ type: 'select', id: null });
    else if (event.key === '/') { event.preventDefault(); chrome.search.focus(); }
  });

  window.addEventListener('message', (event: MessageEvent) => {
    if (!isToWebviewMessage(event.data)) return;
    dispatch(handleExtensionMessage(state, event.data, memory));
  });

  renderDetails(chrome.details, null, { canRevealInTree: false, canGoToSource: false, onReveal() {}, onGoToSource() {} });
  showStatus('Waiting for the network…');
  vscode.postMessage({ type: 'ready' });
}
