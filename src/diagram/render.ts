// The laid-out diagram as an SVG element tree. The same tree is serialised by `vnet graph` and built into
// DOM nodes by the webview, so both show the same picture. Every name and address is a text child or an
// attribute value: svg-tree.ts escapes them (string) or the DOM sets them as text (webview).

import { describeElement } from './details';
import type { BoxLayout, DiagramLayout, EdgeLayout, LabelLayout, PortLayout, Point } from './layout';
import type { DiagramElement, DriftStatus } from './model';
import { el, type SvgElement } from './svg-tree';
import { DIAGRAM_CSS } from './theme';
import { LINE_HEIGHT } from './text';
import { BOX_PAD, PORT_PAD_X, PORT_PAD_Y, hasFirewallMark } from './box-content';
import { renderTraceLayer, traceRightEdge } from './render-trace';
import type { TraceOverlay } from './trace-overlay';

export interface RenderOptions {
  /** Include the stylesheet and XML namespace: a file that stands on its own (export, `vnet graph`). */
  standalone?: boolean;
  /** Extra CSS appended after the theme (the webview's export pins resolved theme colours this way). */
  extraCss?: string;
  /** A trace to draw over the diagram (trace-overlay.ts). */
  trace?: TraceOverlay | null;
}

const LEGEND_HEIGHT = 28;

function statusClass(status: DriftStatus): string {
  return `status-${status}`;
}

/** The hover text: the element's details, whole (the drawing may have cut long names). */
function tooltip(element: DiagramElement): SvgElement {
  const details = describeElement(element);
  return el('title', {}, [details.title, ...details.fields.map(([k, v]) => `${k}: ${v}`), ...details.differences].join('\n'));
}

