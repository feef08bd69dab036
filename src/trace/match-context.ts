// What a rule can see of a packet at one hook: the packet, the interfaces it came in and goes out by,
// its conntrack state, and which addresses are local to the namespace.

import { cidrOf, contains, ipOf } from './addresses';
import type { AddressMatch } from '../model/topology';
import type { Packet } from './packet';

export interface MatchContext {
  packet: Packet;
  in: string | null;
  out: string | null;
  ct: 'NEW' | 'ESTABLISHED';
  isLocal: (address: string) => boolean;
}

/** A condition holds, does not, or cannot be told (with the reason). */
export type Tri = boolean | { unknown: string };

export function addressHolds(match: AddressMatch | null, address: string | null): Tri {
  if (!match) return true;
  if (address === null) return { unknown: 'the address is not chosen yet' };
  const text = match.value.includes('/') ? match.value : `${match.value}/${match.value.includes(':') ? 128 : 32}`;
  const cidr = cidrOf(text);
  const ip = ipOf(address);
  if (!cidr || !ip) return { unknown: `"${match.value}" is not an address` };
  return contains(cidr, ip) !== match.negated;
}

/** iptables writes `veth+`, nft `veth*`: a trailing wildcard matches every name with that start. */
export function interfaceHolds(match: AddressMatch | null, name: string | null): Tri {
  if (!match) return true;
  const pattern = match.value;
  const wild = pattern.endsWith('+') || pattern.endsWith('*');
  const hit = name !== null && (wild ? name.startsWith(pattern.slice(0, -1)) : name === pattern);
  return hit !== match.negated;
}

/** `80`, `1000:2000` or `1000-2000` against a port that may not be known (an ephemeral source port). */
export function portHolds(spec: string, port: number | null): Tri {
  if (port === null) return { unknown: 'the port is picked by the sender' };
  const [low, high] = spec.split(/[:-]/).map(Number);
  return port >= low && port <= (high ?? low);
}

export function ctStateHolds(states: readonly string[], negated: boolean, ct: MatchContext['ct']): Tri {
  const known = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED'];
  const upper = states.map((s) => s.toUpperCase());
  if (upper.some((s) => !known.includes(s))) return { unknown: `conntrack states ${upper.join(',')} are not all modelled` };
  return upper.includes(ct) !== negated;
}

/** Combines conditions: any false is false; else any unknown is unknown; else true. */
export function allHold(parts: readonly Tri[]): Tri {
  if (parts.some((p) => p === false)) return false;
  const unknown = parts.find((p): p is { unknown: string } => typeof p === 'object');
  return unknown ?? true;
}
