// Between namespaces: a veth delivers to its peer; a bridge hands the packet to the port whose far side
// answers ARP for the next hop, or up to its own namespace; an interface whose far side is outside the host
// takes it off the host (in a lab, to the host of the lab that owns the next hop). Nobody answering drops it.

import type { Namespace, NetInterface } from '../model/topology';
import { ownsAddress } from './addresses';
import { passFilter } from './checks';
import { filterHook, natHook } from './hooks';
import { assume, dropAt, note } from './journey';
import { translateNew } from './nat-steps';
import type { Packet } from './packet';
import { holds, ownersOf, peerOf, portsTowards, type Outcome, type Walker } from './walker';
import { throughQdisc } from './impairments';

function noNeighbour(w: Walker, ns: Namespace, packet: Packet, nexthop: string, on: string): Outcome {
  dropAt(w.journey, ns, packet, { step: 'link', iface: on, says: `no neighbour answers for ${nexthop} on ${on}`, by: null });
  return { kind: 'dropped' };
}

function linkDown(w: Walker, ns: Namespace, packet: Packet, iface: NetInterface, where: string): Outcome {
  dropAt(w.journey, ns, packet, { step: 'link', iface: iface.name, says: `link down: ${iface.name} in ${where} is down`, by: `ip link set ${iface.name} down` });
  return { kind: 'dropped' };
}

/** A packet that crosses into another namespace loses its mark: the kernel scrubs it. */
function crossed(packet: Packet): Packet {
  packet.mark = 0;
  return packet;
}

/** Whether an interface's far side is outside the host: a link with no peer here that is not a bridge port. */
export function leadsOut(iface: NetInterface): boolean {
  if (iface.kind === 'loopback' || iface.kind === 'bridge' || iface.kind === 'dummy') return false;
  return iface.peer === null;
}

/**
 * Where a packet from outside comes in by an outward interface: the interface itself, or the bridge it is
 * a port of (whose addresses and routes then apply).
 */
export function inwardInterface(ns: Namespace, outward: NetInterface): NetInterface {
  return (outward.master && ns.interfaces.find((i) => i.name === outward.master && i.state === 'up')) || outward;
}

/** Another host of the lab whose outward interface holds the next hop: the packet continues there. */
function labHostFor(w: Walker, nexthop: string): { name: string; ns: Namespace; iface: string } | null {
  for (const host of w.hosts) {
    if (host.topology === w.topology) continue;
    for (const ns of host.topology.namespaces) {
      const iface = ns.interfaces.find((i) => leadsOut(i) && i.state === 'up' && ownsAddress({ ...ns, interfaces: [i] }, nexthop));
      if (iface) return { name: host.name, ns, iface: iface.name };
    }
  }
  return null;
}

function leaveHost(w: Walker, ns: Namespace, packet: Packet, out: string, nexthop: string): Outcome {
  const lab = labHostFor(w, nexthop);
  note(w.journey, ns, packet, { step: 'leave', iface: out, says: `leaves the host by ${out} from ${packet.src}${lab ? `, to lab host ${lab.name}` : ''}` });
  if (!lab) return { kind: 'left', host: w.journey.host, ns, iface: out, packet };
  crossed(packet);
  const next = w.hosts.find((h) => h.name === lab.name)!;
  w.topology = next.topology;
  w.journey.host = next.name;
  return w.arrive(w, lab.ns, lab.iface, packet);
}

/**
 * Bridged traffic meets the bridge's namespace's FORWARD chain, and its nat POSTROUTING, only with
 * br_netfilter's bridge-nf-call-iptables on. A MASQUERADE or SNAT there rewrites the bridged packet's
 * source to the namespace's own address, so the reply goes up into that namespace, is translated back
 * and must be routed there (ip_forward): the accuracy gate met it in scenario B, whose MASQUERADE has no
 * `! -o v-net-0`. Where the setting is not known, it is assumed off, and said where it would matter.
 */
