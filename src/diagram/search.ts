// Search over a laid-out diagram: which elements a query names. Matches names, addresses, routes and NAT
// rules, case-insensitively; several words must all match the same element.

import { describeElement } from './details';
import type { DiagramLayout } from './layout';
import type { DiagramElement } from './model';

/** The words an element can be found by. */
export function searchText(element: DiagramElement): string {
  const details = describeElement(element);
  return [details.title, ...details.fields.map(([, value]) => value)].join('\n').toLowerCase();
}

/** Ids of the elements a query matches, in drawing order; empty for an empty query. */
export function searchDiagram(layout: DiagramLayout, query: string): string[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const matches: string[] = [];
  const consider = (id: string, element: DiagramElement) => {
    const text = searchText(element);
    if (words.every((w) => text.includes(w))) matches.push(id);
  };
  for (const box of layout.boxes) {
    consider(box.id, box.element);
    for (const line of box.lines) {
      if (line.id && words.every((w) => line.text.toLowerCase().includes(w))) matches.push(line.id);
    }
  }
  for (const port of layout.ports) consider(port.id, port.element);
  for (const edge of layout.edges) if (edge.element.linkKind !== 'veth') consider(edge.id, edge.element);
  return matches;
}
