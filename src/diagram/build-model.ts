// Topology → the diagram's view model. One host side at a time (desired or live); drift.ts merges two sides.
// Decides what is drawn where: bridges are nodes with their member interfaces as ports, the root
// namespace's interfaces are ports on the host box, DNAT rules become host ports with arrows, masquerade
// rules become marks on the host's way out.

import { canonicalCidr, canonicalIp, formatIp, parseCidr } from '../model/cidr';
import { isEmptyImpairment, sameImpairment, shortImpairment } from '../model/impairment';
import { natRuleKey } from '../model/nat';
import { natAddressIp } from '../model/nat-address';
import { NAT_TARGETS, natTargetTo, type NatAction } from '../model/nat-targets';
import { shortNatConditions, shortNatRule } from '../model/nat-wording';
import { describeRoute } from '../model/route';
import { isKernelRoute } from '../model/kernel-made';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import type { DiagramInput } from '../model/protocol';
import type { NatRule, NatTarget, Namespace, NetInterface, Route, Topology } from '../model/topology';
import { ROOT_NAMESPACE } from '../model/topology';
import { mergeHosts, mergeLinks } from './drift';
import { buildFirewallView } from './firewall-view';
import { holderLabel, namespaceLabel } from '../model/namespace-label';
import {
  OUTSIDE_ID, bridgeId, dnatGroupPortId, dnatPortId, egressPortId, hostId, interfaceId, linkId, namespaceId, natId, routeId,
} from './ids';
import type {
  BridgeView, DiagramMode, DiagramModel, HostView, LinkView, NamespaceView, NatView, OutsideView, PortView, RouteView,
} from './model';

const MAX_ADDRESS_LINES = 3;

export interface DiagramModelOptions {
  /** Above this many DNAT rules a host draws one port per element they reach (default MAX_DNAT_PORTS). */
  maxDnatPorts?: number;
}

export function buildDiagramModel(input: DiagramInput, options: DiagramModelOptions = {}): DiagramModel {
  const hosts: HostView[] = [];
  const links: LinkView[] = [];
  let sides = { desired: false, live: false };
  for (const hostInput of input.hosts) {
    const desired = hostInput.desired ? buildHostSide(hostInput.name, hostInput.desired) : null;
    const live = hostInput.live ? buildHostSide(hostInput.name, hostInput.live) : null;
    sides = { desired: sides.desired || desired !== null, live: sides.live || live !== null };
    if (desired && live) {
      hosts.push(mergeHosts(desired.host, live.host));
      links.push(...mergeLinks(desired.links, live.links));
    } else if (desired || live) {
      const side = (desired ?? live)!;
      hosts.push(side.host);
      links.push(...side.links);
    }
  }
  const mode: DiagramMode = sides.desired && sides.live ? 'drift' : sides.live ? 'live' : 'desired';
  const multiHost = hosts.length > 1;
  for (const host of hosts) links.push(...buildOutsideLinks(host, multiHost, options.maxDnatPorts ?? MAX_DNAT_PORTS));
  const outside: OutsideView | null = links.some((l) => l.source === OUTSIDE_ID)
    ? {
      id: OUTSIDE_ID, kind: 'outside', ref: { kind: 'outside', host: '' }, status: 'same', differences: [],
      label: multiHost ? 'LAN / outside' : 'outside',
    }
    : null;
  return { title: input.title, mode, hosts, links, outside };
}

interface HostSide {
  host: HostView;
  links: LinkView[];
}

/** Where each interface is drawn, so that links can name their ends. */
interface Placement {
  portId: string;
  port: PortView;
  namespace: string;
  /** 0 on the host box, 1 on a bridge, 2 on a namespace box: links run from lower to higher. */
  rank: number;
}

export function buildHostSide(hostName: string, topology: Topology): HostSide {
  const rootNs = topology.namespaces.find((ns) => ns.root) ?? {
    name: ROOT_NAMESPACE, root: true, forwarding: false, interfaces: [], routes: [], nat: [], natChains: [], forwardPolicy: null,
  };
  const others = topology.namespaces.filter((ns) => !ns.root);
  const placements = new Map<string, Placement>();
  const root = buildNamespace(hostName, rootNs, placements) as HostView;
  const host: HostView = {
    ...root,
    id: hostId(hostName),
    kind: 'host',
    ref: { kind: 'host', host: hostName, namespace: ROOT_NAMESPACE },
    hostName,
    hostNat: [],
    children: others.map((ns) => buildNamespace(hostName, ns, placements)),
    warnings: topology.warnings ? [...topology.warnings] : [],
  };
  // The root namespace's NAT is drawn (arrows and marks); its rules leave the box's text.
  host.hostNat = root.nat;
  host.nat = [];
  const links = buildVethLinks(hostName, topology, placements);
  const vethEnds = new Set(links.flatMap((l) => [l.source, l.target]));
  for (const port of host.ports) {
    if (isUplinkCandidate(port) && !vethEnds.has(port.id)) port.role = 'uplink';
  }
  return { host, links };
}