function renderBox(box: BoxLayout): SvgElement {
  const element = box.element;
  const group = el('g', {
    class: `vnet-el vnet-box vnet-${box.kind} ${statusClass(element.status)}`,
    'data-id': box.id,
    'data-kind': element.kind,
  });
  group.children.push(tooltip(box.element));
  group.children.push(el('rect', { class: 'vnet-frame', x: box.x, y: box.y, width: box.width, height: box.height, rx: box.kind === 'bridge' ? 3 : 6 }));
  const textX = box.kind === 'outside' ? box.x + box.width / 2 : box.x + BOX_PAD;
  box.lines.forEach((line, index) => {
    const y = box.y + box.textTop + index * LINE_HEIGHT + LINE_HEIGHT - 3;
    const attrs = {
      class: `vnet-line role-${line.role} ${statusClass(line.status)}${line.id ? ' vnet-el' : ''}`,
      x: textX,
      y,
      'data-id': line.id,
      'text-anchor': box.kind === 'outside' ? 'middle' : undefined,
    };
    group.children.push(el('text', attrs, line.text));
  });
  if ((element.kind === 'namespace' || element.kind === 'host') && hasFirewallMark(element)) {
    // A stripe down the box's left edge (ports sit on the top and bottom): red where forwarding stops by
    // default, amber where rules filter it. The lines inside say what, the details pane says all.
    const blocked = element.firewall!.dropPolicies.length > 0;
    group.children.push(el('rect', {
      class: `vnet-fw-mark ${blocked ? 'fw-blocked' : 'fw-filtered'}`, x: box.x, y: box.y + 3, width: 4, height: Math.max(0, box.height - 6),
    }));
  }
  if (element.status === 'differs') {
    group.children.push(el('text', { class: 'vnet-badge', x: box.x + box.width - 14, y: box.y + box.textTop + LINE_HEIGHT - 3 }, '≠'));
  }
  return group;
}

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${Math.round(p.x * 10) / 10} ${Math.round(p.y * 10) / 10}`).join(' ');
}

function renderLabel(label: LabelLayout): SvgElement {
  return el('g', { class: `vnet-label ${statusClass(label.status)}` },
    el('rect', { x: label.x, y: label.y, width: label.width, height: label.height, rx: 3 }),
    el('text', { x: label.x + 4, y: label.y + label.height - 4 }, label.text));
}

function renderEdge(edge: EdgeLayout): SvgElement {
  const link = edge.element;
  const arrow = link.linkKind === 'dnat' || link.linkKind === 'dnat-entry';
  const d = pathOf(edge.points);
  return el('g', {
    class: `vnet-el vnet-link kind-${link.linkKind} state-${link.state} ${statusClass(link.status)}`,
    'data-id': edge.id,
    'data-kind': 'link',
  },
  tooltip(edge.element),
  el('path', { class: 'vnet-wire', d, 'marker-end': arrow ? 'url(#vnet-arrow)' : undefined }),
  el('path', { class: 'vnet-hit', d }),
  ...edge.labels.map(renderLabel));
}

function portState(port: PortLayout): string {
  const view = port.element;
  if (view.state === 'down') return 'down';
  if (view.operstate && !['UP', 'UNKNOWN'].includes(view.operstate)) return 'nocarrier';
  return 'up';
}

function renderPort(port: PortLayout): SvgElement {
  const view = port.element;
  return el('g', {
    class: `vnet-el vnet-port role-${view.role} state-${portState(port)} ${statusClass(view.status)}`,
    'data-id': port.id,
    'data-kind': 'interface',
  },
  tooltip(port.element),
  el('rect', { x: port.x, y: port.y, width: port.width, height: port.height, rx: 4 }),
  ...port.text.map((line, index) => el('text', {
    class: index === 0 ? 'vnet-name' : 'vnet-addr',
    x: port.x + PORT_PAD_X,
    y: port.y + PORT_PAD_Y + (index + 1) * LINE_HEIGHT - 3,
  }, line)));
}

function renderLegend(layout: DiagramLayout): SvgElement {
  const y = (layout.originY ?? 0) + layout.height + 6;
  const item = (x: number, status: DriftStatus, text: string) => el('g', { class: statusClass(status) },
    el('rect', { class: status === 'only-file' ? 'vnet-frame' : undefined, x, y, width: 22, height: 14, rx: 3 }),
    el('text', { x: x + 28, y: y + 11 }, text));
  const x = (layout.originX ?? 0) + 16;
  return el('g', { class: 'vnet-legend' },
    item(x, 'only-file', 'only in the file'),
    item(x + 154, 'only-host', 'only on the host'),
    item(x + 314, 'differs', 'differs (≠)'));
}

export function renderDiagram(layout: DiagramLayout, options: RenderOptions = {}): SvgElement {
  const x0 = Math.floor(layout.originX ?? 0);
  const y0 = Math.floor(layout.originY ?? 0);
  const height = layout.height + (layout.mode === 'drift' ? LEGEND_HEIGHT : 0);
  const traceWidth = options.trace ? traceRightEdge(layout, options.trace) - x0 : 0;
  const width = Math.max(layout.width, layout.mode === 'drift' ? 460 : 0, traceWidth);
  const svg = el('svg', {
    xmlns: options.standalone ? 'http://www.w3.org/2000/svg' : undefined,
    class: `vnet-diagram mode-${layout.mode}`,
    viewBox: `${x0} ${y0} ${Math.ceil(width)} ${Math.ceil(height)}`,
    width: Math.ceil(width),
    height: Math.ceil(height),
    role: 'img',
    'aria-label': layout.title,
  });
  svg.children.push(el('title', {}, layout.title));
  if (options.standalone) svg.children.push(el('style', {}, DIAGRAM_CSS + (options.extraCss ?? '')));
  svg.children.push(el('defs', {},
    el('marker', { id: 'vnet-arrow', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
      el('path', { class: 'vnet-arrowhead', d: 'M0 0 L8 4 L0 8 Z' }))));
  svg.children.push(el('rect', { class: 'vnet-bg', x: x0, y: y0, width: Math.ceil(width), height: Math.ceil(height) }));
  svg.children.push(el('g', { class: 'vnet-layer-boxes' }, ...layout.boxes.map(renderBox)));
  svg.children.push(el('g', { class: 'vnet-layer-edges' }, ...layout.edges.map(renderEdge)));
  svg.children.push(el('g', { class: 'vnet-layer-ports' }, ...layout.ports.map(renderPort)));
  if (layout.mode === 'drift') svg.children.push(renderLegend(layout));
  if (options.trace) svg.children.push(renderTraceLayer(layout, options.trace));
  return svg;
}
