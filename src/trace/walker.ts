// What a walk through one or more hosts carries: where it is, the journey so far, and the step that
// takes a packet into a namespace (passed in, so that the link and namespace steps do not import each other).

import type { Namespace, Topology } from '../model/topology';
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
}

export const MAX_STEPS = 200;

export function peerOf(w: Walker, ns: Namespace, ifaceName: string): { ns: Namespace; iface: Namespace['interfaces'][number] } | null {
  const iface = ns.interfaces.find((i) => i.name === ifaceName);
  if (!iface?.peer) return null;
  const peerNs = w.topology.namespaces.find((n) => n.name === iface.peer!.namespace);
  const peerIface = peerNs?.interfaces.find((i) => i.name === iface.peer!.interface);
  return peerNs && peerIface ? { ns: peerNs, iface: peerIface } : null;
}
