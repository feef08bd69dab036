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
import type { Lab, LabHost, NatRule, NetInterface, Topology } from '../model/topology';

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

/** The packets the questions can send, as `protocol:port` (`icmp:null` for ping): what a NAT rule is tested on. */
type Packets = Set<string>;

const PROTOCOLS_KNOWN = new Set(['tcp', 'udp', 'icmp', 'sctp']);

function portIn(port: number, dport: string): boolean {
  const [low, high] = dport.split(':').map(Number);
  return high === undefined ? port === low : port >= low && port <= high;
}

/** Whether a NAT rule can match one of the packets; anything it cannot read counts as a match. */
function mayMatch(rule: NatRule, packets: Packets): boolean {
  if (rule.extra?.length || rule.matches?.length || rule.unmodelled?.length) return true;
  const protocol = rule.protocol?.toLowerCase() ?? null;
  if (protocol === null || !PROTOCOLS_KNOWN.has(protocol)) return true;
  for (const packet of packets) {
    const [p, port] = packet.split(':');
    if (p !== protocol) continue;
    if (rule.dport === null || (port !== 'null' && portIn(Number(port), rule.dport))) return true;
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
function packetsOf(lab: Lab, expectations: readonly Expectation[]): Packets | null {
  const packets: Packets = new Set(expectations.map((e) => `${e.protocol}:${e.protocol === 'icmp' ? null : e.port}`));
  const dnats = lab.hosts.flatMap((h) => h.topology.namespaces.flatMap((ns) => ns.nat.filter((r) => r.target.kind === 'DNAT')));
  for (let grew = true; grew;) {
    grew = false;
    for (const rule of dnats) {
      if (!mayMatch(rule, packets)) continue;
      const port = dnatPort(natTargetTo(rule.target)!);
      if (port === undefined) return null;
      if (port === null) continue;
      for (const packet of [...packets]) {
        const translated = `${packet.split(':')[0]}:${port}`;
        if (!packet.startsWith('icmp') && !packets.has(translated)) { packets.add(translated); grew = true; }
      }
    }
  }
  return packets;
}

/** The addresses any packet of these questions can be sent to, and the namespaces they name; null: keep all. */
function relevant(lab: Lab, expectations: readonly Expectation[], packets: Packets): { addresses: Set<string>; names: Set<string>[] } | null {
  const addresses = new Set<string>();
  const canonical = new Map<string, string>();
  const add = (ip: string) => {
    let known = canonical.get(ip);
    if (known === undefined) canonical.set(ip, known = canonicalIp(ip));
    addresses.add(known);
  };
  for (const e of expectations) for (const end of [e.from, e.to]) if (parseIp(end)) add(end);
  for (const host of lab.hosts) {
    for (const ns of host.topology.namespaces) {
      for (const route of ns.routes) if (route.via) add(route.via);
      for (const rule of ns.nat) {
        const to = natTargetTo(rule.target);
        if (to === null || !mayMatch(rule, packets)) continue;
        const address = natAddress(to);
        if (address === null) return null;
        addresses.add(address);
      }
    }
  }
  const names = lab.hosts.map((host) => {
    const set = new Set<string>();
    for (const e of expectations) {
      for (const end of [e.from, e.to, e.landsOn?.namespace ?? null]) {
        const name = end === null ? null : namespaceOf(end, host, lab.hosts.length);
        if (name !== null) set.add(name);
      }
    }
    return set;
  });
  return { addresses, names };
}

function scopeTopology(topology: Topology, addresses: Set<string>, names: Set<string>, packets: Packets): Topology {
  const byName = new Map(topology.namespaces.map((ns) => [ns.name, ns]));
  const interfacesOf = new Map<string, Map<string, NetInterface>>();
  const interfaceOf = (ns: string, name: string) => {
    let map = interfacesOf.get(ns);
    if (!map) interfacesOf.set(ns, map = new Map(byName.get(ns)!.interfaces.map((i) => [i.name, i])));
    return map.get(name);
  };
  /** Whether an interface carries what the kernel routes by: an address, or a `route … dev` of its namespace. */
  const routedBy = (ns: string, name: string) => {
    const iface = interfaceOf(ns, name);
    return !!iface && (iface.addresses.length > 0 || byName.get(ns)!.routes.some((r) => r.dev === name));
  };
  const keep = new Set<string>();
  for (const ns of topology.namespaces) {
    if (ns.root || names.has(ns.name) || ns.interfaces.some((i) => i.kind === 'bridge' || i.addresses.some((a) => addresses.has(addressOf(a))))) {
      keep.add(ns.name);
    }
  }
  // A namespace left out must leave nothing behind that routes: else it stays.
  for (const ns of topology.namespaces) {
    if (keep.has(ns.name)) continue;
    if (ns.interfaces.some((i) => i.peer && keep.has(i.peer.namespace) && byName.has(i.peer.namespace) && routedBy(i.peer.namespace, i.peer.interface))) keep.add(ns.name);
  }
  const namespaces = topology.namespaces.filter((ns) => keep.has(ns.name)).map((ns) => {
    const interfaces = ns.interfaces.filter((i) => !i.peer || keep.has(i.peer.namespace) || !byName.has(i.peer.namespace));
    // A NAT rule no packet of the questions can match changes nothing for them.
    const nat = ns.nat.filter((rule) => mayMatch(rule, packets));
    return interfaces.length === ns.interfaces.length && nat.length === ns.nat.length ? ns : { ...ns, interfaces, nat };
  });
  return { ...topology, namespaces };
}

/** The lab, with only what these expectations' traces can touch. */
export function scopeForExpectations(lab: Lab, expectations: readonly Expectation[]): Lab {
  const packets = packetsOf(lab, expectations);
  const found = packets && relevant(lab, expectations, packets);
  if (!packets || !found) return lab;
  return { ...lab, hosts: lab.hosts.map((host, i) => ({ ...host, topology: scopeTopology(host.topology, found.addresses, found.names[i], packets) })) };
}
