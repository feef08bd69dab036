// The part of a file's network that a set of questions can touch, so that tracing 50 expectations in a
// file of 2,000 namespaces does not walk 2,000 namespaces on every bridge crossing.
//
// Why leaving the rest out changes no answer (docs/trace.md, "Between namespaces"): a packet enters a
// namespace only when that namespace owns its next hop, or holds the bridge it crosses. A next hop is the
// destination, a route's gateway, a NAT rule's `to` address, or the address the reply goes back to (the
// source, or a namespace on the path that translated it). So every namespace that owns none of those
// addresses and holds no bridge is never entered, only looked at past a veth end — where a missing far end
// is skipped alike. Its far ends are dropped with it when they carry nothing the kernel would route by (no
// address, no `route … dev`); otherwise it stays. A NAT rule that no packet of the questions can match (its
// protocol or port is another: the nat table sees the request only, with the ports DNAT rules may give it)
// is left out too, and so are the addresses it would translate to. Anything this cannot read (a NAT target
// it does not parse, a match it does not know) keeps the whole network, or the rule.

import { canonicalIp, parseIp } from '../model/cidr';
import type { Expectation } from '../model/expectation';
import { natTargetTo } from '../model/nat-targets';
import type { Lab, LabHost, Namespace, NatRule, Topology } from '../model/topology';

/** The address of a NAT `to` (`10.0.0.2`, `10.0.0.2:80`, `10.0.0.2-10.0.0.9:80`, `[fd00::2]:80`, `fd00::2`), or null. */
function natAddress(to: string): string | null {
  const bracket = /^\[([^\]]+)\]/.exec(to);
  const address = bracket ? bracket[1] : parseIp(to) ? to : to.split(/[:-]/)[0];
  return parseIp(address) ? canonicalIp(address) : null;
}

