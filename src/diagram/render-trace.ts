// A trace overlay (trace-overlay.ts) drawn on top of the diagram: the request path as a wide solid stroke,
// the reply path as a dashed one over it, and the drop point as a mark with its reason beside it. Every
// drawn piece carries data-trace (request, reply, drop) and data-trace-of (the element it highlights), so
// the drawing can be tested; none takes pointer events, so clicks still reach the elements below.

import type { DiagramLayout, Point, Rect } from './layout';
import { el, type SvgElement } from './svg-tree';
import { displayText, textWidth } from './text';
import type { TraceDirection, TraceOverlay, TracePath } from './trace-overlay';

/** The longest reason drawn beside the drop mark; the title and the details pane hold it whole. */
const MAX_REASON_CHARS = 70;

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${Math.round(p.x * 10) / 10} ${Math.round(p.y * 10) / 10}`).join(' ');
}

/** Where each highlightable element is drawn: rectangles for boxes and ports, polylines for links. */
function geometry(layout: DiagramLayout): { rects: Map<string, Rect>; lines: Map<string, Point[]> } {
  const rects = new Map<string, Rect>();
  for (const box of layout.boxes) rects.set(box.id, box);
  for (const port of layout.ports) rects.set(port.id, port);
  return { rects, lines: new Map(layout.edges.map((e) => [e.id, e.points])) };
}

function pathLayer(path: TracePath, direction: TraceDirection, shapes: ReturnType<typeof geometry>): SvgElement[] {
  const out: SvgElement[] = [];
  const grow = direction === 'request' ? 3 : 6;
  for (const id of path.boxes) {
    const r = shapes.rects.get(id);
    if (r) out.push(el('rect', { class: `vnet-trace-box trace-${direction}`, 'data-trace': direction, 'data-trace-of': id, x: r.x - grow, y: r.y - grow, width: r.width + 2 * grow, height: r.height + 2 * grow, rx: 8 }));
  }
  for (const id of path.edges) {
    const points = shapes.lines.get(id);
    if (points && points.length > 1) out.push(el('path', { class: `vnet-trace-wire trace-${direction}`, 'data-trace': direction, 'data-trace-of': id, d: pathOf(points) }));
  }
  for (const id of path.ports) {
    const r = shapes.rects.get(id);
    if (r) out.push(el('rect', { class: `vnet-trace-port trace-${direction}`, 'data-trace': direction, 'data-trace-of': id, x: r.x - grow, y: r.y - grow, width: r.width + 2 * grow, height: r.height + 2 * grow, rx: 5 }));
  }
  return out;
}

interface DropPlace {
  cx: number;
  cy: number;
  text: string;
  width: number;
}

/** Where the drop mark sits (the right edge of its element) and the reason drawn beside it. */
function dropPlace(overlay: TraceOverlay, rects: Map<string, Rect>): DropPlace | null {
  const drop = overlay.drop;
  const r = drop ? rects.get(drop.elementId) : undefined;
  if (!drop || !r) return null;
  const text = displayText(`${drop.direction === 'reply' ? 'reply dropped' : 'dropped'}: ${drop.reason}`, MAX_REASON_CHARS);
  return { cx: r.x + r.width, cy: r.y + Math.min(r.height / 2, 12), text, width: textWidth(text) + 8 };
}

/** How far right the drop's reason reaches, so that a standalone drawing is made wide enough to hold it. */
export function traceRightEdge(layout: DiagramLayout, overlay: TraceOverlay): number {
  const place = dropPlace(overlay, geometry(layout).rects);
  return place ? place.cx + 10 + place.width + 4 : -Infinity;
}

function dropLayer(overlay: TraceOverlay, shapes: ReturnType<typeof geometry>): SvgElement | null {
  const drop = overlay.drop;
  const place = dropPlace(overlay, shapes.rects);
  if (!drop || !place) return null;
  const { cx, cy, text, width } = place;
  return el('g', { class: 'vnet-trace-drop', 'data-trace': 'drop', 'data-trace-of': drop.elementId },
    el('title', {}, [drop.reason, drop.rule ? `by: ${drop.rule}` : ''].filter(Boolean).join('\n')),
    el('circle', { class: 'vnet-trace-drop-mark', cx, cy, r: 7 }),
    el('path', { class: 'vnet-trace-drop-cross', d: `M${cx - 3.5} ${cy - 3.5} L${cx + 3.5} ${cy + 3.5} M${cx + 3.5} ${cy - 3.5} L${cx - 3.5} ${cy + 3.5}` }),
    el('rect', { class: 'vnet-trace-drop-label', x: cx + 10, y: cy - 9, width, height: 18, rx: 3 }),
    el('text', { class: 'vnet-trace-drop-reason', x: cx + 14, y: cy + 4 }, text));
}

/** The overlay as one SVG group, to be drawn above everything else. */
export function renderTraceLayer(layout: DiagramLayout, overlay: TraceOverlay): SvgElement {
  const shapes = geometry(layout);
  return el('g', { class: 'vnet-layer-trace', 'aria-label': overlay.summary },
    el('title', {}, overlay.summary),
    ...pathLayer(overlay.request, 'request', shapes),
    ...pathLayer(overlay.reply, 'reply', shapes),
    dropLayer(overlay, shapes));
}
