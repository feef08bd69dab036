// What a walk through one or more hosts carries: where it is, the journey so far, and the step that
// takes a packet into a namespace (passed in, so that the link and namespace steps do not import each other).

import type { Namespace, NetInterface, Topology } from '../model/topology';
import { addressKey, addressOwners } from './addresses';
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
  /** Each topology's namespaces by name, made when first asked (a bridge asks for every port's peer). */
  byName: Map<Topology, Map<string, Namespace>>;
  /** Each topology's address owners (addressOwners), made when first asked. */
  owners: Map<Topology, Map<string, Namespace[]>>;
}

export function newWalker(hosts: Walker['hosts'], topology: Topology, journey: Journey, arrive: Walker['arrive']): Walker {
  return { hosts, topology, journey, steps: 0, arrive, byName: new Map(), owners: new Map() };
}

/** The namespaces of the walker's topology that hold this address (lo's left out). */
export function ownersOf(w: Walker, address: string): readonly Namespace[] {
  let owners = w.owners.get(w.topology);
  if (!owners) {
    owners = addressOwners(w.topology);
    w.owners.set(w.topology, owners);
  }
  const key = addressKey(address);
  return (key && owners.get(key)) || [];
}

function namespaceNamed(w: Walker, name: string): Namespace | undefined {
  let names = w.byName.get(w.topology);
  if (!names) {
    names = new Map(w.topology.namespaces.map((n) => [n.name, n]));
    w.byName.set(w.topology, names);
  }
  return names.get(name);
}

export const MAX_STEPS = 200;

/** The far end of a veth: its namespace and interface, where the model holds them. */
export function peerOf(w: Walker, iface: NetInterface | undefined): { ns: Namespace; iface: NetInterface } | null {
  if (!iface?.peer) return null;
  const peerNs = namespaceNamed(w, iface.peer.namespace);
  const peerIface = peerNs?.interfaces.find((i) => i.name === iface.peer!.interface);
  return peerNs && peerIface ? { ns: peerNs, iface: peerIface } : null;
}