function passBridgeNetfilter(w: Walker, ns: Namespace, bridge: NetInterface, packet: Packet, nexthop: string): boolean {
  const ct = w.journey.direction === 'request' ? 'NEW' as const : 'ESTABLISHED' as const;
  const ctx = { packet, in: bridge.name, out: bridge.name, ct, isLocal: (a: string) => ownsAddress(ns, a) };
  const family = packet.family === 4 ? 'iptables' : 'ip6tables';
  const setting = ns.sysctls === undefined ? undefined : packet.family === 4 ? ns.sysctls.bridgeNfCallIptables : ns.sysctls.bridgeNfCallIp6tables;
  if (setting === true) {
    if (!passFilter(w, ns, 'FORWARD', ctx)) return false;
    return w.journey.direction === 'reply' || translateNew(w, ns, 'POSTROUTING', { ...ctx, in: null }, nexthop);
  }
  if (setting === undefined) {
    const unknown = `whether bridged traffic on ${bridge.name} passes ${family} (net.bridge.bridge-nf-call-${family}) is not known here: assumed not`;
    const would = filterHook(ns, 'FORWARD', ctx, () => undefined);
    if (would.verdict !== 'ACCEPT') assume(w.journey, ns, would.by, `${unknown}; if it does, this drops it`);
    const nat = w.journey.direction === 'request' && !ns.forwarding ? natHook(ns, 'POSTROUTING', { ...ctx, in: null }, () => undefined) : null;
    if (nat) assume(w.journey, ns, nat.by, `${unknown}; if it does, this translates it, and ${ns.name}, which does not forward, drops the reply`);
  }
  return true;
}

/** On a bridge's segment: up to the bridge's own namespace, or across to the port whose far side owns the next hop. */
function acrossBridge(w: Walker, ns: Namespace, bridge: NetInterface, ingress: NetInterface | null, nexthop: string, packet: Packet): Outcome {
  if (bridge.state !== 'up') return linkDown(w, ns, packet, bridge, ns.name);
  if (ingress && holds(w, ns, nexthop)) {
    note(w.journey, ns, packet, { step: 'bridge', iface: bridge.name, says: `${bridge.name} takes it up to ${ns.name}, which owns ${nexthop}` });
    return w.arrive(w, ns, bridge.name, packet);
  }
  for (const { port, far } of portsTowards(w, ns, bridge.name, ownersOf(w, nexthop), ingress)) {
    if (far.iface.state !== 'up') continue;
    if (ingress && !passBridgeNetfilter(w, ns, bridge, packet, nexthop)) return { kind: 'dropped' };
    note(w.journey, ns, packet, { step: 'bridge', iface: bridge.name, says: `${bridge.name} forwards it to ${port.name}, whose far side ${far.ns.name} owns ${nexthop}`, by: ns.sysctls?.bridgeNfCallIptables ? 'net.bridge.bridge-nf-call-iptables = 1' : null });
    if (!throughQdisc(w, ns, port, packet)) return { kind: 'dropped' };
    return w.arrive(w, far.ns, far.iface.name, crossed(packet));
  }
  const outward = ns.interfaces.find((i) => i.master === bridge.name && i !== ingress && i.state === 'up' && leadsOut(i));
  if (outward) return throughQdisc(w, ns, outward, packet) ? leaveHost(w, ns, packet, outward.name, nexthop) : { kind: 'dropped' };
  return noNeighbour(w, ns, packet, nexthop, bridge.name);
}

/** Out by `out` towards `nexthop`. */
export function transmit(w: Walker, ns: Namespace, out: string, nexthop: string, packet: Packet): Outcome {
  const iface = ns.interfaces.find((i) => i.name === out)!;
  if (iface.state !== 'up') return linkDown(w, ns, packet, iface, ns.name);
  if (!throughQdisc(w, ns, iface, packet)) return { kind: 'dropped' };
  if (iface.kind === 'bridge') return acrossBridge(w, ns, iface, null, nexthop, packet);
  if (iface.kind === 'dummy') return noNeighbour(w, ns, packet, nexthop, out);
  if (leadsOut(iface)) return leaveHost(w, ns, packet, out, nexthop);
  const far = peerOf(w, iface);
  if (!far) {
    const end = `${iface.peer?.namespace}:${iface.peer?.interface}`;
    assume(w.journey, ns, `${out} ⇄ ${end}`, `the far end of ${out} (${end}) is not in the model: assumed the packet is lost there`);
    dropAt(w.journey, ns, packet, { step: 'link', iface: out, says: `the far end of ${out} (${end}) is not in the model`, by: null });
    return { kind: 'dropped' };
  }
  if (far.iface.state !== 'up') return linkDown(w, far.ns, packet, far.iface, far.ns.name);
  if (far.iface.master) {
    const bridge = far.ns.interfaces.find((i) => i.name === far.iface.master);
    if (bridge) return acrossBridge(w, far.ns, bridge, far.iface, nexthop, crossed(packet));
  }
  if (!ownsAddress(far.ns, nexthop)) return noNeighbour(w, ns, packet, nexthop, out);
  return w.arrive(w, far.ns, far.iface.name, crossed(packet));
}
