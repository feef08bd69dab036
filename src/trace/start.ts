// Where a trace starts and what it aims at: a namespace or an outside address (which comes in by the
// interface whose subnet holds it), and an address or a namespace's first address.

import { VnetError } from '../model/errors';
import type { Lab, Namespace, Topology } from '../model/topology';
import { canonicalOf, cidrsOf, contains, firstAddress, ipOf, ownerOf } from './addresses';
import { inwardInterface, leadsOut } from './links';
import { arrive, originate } from './namespace-path';
import type { Packet } from './packet';
import { lookupTable, mainTable } from './routes';
import type { TraceQuestion } from './types';
import type { Outcome, Walker } from './walker';

export type Hosts = Walker['hosts'];

export function hostsOf(input: Topology | Lab): Hosts {
  return 'namespaces' in input ? [{ name: input.host, topology: input }] : input.hosts.map((h) => ({ name: h.name, topology: h.topology }));
}

/** `NS` (on the first host that has it) or `HOST/NS`. */
function findNamespaceNamed(hosts: Hosts, name: string): { host: Hosts[number]; ns: Namespace } | null {
  const slash = name.indexOf('/');
  const [hostName, nsName] = slash > 0 && hosts.length > 1 ? [name.slice(0, slash), name.slice(slash + 1)] : [null, name];
  for (const host of hosts) {
    if (hostName !== null && host.name !== hostName) continue;
    const ns = host.topology.namespaces.find((n) => n.name === nsName);
    if (ns) return { host, ns };
  }
  return null;
}

export function destinationOf(hosts: Hosts, to: string): string {
  if (ipOf(to)) return canonicalOf(to);
  const named = findNamespaceNamed(hosts, to);
  if (!named) throw new VnetError('VN-USAGE-TRACE', `--to ${to} is neither an address nor a namespace of the network. Give an address or a namespace name.`);
  const address = firstAddress(named.ns, 4) ?? firstAddress(named.ns, 6);
  if (!address) throw new VnetError('VN-USAGE-TRACE', `Namespace ${to} has no address to trace to. Give an address instead.`);
  return address;
}

/** Where an outside address comes in: the outward interface whose subnet holds it, else the default route's. */
function entryFor(host: Hosts[number], address: string): { ns: Namespace; iface: string } | null {
  const ip = ipOf(address)!;
  for (const ns of host.topology.namespaces) {
    for (const outward of ns.interfaces.filter((i) => leadsOut(i) && i.state === 'up')) {
      const inward = inwardInterface(ns, outward);
      if (cidrsOf(inward).some((c) => contains(c, ip))) return { ns, iface: inward.name };
    }
  }
  const root = host.topology.namespaces.find((n) => n.root);
  const viaDefault = root ? lookupTable(root, mainTable(root), address) : null;
  const outwards = root?.interfaces.filter((i) => leadsOut(i) && i.state === 'up').map((i) => inwardInterface(root, i).name) ?? [];
  if (root && viaDefault?.dev && outwards.includes(viaDefault.dev)) return { ns: root, iface: viaDefault.dev };
  return null;
}

export function newPacket(question: TraceQuestion, src: string | null, dst: string): Packet {
  const family = ipOf(dst)!.family;
  return {
    family, protocol: question.protocol, src, dst, sport: null, dport: question.protocol === 'icmp' ? null : question.port,
    icmpType: question.protocol === 'icmp' ? 'echo-request' : null, mark: 0,
  };
}

export interface Start {
  host: Hosts[number];
  /** The outside address the packet comes from; null for a namespace. */
  fromAddress: string | null;
  /** The source address the packet starts with: the outside address, or one of the namespace's own when given. */
  src: string | null;
  run: (w: Walker, packet: Packet) => Outcome;
  /** The source namespace; null for an outside address. */
  ns: Namespace | null;
  entry: { ns: Namespace; iface: string } | null;
}

export function startOf(hosts: Hosts, from: string): Start {
  if (!ipOf(from)) {
    const named = findNamespaceNamed(hosts, from);
    if (!named) throw new VnetError('VN-USAGE-TRACE', `--from ${from} is neither a namespace of the network nor an address. Give a namespace name or an outside address.`);
    return { host: named.host, fromAddress: null, src: null, ns: named.ns, entry: null, run: (w, packet) => originate(w, named.ns, packet) };
  }
  const address = canonicalOf(from);
  // An address of a namespace of the network: that namespace sends, from that address.
  for (const host of hosts) {
    const owner = ownerOf(host.topology, address);
    if (owner) return { host, fromAddress: null, src: address, ns: owner, entry: null, run: (w, packet) => originate(w, owner, packet) };
  }
  for (const host of hosts) {
    const entry = entryFor(host, address);
    if (entry) return { host, fromAddress: address, src: address, ns: null, entry, run: (w, packet) => arrive(w, entry.ns, entry.iface, packet) };
  }
  throw new VnetError('VN-USAGE-TRACE', `No interface leading off the host holds ${from}'s subnet, and no default route leaves the host: ${from} cannot come in. Trace from a namespace instead.`);
}
