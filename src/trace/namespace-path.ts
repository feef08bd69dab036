// A packet's way through one namespace, in the kernel's order. Arriving: nat PREROUTING, rp_filter, local
// delivery (filter INPUT), the route lookup, ip_forward, filter FORWARD, nat POSTROUTING, out. Sent by
// the namespace itself: the route lookup and source address, nat OUTPUT, filter OUTPUT, nat POSTROUTING.

import type { Namespace } from '../model/topology';
import { addressInSubnet, addressPart, cidrsOf, firstAddress, localInterfaceFor, ownsAddress } from './addresses';
import { passFilter, passForwarding, passRpFilter } from './checks';
import { assume, dropAt, note } from './journey';
import { transmit } from './links';
import type { MatchContext } from './match-context';
import { translateNew, translateReply } from './nat-steps';
import type { Packet } from './packet';
import { lookupRoute, type RouteChoice } from './routes';
import { holds, MAX_STEPS, type Outcome, type Walker } from './walker';

function contextOf(w: Walker, ns: Namespace, packet: Packet, inIface: string | null, out: string | null): MatchContext {
  return { packet, in: inIface, out, ct: w.journey.direction === 'request' ? 'NEW' : 'ESTABLISHED', isLocal: (a) => ownsAddress(ns, a) };
}

/** The route for the packet, or a drop that says why there is none. */
function route(w: Walker, ns: Namespace, packet: Packet, iif: string): RouteChoice | null {
  const answer = lookupRoute(ns, packet.src, packet.dst, iif, (rule, assumed) => assume(w.journey, ns, rule, assumed));
  const at = { step: 'route' as const, iface: iif === 'lo' ? null : iif };
  if (answer.kind === 'none') { dropAt(w.journey, ns, packet, { ...at, says: `no route to ${packet.dst}`, by: null }); return null; }
  if (answer.kind === 'refused') { dropAt(w.journey, ns, packet, { ...at, says: `policy rule says ${answer.action}`, by: answer.by }); return null; }
  const { choice } = answer;
  // The namespace's own packet takes its source address from the route.
  if (iif === 'lo' && choice.dev) packet.src ??= chooseSource(ns, choice, packet.family);
  const type = choice.route.type;
  if (type && type !== 'unicast') { dropAt(w.journey, ns, packet, { ...at, says: `the route is ${type}`, by: choice.text }); return null; }
  if (!choice.dev) { dropAt(w.journey, ns, packet, { ...at, says: `the gateway ${choice.nexthop} is on no connected subnet`, by: choice.text }); return null; }
  note(w.journey, ns, packet, { step: 'route', iface: choice.dev, says: `routed out ${choice.dev} to ${choice.nexthop}${choice.table !== 'main' ? ` (table ${choice.table})` : ''}`, by: choice.text });
  return choice;
}

/** Source address selection: the out interface's address on the next hop's subnet, else its first, else the namespace's. */
function chooseSource(ns: Namespace, choice: RouteChoice, family: 4 | 6): string | null {
  const iface = ns.interfaces.find((i) => i.name === choice.dev);
  const onSubnet = iface ? addressInSubnet(iface, choice.nexthop) : null;
  const first = iface ? cidrsOf(iface).find((c) => c.family === family) : undefined;
  const chosen = onSubnet ?? first;
  return chosen ? addressPart(chosen) : firstAddress(ns, family);
}

function deliver(w: Walker, ns: Namespace, packet: Packet, inIface: string): Outcome {
  if (w.journey.direction === 'reply') translateReply(w, ns, packet, 'dnat', inIface);
  if (!passFilter(w, ns, 'INPUT', contextOf(w, ns, packet, inIface, null))) return { kind: 'dropped' };
  const port = packet.dport !== null ? `:${packet.dport}` : '';
  note(w.journey, ns, packet, { step: 'deliver', iface: inIface, says: `delivered to ${packet.dst}${port} in ${ns.name}`, by: null });
  return { kind: 'delivered', host: w.journey.host, ns, packet };
}

