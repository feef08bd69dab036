// What a walk through one or more hosts carries: where it is, the journey so far, and the step that
// takes a packet into a namespace (passed in, so that the link and namespace steps do not import each other).

import type { Namespace, NetInterface, Topology } from '../model/topology';
import { addressOwners, indexOf, type TopologyIndex } from './topology-index';
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
  const peerNs = indexNow(w).byName.get(iface.peer.namespace);
  const peerIface = peerNs?.interfaces.find((i) => i.name === iface.peer!.interface);
  return peerNs && peerIface ? { ns: peerNs, iface: peerIface } : null;
}
