// A trace (src/trace) laid over the diagram: which links, ports and boxes the request and its reply pass,
// and where the packet was dropped and why. Pure data by element id, so that `vnet graph --trace` and the
// webview draw the same thing (render-trace.ts) and the details pane can select each hop's element.

import type { TraceHop, TraceResult } from '../trace/types';
import { OUTSIDE_ID, linkId } from './ids';
import type { DiagramLayout } from './layout';
import type { DiagramModel, HostView, LinkView, NamespaceView, OutsideView, PortView } from './model';

export type TraceDirection = 'request' | 'reply';

/** The elements one direction of the trace passes, by diagram id. */
export interface TracePath {
  /** Links (veth, uplink, DNAT arrows from outside). */
  edges: string[];
  /** Ports: interfaces on boxes and bridges, DNAT ports. */
  ports: string[];
  /** Namespace, bridge and outside boxes (the host box holds everything, so it is not one). */
  boxes: string[];
}

export interface TraceHopView {
  direction: TraceDirection;
  /** One line for people: `red veth-red: routed out veth-red to 192.168.15.2`. */
  text: string;
  /** The packet as it is at this hop. */
  packet: string;
  by: string | null;
  /** The element the hop is about: its interface's port or bridge, else its namespace's box. */
  elementId: string | null;
}

export interface TraceDropMark {
  elementId: string;
  direction: TraceDirection;
  reason: string;
  rule: string | null;
}

export interface TraceOverlay {
  /** `icmp red → blue: reachable` */
  summary: string;
  request: TracePath;
  reply: TracePath;
  drop: TraceDropMark | null;
  hops: TraceHopView[];
}

/** What the overlay needs of a diagram: its hosts (with their boxes and ports) and its links. */
export type TraceOverlayModel = Pick<DiagramModel, 'hosts' | 'links' | 'outside'>;

/** The same, read back from a laid-out diagram (the webview holds the layout, not the model). */
export function overlayModelOfLayout(layout: DiagramLayout): TraceOverlayModel {
  const hosts = layout.boxes.filter((b) => b.kind === 'host').map((b) => b.element as HostView);
  const outside = layout.boxes.find((b) => b.kind === 'outside')?.element as OutsideView | undefined;
  return { hosts, links: layout.edges.map((e) => e.element), outside: outside ?? null };
}

interface Spot {
  id: string;
  /** A bridge is a box; everything else found by an interface name is a port. */
  kind: 'port' | 'bridge';
  port: PortView | null;
}

/** Lookups by name and by link end, built once per overlay. */
class DiagramIndex {
  private readonly spots = new Map<string, Spot>();
  private readonly links = new Map<string, LinkView>();

  constructor(private readonly model: TraceOverlayModel) {
    for (const host of model.hosts) {
      for (const ns of [host, ...host.children]) {
        for (const port of ns.ports) this.spots.set(key(host.hostName, ns.name, port.name), { id: port.id, kind: 'port', port });
        for (const bridge of ns.bridges) {
          this.spots.set(key(host.hostName, ns.name, bridge.name), { id: bridge.id, kind: 'bridge', port: null });
          for (const port of bridge.ports) this.spots.set(key(host.hostName, ns.name, port.name), { id: port.id, kind: 'port', port });
        }
      }
    }
    for (const link of model.links) this.links.set(linkId(link.source, link.target), link);
  }

  /** The diagram's host for a trace's host name; a diagram of one host answers for any name (a live view names it by target). */
  host(name: string): HostView | null {
    return this.model.hosts.find((h) => h.hostName === name) ?? (this.model.hosts.length === 1 ? this.model.hosts[0] : null);
  }

  namespace(host: HostView, name: string): NamespaceView | null {
    return host.name === name ? host : host.children.find((ns) => ns.name === name) ?? null;
  }

  spot(host: HostView, namespace: string, iface: string): Spot | null {
    return this.spots.get(key(host.hostName, namespace, iface)) ?? null;
  }

  linkBetween(a: string, b: string): LinkView | null {
    return this.links.get(linkId(a, b)) ?? null;
  }

  /** The far end of a port's veth, where the diagram draws it. */
  peerOf(host: HostView, spot: Spot): Spot | null {
    const peer = spot.port?.ref.peer;
    return peer ? this.spot(host, peer.namespace, peer.interface) : null;
  }

  get hasOutside(): boolean {
    return this.model.outside !== null;
  }

  /** DNAT arrows from outside that draw a rule of this host (by its iptables-save text). */
  dnatEntries(host: HostView, rule: string): LinkView[] {
    const ids = new Set(host.hostNat.filter((n) => n.action === 'dnat' && n.rule === rule).map((n) => n.id));
    return this.model.links.filter((l) => l.linkKind === 'dnat-entry' && l.natIds.some((id) => ids.has(id)));
  }
}

function key(host: string, namespace: string, iface: string): string {
  return JSON.stringify([host, namespace, iface]);
}