function addressOf(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** `ns` or `HOST/ns` of an expectation end; null for an address. */
function namespaceOf(end: string, host: LabHost, hosts: number): string | null {
  if (parseIp(end)) return null;
  const slash = end.indexOf('/');
  if (slash > 0 && hosts > 1) return end.slice(0, slash) === host.name ? end.slice(slash + 1) : null;
  return end;
}

/** A packet a question can send: its protocol and destination port (null for ping). What a NAT rule is tested on. */
interface PacketShape {
  protocol: string;
  port: number | null;
}

type Packets = PacketShape[];

const PROTOCOLS_KNOWN = new Set(['tcp', 'udp', 'icmp', 'sctp']);

function portIn(port: number, dport: string): boolean {
  const colon = dport.indexOf(':');
  if (colon < 0) return port === Number(dport);
  return port >= Number(dport.slice(0, colon)) && port <= Number(dport.slice(colon + 1));
}

/** Whether a NAT rule can match one of the packets; anything it cannot read counts as a match. */
function mayMatch(rule: NatRule, packets: Packets): boolean {
  if (rule.extra?.length || rule.matches?.length || rule.unmodelled?.length) return true;
  const protocol = rule.protocol?.toLowerCase() ?? null;
  if (protocol === null || !PROTOCOLS_KNOWN.has(protocol)) return true;
  for (const packet of packets) {
    if (packet.protocol !== protocol) continue;
    if (rule.dport === null || (packet.port !== null && portIn(packet.port, rule.dport))) return true;
  }
  return false;
}

/** The port a DNAT sends to (`10.0.0.2:80` → 80), null when it keeps the port, undefined when unreadable. */
function dnatPort(to: string): number | null | undefined {
  const afterAddress = to.startsWith('[') ? to.slice(to.indexOf(']') + 1) : parseIp(to) ? '' : to.slice(to.indexOf(':'));
  if (afterAddress === '') return null;
  const port = /^:([0-9]+)$/.exec(afterAddress);
  return port ? Number(port[1]) : undefined;
}

/** The packets the questions send, with every port a DNAT rule that may match them translates to; null: keep all. */
function packetsOf(dnats: readonly NatRule[], expectations: readonly Expectation[]): Packets | null {
  const packets: Packets = [];
  const add = (protocol: string, port: number | null) => {
    if (packets.some((p) => p.protocol === protocol && p.port === port)) return false;
    packets.push({ protocol, port });
    return true;
  };
  for (const e of expectations) add(e.protocol, e.protocol === 'icmp' ? null : e.port);
  for (let grew = true; grew;) {
    grew = false;
    for (const rule of dnats) {
      if (!mayMatch(rule, packets)) continue;
      const port = dnatPort(natTargetTo(rule.target)!);
      if (port === undefined) return null;
      if (port === null) continue;
      for (const packet of [...packets]) if (packet.protocol !== 'icmp' && add(packet.protocol, port)) grew = true;
    }
  }
  return packets;
}

/** What one host's topology says once, for every question asked of it. */
class HostIndex {
  readonly byName: Map<string, Namespace>;
  /** Address → the namespaces that hold it. */
  readonly owners = new Map<string, string[]>();
  readonly bridgeHolders = new Set<string>();
  /** Namespace → the namespaces that must stay when it stays: their far end in it carries an address or a `route … dev`. */
  readonly pinnedBy = new Map<string, string[]>();

  /** Namespace → its place in the topology, to keep the kept ones in order. */
  private readonly order = new Map<string, number>();
  /** Per namespace, its interfaces whose far end is in another namespace of the host, by that namespace. */
  private readonly farEnds = new Map<string, Map<string, true>>();

  constructor(readonly host: LabHost) {
    const namespaces = host.topology.namespaces;
    this.byName = new Map(namespaces.map((ns) => [ns.name, ns]));
    namespaces.forEach((ns, i) => this.order.set(ns.name, i));
    const interfaces = new Map(namespaces.map((ns) => [ns.name, new Map(ns.interfaces.map((i) => [i.name, i]))]));
    for (const ns of namespaces) {
      for (const iface of ns.interfaces) {
        if (iface.kind === 'bridge') this.bridgeHolders.add(ns.name);
        for (const cidr of iface.addresses) {
          const list = this.owners.get(addressOf(cidr));
          if (list) list.push(ns.name); else this.owners.set(addressOf(cidr), [ns.name]);
        }
        const peer = iface.peer;
        if (peer && this.byName.has(peer.namespace)) {
          let ends = this.farEnds.get(ns.name);
          if (!ends) this.farEnds.set(ns.name, ends = new Map());
          ends.set(peer.namespace, true);
        }
        const far = peer ? interfaces.get(peer.namespace)?.get(peer.interface) : undefined;
        if (!peer || !far) continue;
        if (far.addresses.length > 0 || this.byName.get(peer.namespace)!.routes.some((r) => r.dev === peer.interface)) {
          const list = this.pinnedBy.get(peer.namespace);
          if (list) list.push(ns.name); else this.pinnedBy.set(peer.namespace, [ns.name]);
        }
      }
    }
  }

  scoped(addresses: Set<string>, names: Set<string>, packets: Packets): Topology {
    const topology = this.host.topology;
    const keep = new Set<string>(this.bridgeHolders);
    for (const ns of topology.namespaces) if (ns.root) keep.add(ns.name);
    for (const name of names) if (this.byName.has(name)) keep.add(name);
    for (const address of addresses) for (const owner of this.owners.get(address) ?? []) keep.add(owner);
    // A namespace left out must leave nothing behind that routes: else it stays.
    const queue = [...keep];
    while (queue.length) {
      for (const pinned of this.pinnedBy.get(queue.pop()!) ?? []) if (!keep.has(pinned)) { keep.add(pinned); queue.push(pinned); }
    }
    if (keep.size === topology.namespaces.length && !topology.namespaces.some((ns) => ns.nat.some((rule) => !mayMatch(rule, packets)))) return topology;
    const kept = [...keep].sort((a, b) => this.order.get(a)! - this.order.get(b)!).map((name) => this.byName.get(name)!);
    const namespaces = kept.map((ns) => {
      const ends = this.farEnds.get(ns.name);
      const cut = ends !== undefined && [...ends.keys()].some((other) => !keep.has(other));
      const interfaces = cut ? ns.interfaces.filter((i) => !i.peer || keep.has(i.peer.namespace) || !this.byName.has(i.peer.namespace)) : ns.interfaces;
      // A NAT rule no packet of the questions can match changes nothing for them.
      const nat = ns.nat.filter((rule) => mayMatch(rule, packets));
      return interfaces.length === ns.interfaces.length && nat.length === ns.nat.length ? ns : { ...ns, interfaces, nat };
    });
    return { ...topology, namespaces };
  }
}

/** A lab indexed once, to give each question (or set of them) the part of it that they can touch. */
export class NetworkScope {
  private readonly hosts: HostIndex[];
  private readonly dnats: NatRule[];
  /** Every NAT rule that translates, with the address it translates to (null: unreadable). */
  private readonly translations: { rule: NatRule; address: string | null }[] = [];
  private readonly gateways = new Set<string>();

  constructor(private readonly lab: Lab) {
    this.hosts = lab.hosts.map((host) => new HostIndex(host));
    const rules = lab.hosts.flatMap((h) => h.topology.namespaces.flatMap((ns) => ns.nat));
    this.dnats = rules.filter((r) => r.target.kind === 'DNAT');
    for (const rule of rules) {
      const to = natTargetTo(rule.target);
      if (to !== null) this.translations.push({ rule, address: natAddress(to) });
    }
    const canonical = new Map<string, string>();
    for (const host of lab.hosts) {
      for (const ns of host.topology.namespaces) {
        for (const route of ns.routes) {
          if (!route.via) continue;
          let known = canonical.get(route.via);
          if (known === undefined) canonical.set(route.via, known = canonicalIp(route.via));
          this.gateways.add(known);
        }
      }
    }
  }

  /** The lab, with only what these expectations' traces can touch. */
  forQuestions(expectations: readonly Expectation[]): Lab {
    const packets = packetsOf(this.dnats, expectations);
    if (!packets) return this.lab;
    const addresses = new Set(this.gateways);
    for (const e of expectations) for (const end of [e.from, e.to]) if (parseIp(end)) addresses.add(canonicalIp(end));
    for (const { rule, address } of this.translations) {
      if (!mayMatch(rule, packets)) continue;
      if (address === null) return this.lab;
      addresses.add(address);
    }
    const count = this.lab.hosts.length;
    return {
      ...this.lab,
      hosts: this.hosts.map((index) => {
        const names = new Set<string>();
        for (const e of expectations) {
          for (const end of [e.from, e.to, e.landsOn?.namespace ?? null]) {
            const name = end === null ? null : namespaceOf(end, index.host, count);
            if (name !== null) names.add(name);
          }
        }
        return { ...index.host, topology: index.scoped(addresses, names, packets) };
      }),
    };
  }
}

/** The lab, with only what these expectations' traces can touch. */
export function scopeForExpectations(lab: Lab, expectations: readonly Expectation[]): Lab {
  return new NetworkScope(lab).forQuestions(expectations);
}
