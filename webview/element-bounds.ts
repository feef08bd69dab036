// Where an element of a drawn layout is, for centring the view on it: a box or port as placed, a link by
// the box around its route, a line of text by the box that holds it.

import type { DiagramLayout } from '../src/diagram/layout';
import type { Box } from './viewport';

export function elementBounds(drawn: DiagramLayout, id: string): Box | null {
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
