// The trace: follow a packet from its source to where it lands, then its reply back with conntrack, and
// say whether the round trip works, where it stops and why, and what the engine had to assume.

import { VnetError } from '../model/errors';
import type { Lab, Topology } from '../model/topology';
import { cidrsOf, contains, ipOf, ownerOf } from './addresses';
import { assume, newJourney, note } from './journey';
import { inwardInterface } from './links';
import { arrive, originate } from './namespace-path';
import type { Packet } from './packet';
import { destinationOf, hostsOf, newPacket, startOf, type Start } from './start';
import type { TraceQuestion, TraceResult } from './types';
import { newWalker, type Outcome, type Walker } from './walker';

/** The reply of a request that landed in a namespace: sent back by that namespace's stack. */
function replyPacket(request: Packet): Packet {
  return {
    family: request.family, protocol: request.protocol, src: request.dst, dst: request.src!, sport: request.dport, dport: request.sport,
    icmpType: request.protocol === 'icmp' ? 'echo-reply' : null, mark: 0,
  };
}

/** The reply of a request that left the host: it comes back in by the same interface, if the outside can route it. */
function replyFromOutside(w: Walker, left: Extract<Outcome, { kind: 'left' }>): Outcome {
  const reply = replyPacket(left.packet);
  const iface = inwardInterface(left.ns, left.ns.interfaces.find((i) => i.name === left.iface)!);
  const ip = ipOf(reply.dst);
  if (!ip || !cidrsOf(iface).some((c) => contains(c, ip))) {
    assume(w.journey, left.ns, `reply to ${reply.dst} by ${iface.name}`,
      `${reply.dst} is not on ${iface.name}'s subnet: assumed nothing outside the host routes the reply back`);
    note(w.journey, left.ns, reply, { step: 'leave', iface: iface.name, says: `the reply to ${reply.dst} has no way back: ${reply.dst} is not on ${iface.name}'s subnet` });
    w.journey.drop ??= { host: left.host, namespace: left.ns.name, interface: iface.name, reason: `the reply cannot come back: ${reply.dst} is not on ${iface.name}'s subnet (no NAT on the way out?)`, rule: null, direction: 'reply' };
    return { kind: 'dropped' };
  }
  return arrive(w, left.ns, iface.name, reply);
}

/** A request that leaves the host for an address a namespace of the lab holds cannot come back to it. */
function leftForInside(w: Walker, left: Extract<Outcome, { kind: 'left' }>): boolean {
  for (const host of w.hosts) {
    const owner = ownerOf(host.topology, left.packet.dst);
    if (!owner) continue;
    const where = w.hosts.length > 1 ? `${host.name}/${owner.name}` : owner.name;
    w.journey.drop ??= {
      host: left.host, namespace: left.ns.name, interface: left.iface, direction: 'request', rule: null,
      reason: `${left.packet.dst} is ${where}'s address, but the packet leaves the host by ${left.iface}`,
    };
    return true;
  }
  return false;
}

/** Whether the reply ended where the request began. */
function replyArrived(start: Start, source: string | null, outcome: Outcome): boolean {
  if (start.ns) return outcome.kind === 'delivered' && outcome.ns === start.ns && outcome.packet.dst === source;
  return outcome.kind === 'left' && outcome.packet.dst === start.fromAddress;
}

function wrongEnd(w: Walker, start: Start, outcome: Outcome): void {
  if (outcome.kind === 'dropped' || w.journey.drop) return;
  const where = outcome.kind === 'left' ? `leaves the host by ${outcome.iface}` : `lands in ${outcome.ns.name}`;
  const expected = start.ns ? `back in ${start.ns.name}` : `out by ${start.entry!.iface}`;
  w.journey.drop = { host: outcome.host, namespace: outcome.ns.name, interface: outcome.kind === 'left' ? outcome.iface : null, reason: `the reply ${where}, not ${expected}`, rule: null, direction: 'reply' };
}

export function trace(input: Topology | Lab, question: TraceQuestion): TraceResult {
  const hosts = hostsOf(input);
  const toAddress = destinationOf(hosts, question.to);
  const start = startOf(hosts, question.from);
  const journey = newJourney(start.host.name);
  const w = newWalker(hosts, start.host.topology, journey, arrive);
  const packet = newPacket(question, start.src, toAddress);
  if (start.src && ipOf(start.src)!.family !== packet.family) {
    throw new VnetError('VN-USAGE-TRACE', `--from ${question.from} and --to ${question.to} are of different address families. Give two IPv4 or two IPv6 addresses.`);
  }
  const request = start.run(w, packet);
  let reachable = false;
  if (request.kind !== 'dropped' && !(request.kind === 'left' && leftForInside(w, request))) {
    journey.direction = 'reply';
    w.steps = 0;
    const reply = request.kind === 'delivered' ? originate(w, request.ns, replyPacket(request.packet)) : replyFromOutside(w, request);
    reachable = replyArrived(start, journey.source, reply);
    if (!reachable) wrongEnd(w, start, reply);
  }
  return {
    question: { ...question, fromAddress: start.fromAddress ?? journey.source, toAddress },
    reachable,
    uncertain: journey.assumptions.length > 0,
    deliveredTo: request.kind === 'delivered' ? { host: request.host, namespace: request.ns.name, address: request.packet.dst, port: request.packet.dport } : null,
    leftBy: request.kind === 'left' ? { host: request.host, namespace: request.ns.name, interface: request.iface, source: request.packet.src! } : null,
    drop: reachable ? null : journey.drop,
    hops: journey.hops,
    reply: journey.reply,
    assumptions: journey.assumptions,
    latency: journey.latency,
  };
}
