// The panel's fixed parts: the toolbar (buttons, search box, match count, status), the notice line, the
// diagram's canvas with its viewport group, the details pane and the (hidden) context menu. Built with
// createElement and textContent only.

import { ContextMenu } from './context-menu';

const SVG_NS = 'http://www.w3.org/2000/svg';

export interface Chrome {
  canvas: SVGSVGElement;
  /** The group the pan and zoom transform is set on; the drawing goes inside. */
  viewport: SVGGElement;
  details: HTMLElement;
  status: HTMLElement;
  notice: HTMLElement;
  search: HTMLInputElement;
  count: HTMLElement;
  menu: ContextMenu;
  /** Enabled while a trace is drawn. */
  clearTrace: HTMLButtonElement;
}

/** What the toolbar's buttons do. */
export interface ToolbarActions {
  fit(): void;
  zoomIn(): void;
  zoomOut(): void;
  resetPositions(): void;
  exportSvg(): void;
  exportPng(): void;
  refresh(): void;
  trace(): void;
  clearTrace(): void;
}

function button(parent: HTMLElement, title: string, label: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = label;
  b.title = title;
  b.addEventListener('click', onClick);
  parent.appendChild(b);
  return b;
}

interface Toolbar {
  toolbar: HTMLElement;
  search: HTMLInputElement;
  count: HTMLElement;
  status: HTMLElement;
  clearTrace: HTMLButtonElement;
}

function buildToolbar(actions: ToolbarActions): Toolbar {
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
  button(toolbar, 'Fit the diagram to the panel (0)', 'Fit', () => actions.fit());
  button(toolbar, 'Zoom in (+)', '+', () => actions.zoomIn());
  button(toolbar, 'Zoom out (-)', '−', () => actions.zoomOut());
  button(toolbar, 'Put every box back where the layout placed it', 'Reset positions', () => actions.resetPositions());
  toolbar.appendChild(search);
  toolbar.appendChild(count);
  button(toolbar, 'Export the diagram as SVG', 'Export SVG', () => actions.exportSvg());
  button(toolbar, 'Export the diagram as PNG', 'Export PNG', () => actions.exportPng());
  button(toolbar, 'Read the network again', 'Refresh', () => actions.refresh());
  button(toolbar, 'Trace a packet: pick a source, a destination and a protocol', 'Trace…', () => actions.trace());
  const clearTrace = button(toolbar, 'Take the trace off the diagram', 'Clear Trace', () => actions.clearTrace());
  clearTrace.disabled = true;
  toolbar.appendChild(status);
  return { toolbar, search, count, status, clearTrace };
}

/** Replaces the body with the panel's chrome. */
export function buildChrome(actions: ToolbarActions): Chrome {
  const { toolbar, search, count, status, clearTrace } = buildToolbar(actions);
  const notice = document.createElement('div');
  notice.className = 'vnet-notice';
  notice.hidden = true;

  const main = document.createElement('div');
  main.className = 'vnet-main';
  const canvas = document.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  canvas.setAttribute('class', 'vnet-canvas');
  canvas.setAttribute('tabindex', '0');
  canvas.setAttribute('aria-label', 'Network diagram');
  const viewport = document.createElementNS(SVG_NS, 'g') as SVGGElement;
  canvas.appendChild(viewport);
  const details = document.createElement('aside');
  details.className = 'vnet-details';
  details.setAttribute('aria-label', 'Details');
  main.appendChild(canvas);
  main.appendChild(details);
  document.body.replaceChildren(toolbar, notice, main);
  return { canvas, viewport, details, status, notice, search, count, menu: new ContextMenu(document.body), clearTrace };
}
