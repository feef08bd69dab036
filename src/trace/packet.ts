// The packet a trace follows: its addresses and ports as they are at one point of the path, after whatever
// NAT changed them. Ports are null when the sender picks them (an ephemeral source port).

import type { Family } from '../model/cidr';
import type { TraceProtocol } from './types';

export interface Packet {
  family: Family;
  protocol: TraceProtocol;
  src: string | null;
  dst: string;
  sport: number | null;
  dport: number | null;
  /** For ICMP: echo-request on the way there, echo-reply on the way back. */
  icmpType: 'echo-request' | 'echo-reply' | null;
  /** The packet's mark (skb->mark) in the namespace it is in: 0 until a MARK target sets it. */
  mark: number;
}

function endpoint(address: string | null, port: number | null, family: Family): string {
  const text = address ?? '?';
  if (port === null) return text;
  return family === 6 ? `[${text}]:${port}` : `${text}:${port}`;
}

/** `tcp 10.0.1.26 → 172.16.0.102:80`. */
export function describePacket(packet: Packet): string {
  return `${packet.protocol} ${endpoint(packet.src, packet.sport, packet.family)} → ${endpoint(packet.dst, packet.dport, packet.family)}`;
}