function isUplinkCandidate(port: PortView): boolean {
  return INTERFACE_KINDS[port.interfaceKind].mayLeadOut;
}

function buildNamespace(hostName: string, ns: Namespace, placements: Map<string, Placement>): NamespaceView {
  const bridges = ns.interfaces.filter((i) => INTERFACE_KINDS[i.kind].drawingRole === 'bridge');
  const bridgeNames = new Set(bridges.map((b) => b.name));
  const ports: PortView[] = [];
  const bridgeViews: BridgeView[] = bridges.map((bridge) => ({
    id: bridgeId(hostName, ns.name, bridge.name),
    kind: 'bridge',
    ref: { kind: 'bridge', host: hostName, namespace: ns.name, interface: bridge.name },
    status: 'same',
    differences: [],
    name: bridge.name,
    state: bridge.state,
    addresses: bridge.addresses.map(canonicalCidr),
    mtu: bridge.mtu,
    ports: [],
  }));
  const loopbacks: PortView[] = [];
  for (const iface of ns.interfaces) {
    const role = INTERFACE_KINDS[iface.kind].drawingRole;
    if (role === 'bridge') continue;
    const port = buildPort(hostName, ns.name, iface);
    // A loopback never links anywhere: it is a line in its box, not a port on the edge.
    if (role === 'line') { loopbacks.push(port); continue; }
    const bridge = iface.master && bridgeNames.has(iface.master) ? bridgeViews.find((b) => b.name === iface.master)! : null;
    if (bridge) bridge.ports.push(port);
    else ports.push(port);
    placements.set(placementKey(ns.name, iface.name), { portId: port.id, port, namespace: ns.name, rank: bridge ? 1 : ns.root ? 0 : 2 });
  }
  return {
    id: namespaceId(hostName, ns.name),
    kind: 'namespace',
    ref: { kind: 'namespace', host: hostName, namespace: ns.name },
    status: 'same',
    differences: [],
    name: ns.name,
    label: namespaceLabel(ns),
    holder: ns.holder ? holderLabel(ns.holder) : null,
    firewall: buildFirewallView(ns),
    root: ns.root,
    forwarding: ns.forwarding,
    forwardPolicy: ns.forwardPolicy,
    anonymous: ns.anonymous ?? false,
    owner: ns.owner ?? null,
    path: ns.path ?? null,
    ports,
    loopbacks,
    bridges: bridgeViews,
    routes: ns.routes.map((route) => buildRoute(hostName, ns, route)),
    nat: ns.nat.map((rule) => buildNat(hostName, ns.name, rule)),
  };
}

function placementKey(namespace: string, iface: string): string {
  return JSON.stringify([namespace, iface]);
}

export function portLines(name: string, addresses: readonly string[]): string[] {
  const shown = addresses.slice(0, MAX_ADDRESS_LINES);
  const more = addresses.length - shown.length;
  return [name, ...shown, ...(more > 0 ? [`+${more} more`] : [])];
}

function buildPort(hostName: string, namespace: string, iface: NetInterface): PortView {
  const addresses = iface.addresses.map(canonicalCidr);
  return {
    id: interfaceId(hostName, namespace, iface.name),
    kind: 'interface',
    ref: {
      kind: 'interface', host: hostName, namespace, interface: iface.name,
      ...(iface.peer ? { peer: { namespace: iface.peer.namespace, interface: iface.peer.interface } } : {}),
    },
    status: 'same',
    differences: [],
    name: iface.name,
    role: 'interface',
    interfaceKind: iface.kind,
    state: iface.state,
    operstate: iface.operstate ?? null,
    addresses,
    mtu: iface.mtu,
    mac: iface.mac,
    lines: portLines(iface.name, addresses),
    ...(isEmptyImpairment(iface.impairment) ? {} : { impairment: iface.impairment! }),
  };
}

/**
 * The words along a veth for its impairments: one label when both ends impair alike, else one per
 * direction, `→` for what the source end sends and `←` for what the target end sends.
 */
