// The diagram model as an elk graph: layered, top to bottom, orthogonal edges, ports on fixed sides and
// INCLUDE_CHILDREN so that links crossing namespace boxes are routed in one pass. Sizes are computed here
// (box-content.ts) rather than left to elk, so Node and the webview get the same picture.

import type { ElkExtendedEdge, ElkLabel, ElkNode, ElkPort, LayoutOptions } from 'elkjs/lib/elk-api';
import {
  BOX_PAD, MIN_BOX_WIDTH, OUTSIDE_SIZE, blockHeight, blockWidth, bridgeLines, hostLines, namespaceLines, portSize,
} from './box-content';
import type { BridgeView, DiagramModel, HostView, LinkView, NamespaceView, PortView } from './model';
import { sortByOrder } from './stable-order';
import { LINE_HEIGHT, displayText, textWidth } from './text';

export type PortSide = 'NORTH' | 'SOUTH' | 'EAST' | 'WEST';

export interface ElkGraphOptions {
  /** Remembered element order (stable-order.ts), so that refreshes keep the picture. */
  order?: readonly string[];
  /** Extra elk options, e.g. to compare settings in the benchmark. */
  layoutOptions?: LayoutOptions;
}

const PORT_GAP = 12;

/** The options every diagram is laid out with. */
function baseLayoutOptions(): LayoutOptions {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'DOWN',
    'elk.edgeRouting': 'ORTHOGONAL',
    'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
    // Every coordinate comes back relative to the root: no walking up parents to place things.
    'elk.json.shapeCoords': 'ROOT',
    'elk.json.edgeCoords': 'ROOT',
    // Model order is the remembered order: refreshes do not reshuffle the picture.
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    'elk.layered.crossingMinimization.forceNodeModelOrder': 'true',
    'elk.randomSeed': '1',
    'elk.spacing.nodeNode': '28',
    'elk.layered.spacing.nodeNodeBetweenLayers': '36',
    'elk.spacing.edgeNode': '14',
    'elk.spacing.edgeEdge': '8',
    'elk.layered.spacing.edgeNodeBetweenLayers': '16',
    'elk.spacing.edgeLabel': '4',
    'elk.spacing.portPort': String(PORT_GAP),
    'elk.edgeLabels.placement': 'CENTER',
  };
}

/** Which side of its box each port sits on: links run downwards, out of the bottom and into the top. */
export function portSides(model: DiagramModel): Map<string, PortSide> {
  const sides = new Map<string, PortSide>();
  for (const host of model.hosts) for (const port of host.ports) sides.set(port.id, port.role === 'interface' ? 'SOUTH' : 'NORTH');
  const hostPorts = new Set(model.hosts.flatMap((h) => h.ports.map((p) => p.id)));
  for (const link of model.links) {
    if (hostPorts.has(link.source)) sides.set(link.source, 'NORTH');
    else sides.set(link.source, 'SOUTH');
    if (hostPorts.has(link.target)) sides.set(link.target, 'NORTH');
    else sides.set(link.target, 'NORTH');
  }
  return sides;
}

function sideWidth(ports: readonly PortView[], sides: Map<string, PortSide>, side: PortSide): number {
  const onSide = ports.filter((p) => (sides.get(p.id) ?? 'SOUTH') === side);
  return onSide.reduce((sum, p) => sum + portSize(p).width + PORT_GAP, PORT_GAP);
}

function sideHalfHeight(ports: readonly PortView[], sides: Map<string, PortSide>, side: PortSide): number {
  return ports.filter((p) => (sides.get(p.id) ?? 'SOUTH') === side).reduce((max, p) => Math.max(max, portSize(p).height / 2), 0);
}

function elkPort(port: PortView, sides: Map<string, PortSide>): ElkPort {
  const size = portSize(port);
  return {
    id: port.id,
    width: size.width,
    height: size.height,
    // Half in, half out: the port sits on the box's edge, as the tutorials draw interfaces.
    layoutOptions: { 'elk.port.side': sides.get(port.id) ?? 'SOUTH', 'elk.port.borderOffset': String(-size.height / 2) },
  };
}

interface BoxFrame {
  width: number;
  height: number;
  /** Space above children in a compound box: half the top ports, and the text. */
  padding: { top: number; bottom: number };
}

function frameFor(lines: ReturnType<typeof namespaceLines>, ports: readonly PortView[], sides: Map<string, PortSide>): BoxFrame {
  const north = sideHalfHeight(ports, sides, 'NORTH');
  const south = sideHalfHeight(ports, sides, 'SOUTH');
  const text = blockHeight(lines);
  const width = Math.max(MIN_BOX_WIDTH, blockWidth(lines) + 2 * BOX_PAD, sideWidth(ports, sides, 'NORTH'), sideWidth(ports, sides, 'SOUTH'));
  return {
    width: Math.ceil(width),
    height: Math.ceil(north + BOX_PAD + text + BOX_PAD + south),
    padding: { top: Math.ceil(north + BOX_PAD + text + BOX_PAD), bottom: Math.ceil(south + BOX_PAD) },
  };
}

function fixedSides(): LayoutOptions {
  return { 'elk.portConstraints': 'FIXED_SIDE' };
}

