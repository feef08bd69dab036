// Runs elk on the diagram's graph and reads back plain geometry: boxes, ports, routed edges and labels, all
// in root coordinates. The same function runs in Node (`vnet graph`) and in the webview's worker.

import type { ElkEdgeSection, ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';
import { BOX_PAD, bridgeLines, hostLines, namespaceLines, outsideLines, portText, type ContentLine } from './box-content';
import { buildElkGraph, portSides, type ElkGraphOptions, type PortSide } from './elk-graph';
import type {
  BridgeView, DiagramMode, DiagramModel, DriftStatus, HostView, LinkView, NamespaceView, OutsideView, PortView,
} from './model';

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type BoxKind = 'host' | 'namespace' | 'bridge' | 'outside';

export interface BoxLayout extends Rect {
  id: string;
  kind: BoxKind;
  parent: string | null;
  element: HostView | NamespaceView | BridgeView | OutsideView;
  lines: ContentLine[];
  /** Where the first line of text sits, below the ports on the top edge (relative to y). */
  textTop: number;
}

export interface PortLayout extends Rect {
  id: string;
  owner: string;
  side: PortSide;
  element: PortView;
  text: string[];
}

export interface LabelLayout extends Rect {
  text: string;
  status: DriftStatus;
}

export interface EdgeLayout {
  id: string;
  element: LinkView;
  source: string;
  target: string;
  points: Point[];
  labels: LabelLayout[];
}

export interface DiagramLayout {
  title: string;
  mode: DiagramMode;
  /** Top-left corner of the drawing (negative once the user drags something above or left of the start). */
  originX?: number;
  originY?: number;
  width: number;
  height: number;
  /** Parents before children, so that drawing in order puts children on top. */
  boxes: BoxLayout[];
  ports: PortLayout[];
  edges: EdgeLayout[];
}

/** What `layoutDiagram` needs of elk: `new ELK()` from elkjs, in Node or in a worker. */
export interface ElkEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

/** A section chain in the order it runs, from the section nothing flows into. */
function orderedPoints(sections: readonly ElkEdgeSection[] | undefined): Point[] {
  if (!sections?.length) return [];
  const byId = new Map(sections.map((s) => [s.id, s]));
  let current: ElkEdgeSection | undefined = sections.find((s) => !s.incomingSections?.length) ?? sections[0];
  const points: Point[] = [];
  const visited = new Set<string>();
  while (current && !visited.has(current.id)) {
    visited.add(current.id);
    const sectionPoints = [current.startPoint, ...(current.bendPoints ?? []), current.endPoint];
    for (const p of sectionPoints) {
      const last = points[points.length - 1];
      if (!last || last.x !== p.x || last.y !== p.y) points.push({ x: p.x, y: p.y });
    }
    const next: string | undefined = current.outgoingSections?.[0];
    current = next ? byId.get(next) : undefined;
  }
  return points;
}

interface ElementIndex {
  boxes: Map<string, { kind: BoxKind; element: BoxLayout['element']; lines: ContentLine[] }>;
  ports: Map<string, PortView>;
  links: Map<string, LinkView>;
}

function indexModel(model: DiagramModel): ElementIndex {
  const boxes: ElementIndex['boxes'] = new Map();
  const ports = new Map<string, PortView>();
  if (model.outside) boxes.set(model.outside.id, { kind: 'outside', element: model.outside, lines: outsideLines(model.outside) });
  const addBridges = (bridges: readonly BridgeView[]) => {
    for (const bridge of bridges) {
      boxes.set(bridge.id, { kind: 'bridge', element: bridge, lines: bridgeLines(bridge) });
      for (const port of bridge.ports) ports.set(port.id, port);
    }
  };
  for (const host of model.hosts) {
    boxes.set(host.id, { kind: 'host', element: host, lines: hostLines(host) });
    for (const port of host.ports) ports.set(port.id, port);
    addBridges(host.bridges);
    for (const ns of host.children) {
      boxes.set(ns.id, { kind: 'namespace', element: ns, lines: namespaceLines(ns) });
      for (const port of ns.ports) ports.set(port.id, port);
      addBridges(ns.bridges);
    }
  }
  return { boxes, ports, links: new Map(model.links.map((l) => [l.id, l])) };
}

/** Reads elk's answer into the diagram's geometry. */
function readLayout(model: DiagramModel, laidOut: ElkNode): DiagramLayout {
  const index = indexModel(model);
  const sides = portSides(model);
  const boxes: BoxLayout[] = [];
  const ports: PortLayout[] = [];
  const edges: EdgeLayout[] = [];
  const readEdges = (list: readonly ElkExtendedEdge[] | undefined) => {
    for (const edge of list ?? []) {
      const link = index.links.get(edge.id);
      if (!link) continue;
      edges.push({
        id: edge.id,
        element: link,
        source: link.source,
        target: link.target,
        points: orderedPoints(edge.sections),
        labels: (edge.labels ?? []).map((label, i) => ({
          x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0,
          text: label.text ?? '', status: link.labels[i]?.status ?? link.status,
        })),
      });
    }
  };
  const walk = (node: ElkNode, parent: string | null) => {
    const entry = index.boxes.get(node.id);
    if (entry) {
      const ownPorts = (node.ports ?? []).map((p: ElkPort) => ({ p, view: index.ports.get(p.id) })).filter((x) => x.view);
      const northHalf = ownPorts.reduce((max, { p }) => ((sides.get(p.id) ?? 'SOUTH') === 'NORTH' ? Math.max(max, (p.height ?? 0) / 2) : max), 0);
      boxes.push({
        id: node.id, kind: entry.kind, parent, element: entry.element, lines: entry.lines,
        x: node.x ?? 0, y: node.y ?? 0, width: node.width ?? 0, height: node.height ?? 0,
        textTop: entry.kind === 'outside' ? (node.height ?? 0) / 2 - 7 : northHalf + BOX_PAD,
      });
      for (const { p, view } of ownPorts) {
        ports.push({
          id: p.id, owner: node.id, side: sides.get(p.id) ?? 'SOUTH', element: view!, text: portText(view!),
          x: p.x ?? 0, y: p.y ?? 0, width: p.width ?? 0, height: p.height ?? 0,
        });
      }
    }
    readEdges(node.edges);
    for (const child of node.children ?? []) walk(child, entry ? node.id : parent);
  };
  walk(laidOut, null);
  return { title: model.title, mode: model.mode, width: laidOut.width ?? 0, height: laidOut.height ?? 0, boxes, ports, edges };
}

export interface LayoutOptions extends ElkGraphOptions {
  signal?: AbortSignal;
}

/** Model → positioned diagram. */
export async function layoutDiagram(model: DiagramModel, elk: ElkEngine, options: LayoutOptions = {}): Promise<DiagramLayout> {
  const graph = buildElkGraph(model, options);
  options.signal?.throwIfAborted();
  const laidOut = await elk.layout(graph);
  options.signal?.throwIfAborted();
  return readLayout(model, laidOut);
}