export function impairmentLabels(source: PortView, target: PortView): string[] {
  const forward = source.impairment ? shortImpairment(source.impairment) : null;
  const back = target.impairment ? shortImpairment(target.impairment) : null;
  if (forward && back && sameImpairment(source.impairment, target.impairment)) return [forward];
  return [...(forward ? [`→ ${forward}`] : []), ...(back ? [`← ${back}`] : [])];
}


function buildRoute(hostName: string, ns: Namespace, route: Route): RouteView {
  const namespace = ns.name;
  return {
    id: routeId(hostName, namespace, route.to === 'default' ? 'default' : canonicalCidr(route.to)),
    kind: 'route',
    ref: { kind: 'route', host: hostName, namespace, route: route.to },
    status: 'same',
    differences: [],
    text: describeRoute(route),
    via: route.via ? canonicalIp(route.via) : null,
    dev: route.dev,
    kernelMade: isKernelRoute(ns, route),
  };
}

function buildNat(hostName: string, namespace: string, rule: NatRule): NatView {
  const key = natRuleKey(rule);
  const target = rule.target;
  return {
    id: natId(hostName, namespace, key),
    kind: 'nat',
    ref: { kind: 'nat', host: hostName, namespace, rule: rule.rule },
    status: 'same',
    differences: [],
    action: drawnNatAction(target),
    chain: rule.chain,
    rule: rule.rule,
    summary: shortNatRule(rule),
    conditions: shortNatConditions(rule),
    protocol: rule.protocol,
    dport: rule.dport,
    outInterface: rule.outInterface,
    to: natTargetTo(target),
  };
}

/** The targets the diagram draws as arrows; every other one is a line of text. */
const DRAWN_ACTIONS: ReadonlySet<NatAction> = new Set(['dnat', 'masquerade', 'snat']);

function drawnNatAction(target: NatTarget): NatView['action'] {
  const action = NAT_TARGETS[target.kind].action;
  return action && DRAWN_ACTIONS.has(action) ? (action as NatView['action']) : 'other';
}

function buildVethLinks(hostName: string, topology: Topology, placements: Map<string, Placement>): LinkView[] {
  const links: LinkView[] = [];
  const seen = new Set<string>();
  const namespaceOrder = new Map(topology.namespaces.map((ns, index) => [ns.name, index]));
  const degree = new Map<string, number>();
  const pairs: [Placement, Placement][] = [];
  for (const ns of topology.namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.kind !== 'veth' || !iface.peer) continue;
      const a = placements.get(placementKey(ns.name, iface.name));
      const b = placements.get(placementKey(iface.peer.namespace, iface.peer.interface));
      if (!a || !b || a === b) continue;
      const id = linkId(a.portId, b.portId);
      if (seen.has(id)) continue;
      seen.add(id);
      pairs.push([a, b]);
      degree.set(a.namespace, (degree.get(a.namespace) ?? 0) + 1);
      degree.set(b.namespace, (degree.get(b.namespace) ?? 0) + 1);
    }
  }
  for (const [a, b] of pairs) {
    const [source, target] = orient(a, b, degree, namespaceOrder);
    links.push({
      id: linkId(a.portId, b.portId),
      kind: 'link',
      ref: {
        kind: 'link', host: hostName, namespace: source.namespace, interface: source.port.name,
        peer: { namespace: target.namespace, interface: target.port.name },
      },
      status: 'same',
      differences: [],
      linkKind: 'veth',
      source: source.portId,
      target: target.portId,
      state: source.port.state === 'up' && target.port.state === 'up' ? 'up' : 'down',
      labels: impairmentLabels(source.port, target.port).map((text) => ({ text, status: 'same' as const })),
      natIds: [],
    });
  }
  return links;
}

/** Links run downwards: host box, then bridges, then namespaces; between namespaces the busier one is above. */
function orient(a: Placement, b: Placement, degree: Map<string, number>, order: Map<string, number>): [Placement, Placement] {
  if (a.rank !== b.rank) return a.rank < b.rank ? [a, b] : [b, a];
  const da = degree.get(a.namespace) ?? 0;
  const db = degree.get(b.namespace) ?? 0;
  if (da !== db) return da > db ? [a, b] : [b, a];
  const oa = order.get(a.namespace) ?? 0;
  const ob = order.get(b.namespace) ?? 0;
  if (oa !== ob) return oa < ob ? [a, b] : [b, a];
  return a.port.name <= b.port.name ? [a, b] : [b, a];
}