function compoundOptions(frame: BoxFrame): LayoutOptions {
  return {
    ...fixedSides(),
    'elk.padding': `[top=${frame.padding.top},left=${2 * BOX_PAD},bottom=${frame.padding.bottom},right=${2 * BOX_PAD}]`,
    'elk.nodeSize.constraints': 'PORTS MINIMUM_SIZE',
    // elk 0.12 reads a compound node's minimum size in its rotated frame when the direction is DOWN, so
    // width and height go in swapped (diagram-layout.test.ts checks that boxes hold their text).
    'elk.nodeSize.minimum': `(${frame.padding.top + frame.padding.bottom},${frame.width})`,
  };
}

function bridgeNode(bridge: BridgeView, sides: Map<string, PortSide>, order: readonly string[] | undefined): ElkNode {
  const ports = sortByOrder(bridge.ports, (p) => p.id, order);
  const frame = frameFor(bridgeLines(bridge), ports, sides);
  return { id: bridge.id, width: frame.width, height: frame.height, layoutOptions: fixedSides(), ports: ports.map((p) => elkPort(p, sides)) };
}

function namespaceNode(ns: NamespaceView, sides: Map<string, PortSide>, order: readonly string[] | undefined): ElkNode {
  const ports = sortByOrder(ns.ports, (p) => p.id, order);
  const frame = frameFor(namespaceLines(ns), ports, sides);
  const node: ElkNode = { id: ns.id, ports: ports.map((p) => elkPort(p, sides)) };
  if (ns.bridges.length) {
    node.layoutOptions = compoundOptions(frame);
    node.children = sortByOrder(ns.bridges, (b) => b.id, order).map((b) => bridgeNode(b, sides, order));
  } else {
    node.width = frame.width;
    node.height = frame.height;
    node.layoutOptions = fixedSides();
  }
  return node;
}

function hostNode(host: HostView, sides: Map<string, PortSide>, order: readonly string[] | undefined): ElkNode {
  const ports = sortByOrder(host.ports, (p) => p.id, order);
  const frame = frameFor(hostLines(host), ports, sides);
  return {
    id: host.id,
    layoutOptions: compoundOptions(frame),
    ports: ports.map((p) => elkPort(p, sides)),
    children: [
      ...sortByOrder(host.bridges, (b) => b.id, order).map((b) => bridgeNode(b, sides, order)),
      ...sortByOrder(host.children, (ns) => ns.id, order).map((ns) => namespaceNode(ns, sides, order)),
    ],
  };
}

function edgeLabels(link: LinkView): ElkLabel[] {
  return link.labels.map((label, index) => {
    const text = displayText(label.text, 64);
    return { id: `${link.id}#${index}`, text, width: Math.ceil(textWidth(text)) + 8, height: LINE_HEIGHT + 2 };
  });
}

/** Each box's chain of ancestors (itself first), so each edge can be put in the box that holds both ends. */
function ancestry(root: ElkNode): { parents: Map<string, string[]>; portOwner: Map<string, string> } {
  const parents = new Map<string, string[]>();
  const portOwner = new Map<string, string>();
  const walk = (node: ElkNode, chain: string[]) => {
    const own = [node.id, ...chain];
    parents.set(node.id, own);
    for (const port of node.ports ?? []) portOwner.set(port.id, node.id);
    for (const child of node.children ?? []) walk(child, own);
  };
  walk(root, []);
  return { parents, portOwner };
}

/** elk wants an edge in the lowest box containing both ends; an end's own box counts when the other is inside it. */
function containerOf(source: string, target: string, tree: ReturnType<typeof ancestry>): string {
  const chainOf = (end: string) => tree.parents.get(tree.portOwner.get(end) ?? end) ?? ['root'];
  const a = chainOf(source);
  const b = chainOf(target);
  // Both ends on one box (a self-loop): the edge belongs to the box's parent.
  if (a[0] === b[0]) return a[1] ?? 'root';
  if (b.includes(a[0]) && tree.portOwner.has(source)) return a[0];
  if (a.includes(b[0]) && tree.portOwner.has(target)) return b[0];
  const common = a.find((id, index) => index > 0 && b.includes(id) && b.indexOf(id) > 0);
  return common ?? 'root';
}

export function buildElkGraph(model: DiagramModel, options: ElkGraphOptions = {}): ElkNode {
  const order = options.order;
  const sides = portSides(model);
  const children: ElkNode[] = [];
  if (model.outside) children.push({ id: model.outside.id, ...OUTSIDE_SIZE, layoutOptions: fixedSides() });
  children.push(...sortByOrder(model.hosts, (h) => h.id, order).map((h) => hostNode(h, sides, order)));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: { ...baseLayoutOptions(), 'elk.padding': '[top=16,left=16,bottom=16,right=16]', ...options.layoutOptions },
    children,
  };
  const tree = ancestry(root);
  const byContainer = new Map<string, ElkExtendedEdge[]>();
  for (const link of sortByOrder(model.links, (l) => l.id, order)) {
    if (!tree.parents.has(tree.portOwner.get(link.source) ?? link.source)) continue;
    if (!tree.parents.has(tree.portOwner.get(link.target) ?? link.target)) continue;
    const container = containerOf(link.source, link.target, tree);
    const list = byContainer.get(container) ?? [];
    list.push({ id: link.id, sources: [link.source], targets: [link.target], labels: edgeLabels(link) });
    byContainer.set(container, list);
  }
  const attach = (node: ElkNode) => {
    const edges = byContainer.get(node.id);
    if (edges) node.edges = edges;
    for (const child of node.children ?? []) attach(child);
  };
  attach(root);
  return root;
}