/** The packet after routing: nat POSTROUTING (or conntrack's reverse DNAT), then out by the link. */
function sendOut(w: Walker, ns: Namespace, packet: Packet, choice: RouteChoice): Outcome {
  if (w.journey.direction === 'request') {
    if (!translateNew(w, ns, 'POSTROUTING', contextOf(w, ns, packet, null, choice.dev), choice.nexthop)) return { kind: 'dropped' };
  } else {
    translateReply(w, ns, packet, 'dnat', choice.dev);
  }
  return transmit(w, ns, choice.dev!, choice.nexthop, packet);
}

/** A packet that came into `ns` by `inIface`. */
export function arrive(w: Walker, ns: Namespace, inIface: string, packet: Packet): Outcome {
  if (++w.steps > MAX_STEPS) {
    dropAt(w.journey, ns, packet, { step: 'link', iface: inIface, says: 'the packet loops', by: null });
    return { kind: 'dropped' };
  }
  note(w.journey, ns, packet, { step: 'enter', iface: inIface, says: `enters ${ns.name} by ${inIface}` });
  if (w.journey.direction === 'request') {
    if (!translateNew(w, ns, 'PREROUTING', contextOf(w, ns, packet, inIface, null), null)) return { kind: 'dropped' };
  } else {
    translateReply(w, ns, packet, 'snat', inIface);
  }
  if (!passRpFilter(w, ns, contextOf(w, ns, packet, inIface, null))) return { kind: 'dropped' };
  if (holds(w, ns, packet.dst)) return deliver(w, ns, packet, inIface);
  const choice = route(w, ns, packet, inIface);
  if (!choice) return { kind: 'dropped' };
  const ctx = contextOf(w, ns, packet, inIface, choice.dev);
  if (!passForwarding(w, ns, ctx) || !passFilter(w, ns, 'FORWARD', ctx)) return { kind: 'dropped' };
  return sendOut(w, ns, packet, choice);
}

/** Local delivery inside the sending namespace goes over lo, which must be up. */
function toSelf(w: Walker, ns: Namespace, packet: Packet): Outcome {
  const lo = ns.interfaces.find((i) => i.kind === 'loopback');
  if (!lo || lo.state !== 'up') {
    dropAt(w.journey, ns, packet, { step: 'local', iface: 'lo', says: `lo is ${lo ? 'down' : 'not set up'} in ${ns.name}`, by: null });
    return { kind: 'dropped' };
  }
  if (!passFilter(w, ns, 'OUTPUT', contextOf(w, ns, packet, null, 'lo'))) return { kind: 'dropped' };
  return deliver(w, ns, packet, 'lo');
}

/** The route from the namespace's own stack, or null for one of its own addresses (over lo). */
function localRoute(w: Walker, ns: Namespace, packet: Packet): RouteChoice | 'self' | null {
  return localInterfaceFor(ns, packet.dst) ? 'self' : route(w, ns, packet, 'lo');
}

/** A packet the namespace's own stack sends: route and source address, nat OUTPUT (and route again), filter OUTPUT. */
export function originate(w: Walker, ns: Namespace, packet: Packet): Outcome {
  note(w.journey, ns, packet, { step: 'enter', iface: null, says: `sent by ${ns.name}` });
  let choice = localRoute(w, ns, packet);
  if (!choice) return { kind: 'dropped' };
  packet.src ??= choice === 'self' ? packet.dst : chooseSource(ns, choice, packet.family);
  if (w.journey.direction === 'request') {
    w.journey.source ??= packet.src;
    const before = packet.dst;
    const out = choice === 'self' ? 'lo' : choice.dev;
    if (!translateNew(w, ns, 'OUTPUT', contextOf(w, ns, packet, null, out), choice === 'self' ? null : choice.nexthop)) return { kind: 'dropped' };
    if (packet.dst !== before) choice = localRoute(w, ns, packet);
    if (!choice) return { kind: 'dropped' };
  }
  if (choice === 'self') return toSelf(w, ns, packet);
  if (!passFilter(w, ns, 'OUTPUT', contextOf(w, ns, packet, null, choice.dev))) return { kind: 'dropped' };
  return sendOut(w, ns, packet, choice);
}