function egressPort(hostName: string, status: PortView['status']): PortView {
  return {
    id: egressPortId(hostName),
    kind: 'interface',
    ref: { kind: 'host', host: hostName, namespace: ROOT_NAMESPACE },
    status,
    differences: [],
    name: 'egress',
    role: 'egress',
    interfaceKind: 'other',
    state: 'up',
    operstate: null,
    addresses: [],
    mtu: null,
    mac: null,
    lines: ['egress'],
  };
}


function sameIp(cidr: string, ip: string): boolean {
  const parsed = parseCidr(cidr);
  return parsed !== null && formatIp({ family: parsed.family, value: parsed.address }) === ip;
}

/**
 * What crosses the host's edge, drawn after desired and live are merged so that every rule keeps its drift
 * status: DNAT goes outside → a host port for the published port (one per element reached, when a host
 * publishes many) → the interface that owns the address;
 * masquerade rules are marks on the ways out (uplinks, or an `egress` port when the host has none).
 */
function buildOutsideLinks(host: HostView, multiHost: boolean, maxDnatPorts: number): LinkView[] {
  const links: LinkView[] = [];
  const hostName = host.hostName;
  const masquerades = host.hostNat.filter((n) => n.action === 'masquerade' || n.action === 'snat');
  const dnats = host.hostNat.filter((n) => n.action === 'dnat');
  links.push(...(dnats.length > maxDnatPorts ? buildDnatGroups(host, dnats) : buildDnatPorts(host, dnats)));
  if (masquerades.length) {
    const uplinks = host.ports.filter((p) => p.role === 'uplink');
    const unplaced = new Set(masquerades.map((m) => m.id));
    for (const uplink of uplinks) {
      const marks = masquerades.filter((m) => appliesToOutInterface(m, uplink.name));
      for (const m of marks) unplaced.delete(m.id);
      links.push(uplinkLink(hostName, uplink, marks));
    }
    if (unplaced.size || (multiHost && !uplinks.length)) {
      const egress = egressPort(hostName, host.status);
      host.ports.push(egress);
      links.push(uplinkLink(hostName, egress, masquerades.filter((m) => unplaced.has(m.id))));
    }
  } else {
    const uplinks = host.ports.filter((p) => p.role === 'uplink');
    for (const uplink of uplinks) links.push(uplinkLink(hostName, uplink, []));
    // In a multi-host lab every host reaches the others through the LAN, declared uplink or not.
    if (multiHost && !uplinks.length) {
      const egress = egressPort(hostName, host.status);
      host.ports.push(egress);
      links.push(uplinkLink(hostName, egress, []));
    }
  }
  return links;
}

/** One host port per DNAT rule: an arrow from outside with the rule's conditions, one on to what it reaches. */
function buildDnatPorts(host: HostView, dnats: readonly NatView[]): LinkView[] {
  const links: LinkView[] = [];
  for (const nat of dnats) {
    const portIdValue = dnatPortId(nat.id);
    const port: PortView = {
      ...egressPort(host.hostName, nat.status),
      id: portIdValue,
      ref: nat.ref,
      name: dnatPortLabel(nat),
      role: 'dnat',
      lines: [dnatPortLabel(nat)],
    };
    host.ports.push(port);
    links.push(natLink(nat, 'dnat-entry', OUTSIDE_ID, portIdValue, nat.conditions ? [nat.conditions] : []));
    const ip = nat.to ? natAddressIp(nat.to) : null;
    const target = ip ? findAddressOwner(host, ip) : null;
    if (target) links.push(natLink(nat, 'dnat', portIdValue, target, [`→ ${nat.to}`]));
    else port.lines = [port.name, `→ ${nat.to ?? '?'}`];
  }
  return links;
}

/** Above this many published ports, a host draws one port per element they reach instead of one per rule. */
export const MAX_DNAT_PORTS = 12;

/**
 * A host that publishes many ports (a container host) would be drawn with a port and two arrows per rule:
 * the rules are grouped by the element they reach, and each group is one port (`DNAT ×40`) that lists
 * the ports it publishes, with all its rules in the details.
 */
