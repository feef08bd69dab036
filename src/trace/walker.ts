// What a walk through one or more hosts carries: where it is, the journey so far, and the step that
// takes a packet into a namespace (passed in, so that the link and namespace steps do not import each other).

import type { Namespace, NetInterface, Topology } from '../model/topology';
import { cidrsOf, contains, ipOf } from './addresses';
import { addressOwners, indexOf, interfaceNamed, type TopologyIndex } from './topology-index';
import type { Journey } from './journey';
import type { Packet } from './packet';

export type Outcome =
  | { kind: 'delivered'; host: string; ns: Namespace; packet: Packet }
  | { kind: 'left'; host: string; ns: Namespace; iface: string; packet: Packet }
  | { kind: 'dropped' };

export interface Walker {
  /** The hosts of the lab (one for a single topology), by name. */
  hosts: { name: string; topology: Topology }[];
  topology: Topology;
  journey: Journey;
  /** Hops taken, against loops. */
  steps: number;
  arrive: (w: Walker, ns: Namespace, inIface: string, packet: Packet) => Outcome;
  /** Each topology's index, checked once a walk. */
  indexes: Map<Topology, TopologyIndex>;
}

export function newWalker(hosts: Walker['hosts'], topology: Topology, journey: Journey, arrive: Walker['arrive']): Walker {
  return { hosts, topology, journey, steps: 0, arrive, indexes: new Map() };
}

function indexNow(w: Walker): TopologyIndex {
  let index = w.indexes.get(w.topology);
  if (!index) {
    index = indexOf(w.topology);
    w.indexes.set(w.topology, index);
  }
  return index;
}

/** The namespaces of the walker's topology that hold this address (lo's left out). */
export function ownersOf(w: Walker, address: string): readonly Namespace[] {
  return addressOwners(w.topology, indexNow(w), address);
}

export const MAX_STEPS = 200;

/** The far end of a veth: its namespace and interface, where the model holds them. */
export function peerOf(w: Walker, iface: NetInterface | undefined): { ns: Namespace; iface: NetInterface } | null {
  if (!iface?.peer) return null;
  const index = indexNow(w);
  const peerNs = index.byName.get(iface.peer.namespace);
  const peerIface = peerNs && interfaceNamed(index, peerNs, iface.peer.interface);
  return peerNs && peerIface ? { ns: peerNs, iface: peerIface } : null;
}

/**
 * The ports of `bridge` (in `ns`, up, not `except`) whose far side is one of `owners`, in the bridge's port
 * order: found from the owners' side, so a bridge of many ports is not walked port by port.
 */
export function portsTowards(w: Walker, ns: Namespace, bridge: string, owners: readonly Namespace[], except: NetInterface | null): { port: NetInterface; far: { ns: Namespace; iface: NetInterface } }[] {
  const index = indexNow(w);
  const found: { port: NetInterface; far: { ns: Namespace; iface: NetInterface }; at: number }[] = [];
  for (const owner of owners) {
    for (const iface of owner.interfaces) {
      if (iface.peer?.namespace !== ns.name) continue;
      const port = interfaceNamed(index, ns, iface.peer.interface);
      if (!port || port === except || port.master !== bridge || port.state !== 'up' || port.peer?.namespace !== owner.name || port.peer.interface !== iface.name) continue;
      found.push({ port, far: { ns: owner, iface }, at: ns.interfaces.indexOf(port) });
    }
  }
  return found.sort((a, b) => a.at - b.at);
}

/**
 * Whether the namespace holds the address (localInterfaceFor's rule), asked through the owners index so
 * that a namespace with a bridge of many ports is not walked interface by interface.
 */
export function holds(w: Walker, ns: Namespace, address: string): boolean {
  if (ownersOf(w, address).includes(ns)) return true;
  const ip = ipOf(address);
  const lo = ns.interfaces.find((i) => i.kind === 'loopback' && i.state === 'up');
  return ip !== null && lo !== undefined && cidrsOf(lo).some((cidr) => contains(cidr, ip));
}