/** Collects one direction's elements in the order met, each once. */
class PathBuilder {
  readonly edges = new Set<string>();
  readonly ports = new Set<string>();
  readonly boxes = new Set<string>();

  addSpot(spot: Spot): void {
    (spot.kind === 'bridge' ? this.boxes : this.ports).add(spot.id);
  }

  addLink(link: LinkView, index: DiagramIndex): void {
    this.edges.add(link.id);
    for (const end of [link.source, link.target]) {
      if (end === OUTSIDE_ID) { if (index.hasOutside) this.boxes.add(OUTSIDE_ID); } else this.ports.add(end);
    }
  }

  build(): TracePath {
    return { edges: [...this.edges], ports: [...this.ports], boxes: [...this.boxes] };
  }
}

/** Where the packet is after a hop: the namespace box and the last interface it was at there. */
interface Position {
  host: HostView;
  namespaceId: string;
  spot: Spot | null;
}

/** The links a packet crosses from one namespace's interface to another's: a veth, or two through a bridge. */
function connect(index: DiagramIndex, path: PathBuilder, host: HostView, from: Spot, to: Spot): void {
  const direct = index.linkBetween(from.id, to.id);
  if (direct) { path.addLink(direct, index); return; }
  let crossed = false;
  for (const [spot, peer] of [[from, index.peerOf(host, from)], [to, index.peerOf(host, to)]] as const) {
    const link = peer ? index.linkBetween(spot.id, peer.id) : null;
    if (link) { path.addLink(link, index); crossed = true; }
  }
  // Between two hosts of a lab: out of one host's uplink, across the LAN, in by the other's.
  if (!crossed) for (const spot of [from, to]) outsideLink(index, path, spot);
}

/** An uplink's link to the outside, when the packet enters or leaves the host by it. */
function outsideLink(index: DiagramIndex, path: PathBuilder, spot: Spot): void {
  if (spot.port?.role !== 'uplink') return;
  const link = index.linkBetween(OUTSIDE_ID, spot.id);
  if (link) path.addLink(link, index);
}

function hopText(hop: TraceHop): string {
  return `${hop.namespace}${hop.interface ? ` ${hop.interface}` : ''}: ${hop.says}`;
}

function walk(index: DiagramIndex, hops: readonly TraceHop[], direction: TraceDirection, views: TraceHopView[]): TracePath {
  const path = new PathBuilder();
  let at = null as Position | null;
  for (const hop of hops) {
    const host = index.host(hop.host);
    const ns = host ? index.namespace(host, hop.namespace) : null;
    if (!host || !ns) { views.push({ direction, text: hopText(hop), packet: hop.packet, by: hop.by, elementId: null }); continue; }
    if (!ns.root) path.boxes.add(ns.id);
    const spot = hop.interface ? index.spot(host, hop.namespace, hop.interface) : null;
    if (spot) path.addSpot(spot);
    const before: Position | null = at;
    const moved: boolean = before !== null && before.namespaceId !== ns.id;
    if (moved && before?.spot && spot) connect(index, path, host, before.spot, spot);
    if (spot && ((hop.step === 'enter' && before === null) || hop.step === 'leave')) outsideLink(index, path, spot);
    if (hop.step === 'nat-prerouting' && hop.by && spot?.port?.role === 'uplink') {
      for (const link of index.dnatEntries(host, hop.by)) path.addLink(link, index);
    }
    views.push({ direction, text: hopText(hop), packet: hop.packet, by: hop.by, elementId: spot?.id ?? ns.id });
    at = { host, namespaceId: ns.id, spot: spot ?? (moved ? null : before?.spot ?? null) };
  }
  return path.build();
}

function dropMark(index: DiagramIndex, result: TraceResult): TraceDropMark | null {
  const drop = result.drop;
  if (!drop) return null;
  const host = index.host(drop.host);
  const ns = host ? index.namespace(host, drop.namespace) : null;
  if (!host || !ns) return null;
  const spot = drop.interface ? index.spot(host, drop.namespace, drop.interface) : null;
  return { elementId: spot?.id ?? ns.id, direction: drop.direction, reason: drop.reason, rule: drop.rule };
}

/** `tcp 80 red → 10.0.0.2: reachable` */
export function traceSummary(result: TraceResult): string {
  const q = result.question;
  const what = q.protocol === 'icmp' ? 'icmp' : `${q.protocol} ${q.port}`;
  const verdict = result.reachable ? 'reachable' : result.drop ? `dropped (${result.drop.direction})` : 'not reachable';
  return `${what} ${q.from} → ${q.to}: ${verdict}${result.uncertain ? ', uncertain' : ''}`;
}

export function buildTraceOverlay(model: TraceOverlayModel, result: TraceResult): TraceOverlay {
  const index = new DiagramIndex(model);
  const hops: TraceHopView[] = [];
  const request = walk(index, result.hops, 'request', hops);
  const reply = walk(index, result.reply, 'reply', hops);
  return { summary: traceSummary(result), request, reply, drop: dropMark(index, result), hops };
}