function buildDnatGroups(host: HostView, dnats: readonly NatView[]): LinkView[] {
  const hostName = host.hostName;
  const groups = new Map<string, { target: string | null; members: NatView[] }>();
  for (const nat of dnats) {
    const ip = nat.to ? natAddressIp(nat.to) : null;
    const target = ip ? findAddressOwner(host, ip) : null;
    const key = target ?? `to ${ip ?? nat.to ?? '?'}`;
    const group = groups.get(key) ?? { target, members: [] };
    group.members.push(nat);
    groups.set(key, group);
  }
  const links: LinkView[] = [];
  for (const [key, { target, members }] of groups) {
    const status = members.every((m) => m.status === members[0].status) ? members[0].status : 'differs';
    const id = dnatGroupPortId(hostName, key);
    const name = `DNAT ×${members.length}`;
    const destinations = [...new Set(members.map((m) => (m.to ? natAddressIp(m.to) ?? m.to : '?')))];
    const reach = `→ ${listed(destinations, 2)}`;
    host.ports.push({
      ...egressPort(hostName, status),
      id,
      name,
      role: 'dnat',
      lines: target ? [name, publishedPorts(members)] : [name, publishedPorts(members), reach],
      rules: members.map((m) => m.rule),
    });
    const link = (linkKind: 'dnat' | 'dnat-entry', source: string, to: string, texts: string[]): LinkView => ({
      id: `${linkKind}:${source}>${to}`,
      kind: 'link',
      ref: { kind: 'host', host: hostName, namespace: ROOT_NAMESPACE },
      status,
      differences: [],
      linkKind,
      source,
      target: to,
      state: 'up',
      labels: texts.map((text) => ({ text, status })),
      natIds: members.map((m) => m.id),
    });
    // The conditions the arrow in from outside carries, when every rule of the group has the same ones.
    const conditions = new Set(members.map((m) => m.conditions));
    const shared = conditions.size === 1 ? members[0].conditions : '';
    links.push(link('dnat-entry', OUTSIDE_ID, id, shared ? [shared] : []));
    if (target) links.push(link('dnat', id, target, [reach]));
  }
  return links;
}

/** `tcp 80, 443, udp 53`: the published ports of a group (the drawing cuts the line to fit, displayText). */
function publishedPorts(members: readonly NatView[]): string {
  const byProtocol = new Map<string, string[]>();
  for (const m of members) {
    const protocol = m.protocol ?? 'all';
    byProtocol.set(protocol, [...(byProtocol.get(protocol) ?? []), m.dport ?? '*']);
  }
  return [...byProtocol].map(([protocol, ports]) => `${protocol} ${[...new Set(ports)].join(', ')}`).join(', ');
}

function listed(items: readonly string[], most: number): string {
  return items.length > most ? `${items.slice(0, most).join(', ')} … (${items.length})` : items.join(', ');
}

function dnatPortLabel(nat: NatView): string {
  return ['DNAT', nat.protocol, nat.dport].filter(Boolean).join(' ');
}

/** Which rules mark this way out: `-o eth0` names it, `! -o br0` names all but br0, none names all. */
function appliesToOutInterface(nat: NatView, uplink: string): boolean {
  const out = nat.outInterface;
  if (!out) return true;
  return out.negated ? out.value !== uplink : out.value === uplink;
}

/** The element that answers for an address: namespace interfaces first, then bridge ports, bridges, the host. */
function findAddressOwner(host: HostView, ip: string): string | null {
  const namespaces = [...host.children, host];
  const candidates: { id: string; addresses: string[] }[] = [
    ...host.children.flatMap((ns) => ns.ports),
    ...namespaces.flatMap((ns) => ns.bridges.flatMap((b) => b.ports)),
    ...namespaces.flatMap((ns) => ns.bridges),
    ...host.ports.filter((p) => p.role === 'interface' || p.role === 'uplink'),
  ];
  return candidates.find((c) => c.addresses.some((a) => sameIp(a, ip)))?.id ?? null;
}

function natLink(nat: NatView, linkKind: 'dnat' | 'dnat-entry', source: string, target: string, texts: string[]): LinkView {
  return {
    id: `${linkKind}:${source}>${target}`,
    kind: 'link',
    ref: nat.ref,
    status: nat.status,
    differences: [],
    linkKind,
    source,
    target,
    state: 'up',
    labels: texts.map((text) => ({ text, status: nat.status })),
    natIds: [nat.id],
  };
}

function uplinkLink(hostName: string, port: PortView, marks: NatView[]): LinkView {
  return {
    id: linkId(OUTSIDE_ID, port.id),
    kind: 'link',
    ref: { kind: 'link', host: hostName, namespace: ROOT_NAMESPACE, interface: port.name },
    status: port.status,
    differences: [],
    linkKind: 'uplink',
    source: OUTSIDE_ID,
    target: port.id,
    state: port.state,
    labels: marks.map((m) => ({ text: m.summary, status: m.status })),
    natIds: marks.map((m) => m.id),
  };
}
