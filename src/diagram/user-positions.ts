// Positions the user dragged. They are kept as offsets from where elk put each box, so they survive a
// refresh (the box moves with its layout position) and stay meaningful when the rest of the lab changes.
// A moved box carries its ports and the boxes inside it; links between boxes that moved apart are re-routed
// as simple orthogonal lines (elk cannot take fixed positions for some nodes and route the rest).

import type { UserOffset } from '../model/protocol';
import type { BoxLayout, DiagramLayout, EdgeLayout, LabelLayout, Point, PortLayout } from './layout';

export type Offsets = Readonly<Record<string, UserOffset>>;

const ZERO: UserOffset = { dx: 0, dy: 0 };
const MARGIN = 16;

/** The offset each box really moves by: its own plus those of the boxes around it. */
function totalOffsets(boxes: readonly BoxLayout[], offsets: Offsets): Map<string, UserOffset> {
  const total = new Map<string, UserOffset>();
  for (const box of boxes) {
    const parent = box.parent ? total.get(box.parent) ?? ZERO : ZERO;
    const own = offsets[box.id] ?? ZERO;
    total.set(box.id, { dx: parent.dx + own.dx, dy: parent.dy + own.dy });
  }
  return total;
}

function anchor(port: PortLayout | undefined, box: BoxLayout | undefined, towardsBelow: boolean): Point | null {
  if (port) return { x: port.x + port.width / 2, y: towardsBelow ? port.y + port.height : port.y };
  if (box) return { x: box.x + box.width / 2, y: towardsBelow ? box.y + box.height : box.y };
  return null;
}

function reroute(edge: EdgeLayout, start: Point, end: Point): EdgeLayout {
  const midY = (start.y + end.y) / 2;
  const points = start.x === end.x ? [start, end] : [start, { x: start.x, y: midY }, { x: end.x, y: midY }, end];
  let y = midY - edge.labels.reduce((sum, l) => sum + l.height, 0) / 2;
  const labels: LabelLayout[] = edge.labels.map((label) => {
    const placed = { ...label, x: (start.x + end.x) / 2 + 4, y };
    y += label.height;
    return placed;
  });
  return { ...edge, points, labels };
}

function moveBy<T extends { x: number; y: number }>(item: T, offset: UserOffset): T {
  return offset.dx || offset.dy ? { ...item, x: item.x + offset.dx, y: item.y + offset.dy } : item;
}

/** The layout with the user's offsets applied. Offsets of elements that no longer exist are ignored. */
export function applyOffsets(layout: DiagramLayout, offsets: Offsets): DiagramLayout {
  if (!Object.keys(offsets).length) return layout;
  const total = totalOffsets(layout.boxes, offsets);
  const boxes = layout.boxes.map((box) => moveBy(box, total.get(box.id) ?? ZERO));
  const ports = layout.ports.map((port) => moveBy(port, total.get(port.owner) ?? ZERO));
  const boxById = new Map(boxes.map((b) => [b.id, b]));
  const portById = new Map(ports.map((p) => [p.id, p]));
  const ownerOf = (end: string) => portById.get(end)?.owner ?? end;
  const edges = layout.edges.map((edge) => {
    const a = total.get(ownerOf(edge.source)) ?? ZERO;
    const b = total.get(ownerOf(edge.target)) ?? ZERO;
    if (a.dx === b.dx && a.dy === b.dy) {
      if (!a.dx && !a.dy) return edge;
      return { ...edge, points: edge.points.map((p) => moveBy(p, a)), labels: edge.labels.map((l) => moveBy(l, a)) };
    }
    const sourceBox = boxById.get(ownerOf(edge.source));
    const targetBox = boxById.get(ownerOf(edge.target));
    const sourceCenter = sourceBox ? sourceBox.y + sourceBox.height / 2 : 0;
    const targetCenter = targetBox ? targetBox.y + targetBox.height / 2 : 0;
    const downwards = sourceCenter <= targetCenter;
    const start = anchor(portById.get(edge.source), portById.has(edge.source) ? undefined : sourceBox, downwards);
    const end = anchor(portById.get(edge.target), portById.has(edge.target) ? undefined : targetBox, !downwards);
    return start && end ? reroute(edge, start, end) : edge;
  });
  return withBounds({ ...layout, boxes, ports, edges });
}

/** Width, height and origin that hold everything, also what was dragged above or left of the start. */
function withBounds(layout: DiagramLayout): DiagramLayout {
  let minX = 0;
  let minY = 0;
  let maxX = layout.width;
  let maxY = layout.height;
  const grow = (x: number, y: number, w = 0, h = 0) => {
    minX = Math.min(minX, x - MARGIN); minY = Math.min(minY, y - MARGIN);
    maxX = Math.max(maxX, x + w + MARGIN); maxY = Math.max(maxY, y + h + MARGIN);
  };
  for (const r of [...layout.boxes, ...layout.ports]) grow(r.x, r.y, r.width, r.height);
  for (const e of layout.edges) { for (const p of e.points) grow(p.x, p.y); for (const l of e.labels) grow(l.x, l.y, l.width, l.height); }
  return { ...layout, originX: minX, originY: minY, width: maxX - minX, height: maxY - minY };
}

/** Drops offsets of elements that are gone, so the saved state does not grow without end. */
export function pruneOffsets(offsets: Offsets, alive: ReadonlySet<string>): Record<string, UserOffset> {
  return Object.fromEntries(Object.entries(offsets).filter(([id, o]) => alive.has(id) && (o.dx || o.dy)));
}
