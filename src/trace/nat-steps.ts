// NAT on the path: DNAT before routing (PREROUTING, OUTPUT), SNAT and MASQUERADE after (POSTROUTING) for a
// new connection; for its reply, conntrack undoes each translation at the same namespace.

import { natAddressIp, parseNatAddress } from '../model/nat-address';
import type { Namespace } from '../model/topology';
import { addressInSubnet, addressPart, cidrsOf } from './addresses';
import { natHook, type NatHook } from './hooks';
import { assume, dropAt, note, type NatEvent } from './journey';
import type { MatchContext } from './match-context';
import type { Packet } from './packet';
import type { Walker } from './walker';

function portOf(to: string): number | null {
  const parsed = parseNatAddress(to);
  return 'error' in parsed || parsed.port === null ? null : Number(parsed.port.split('-')[0]);
}

/** The address MASQUERADE gives: the out interface's address on the next hop's subnet, else its first. */
export function masqueradeAddress(ns: Namespace, out: string, nexthop: string, family: 4 | 6): string | null {
  const iface = ns.interfaces.find((i) => i.name === out);
  if (!iface) return null;
  const onSubnet = addressInSubnet(iface, nexthop);
  const first = cidrsOf(iface).find((c) => c.family === family);
  const chosen = onSubnet ?? first;
  return chosen ? addressPart(chosen) : null;
}

/** Runs a nat hook for a new connection; false when a nat chain dropped the packet. */
export function translateNew(w: Walker, ns: Namespace, hook: NatHook, ctx: MatchContext, nexthop: string | null): boolean {
  const { packet } = ctx;
  const decision = natHook(ns, hook, ctx, (rule, assumed) => assume(w.journey, ns, rule, assumed));
  const step = hook === 'POSTROUTING' ? 'nat-postrouting' : hook === 'OUTPUT' ? 'nat-output' : 'nat-prerouting';
  if (!decision) return true;
  if (decision.verdict === 'DROP' || decision.verdict === 'REJECT') return dropAt(w.journey, ns, packet, { step, iface: ctx.in ?? ctx.out, says: `a nat chain drops it`, by: decision.by });
  const isDnat = decision.verdict === 'DNAT';
  const before = isDnat ? { address: packet.dst, port: packet.dport } : { address: packet.src!, port: packet.sport };
  const address = decision.to ? natAddressIp(decision.to) : masqueradeAddress(ns, ctx.out ?? '', nexthop ?? packet.dst, packet.family);
  if (!address) {
    assume(w.journey, ns, decision.by, 'the translated address cannot be read: assumed no translation');
    return true;
  }
  const after = { address, port: decision.to ? portOf(decision.to) ?? before.port : before.port };
  if (isDnat) { packet.dst = after.address; packet.dport = after.port; } else { packet.src = after.address; packet.sport = after.port; }
  const event: NatEvent = { host: w.journey.host, namespace: ns.name, kind: isDnat ? 'dnat' : 'snat', before, after };
  w.journey.nat.push(event);
  note(w.journey, ns, packet, { step, iface: ctx.in ?? ctx.out, says: `${decision.verdict.toLowerCase()} to ${after.address}${after.port !== null ? `:${after.port}` : ''}`, by: decision.by });
  return true;
}

/** Conntrack on the reply: undo this namespace's SNAT (before routing) or DNAT (after it). */
export function translateReply(w: Walker, ns: Namespace, packet: Packet, kind: 'snat' | 'dnat', iface: string | null): void {
  const event = w.journey.nat.find((e) => e.host === w.journey.host && e.namespace === ns.name && e.kind === kind
    && (kind === 'snat' ? e.after.address === packet.dst : e.after.address === packet.src));
  if (!event) return;
  if (kind === 'snat') { packet.dst = event.before.address; packet.dport = event.before.port; } else { packet.src = event.before.address; packet.sport = event.before.port; }
  note(w.journey, ns, packet, { step: 'conntrack', iface, says: `conntrack undoes the ${kind.toUpperCase()}: ${kind === 'snat' ? 'destination' : 'source'} back to ${event.before.address}` });
}
