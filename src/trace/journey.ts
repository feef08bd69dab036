// The record of one trace as it goes: the hops of the request and of the reply, the first drop, what was
// assumed, and the NAT conntrack remembers so that the reply is translated back at the same points.

import type { Namespace } from '../model/topology';
import { describePacket, type Packet } from './packet';
import type { TraceAssumption, TraceDrop, TraceHop, TraceLatency, TraceStep } from './types';

/** One translation conntrack made for the connection, where it made it. */
export interface NatEvent {
  host: string;
  namespace: string;
  kind: 'dnat' | 'snat';
  /** Address and port before and after. */
  before: { address: string; port: number | null };
  after: { address: string; port: number | null };
}

export interface Journey {
  host: string;
  direction: 'request' | 'reply';
  hops: TraceHop[];
  reply: TraceHop[];
  assumptions: TraceAssumption[];
  drop: TraceDrop | null;
  nat: NatEvent[];
  /** The request's source address as its sender chose it, before any NAT. */
  source: string | null;
  /** Delay the impairments on the path add, each way (src/trace/impairments.ts). */
  latency: TraceLatency;
}

export function newJourney(host: string): Journey {
  return { host, direction: 'request', hops: [], reply: [], assumptions: [], drop: null, nat: [], source: null, latency: { requestUs: 0, replyUs: 0, by: [] } };
}

export interface HopText {
  step: TraceStep;
  iface: string | null;
  says: string;
  by?: string | null;
}

export function note(journey: Journey, ns: Namespace, packet: Packet, hop: HopText): void {
  const list = journey.direction === 'request' ? journey.hops : journey.reply;
  list.push({
    host: journey.host, namespace: ns.name, step: hop.step, interface: hop.iface, packet: describePacket(packet), says: hop.says, by: hop.by ?? null,
  });
}

/** Records the drop (and its hop); returns false so that callers can `return dropAt(…)`. */
export function dropAt(journey: Journey, ns: Namespace, packet: Packet, hop: HopText): false {
  note(journey, ns, packet, { ...hop, says: `dropped: ${hop.says}` });
  journey.drop ??= {
    host: journey.host, namespace: ns.name, interface: hop.iface, reason: hop.says, rule: hop.by ?? null, direction: journey.direction,
  };
  return false;
}

export function assume(journey: Journey, ns: Namespace, rule: string, assumed: string): void {
  if (journey.assumptions.some((a) => a.host === journey.host && a.namespace === ns.name && a.rule === rule && a.assumed === assumed)) return;
  journey.assumptions.push({ host: journey.host, namespace: ns.name, rule, assumed });
}
