// What a live check reads from a trace: where the packet is headed (so a listener waits there), which
// namespaces of the path to ask `ip route get`, and, beside the kernel's answers, which step of the model
// was wrong. Pure: plain data in, plain data out.

import { canonicalIp, parseIp } from '../model/cidr';
import type { LiveRoute } from '../model/live-check';
import type { Namespace, Topology } from '../model/topology';
import { addressPart, cidrsOf } from '../trace/addresses';
import type { TraceHop, TraceResult } from '../trace/index';

export interface LiveHostModel {
  name: string;
  topology: Topology;
}

/** The destination of a hop's packet text (`tcp 10.0.1.26 → 172.16.0.102:80`, `[fd00::1]:80`). */
export function packetDestination(packet: string): { address: string; port: number | null } | null {
  const arrow = packet.indexOf(' → ');
  if (arrow < 0) return null;
  const text = packet.slice(arrow + 3).trim();
  if (parseIp(text)) return { address: canonicalIp(text), port: null };
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const plain = /^([^:]+):(\d+)$/.exec(text);
  const match = bracketed ?? plain;
  if (!match || !parseIp(match[1])) return null;
  return { address: canonicalIp(match[1]), port: Number(match[2]) };
}

/** The namespace an address is configured in, whether its link is up or not (a listener can wait there). */
export function holderOf(topology: Topology, address: string): Namespace | null {
  const wanted = canonicalIp(address);
  return topology.namespaces.find((ns) => ns.interfaces.some((iface) => cidrsOf(iface).some((cidr) => addressPart(cidr) === wanted))) ?? null;
}

export interface Landing {
  host: string;
  ns: Namespace;
  /** The address the packet is headed to there, when known. */
  address: string | null;
  port: number;
}

function namespaceOn(hosts: readonly LiveHostModel[], host: string, name: string): Namespace | null {
  return hosts.find((h) => h.name === host)?.topology.namespaces.find((n) => n.name === name) ?? null;
}

/**
 * Where a TCP/UDP listener must wait: where the trace lands, else where the request was headed when it
 * stopped (its destination after any NAT), in the namespace of the network that holds that address.
 * Null for ICMP, or when no namespace of the network holds it (an address outside the host).
 */
export function landingOf(result: TraceResult, hosts: readonly LiveHostModel[]): Landing | null {
  if (result.question.protocol === 'icmp') return null;
  const delivered = result.deliveredTo;
  if (delivered && delivered.port !== null) {
    const ns = namespaceOn(hosts, delivered.host, delivered.namespace);
    if (ns) return { host: delivered.host, ns, address: delivered.address, port: delivered.port };
  }
  const last = result.hops.length ? packetDestination(result.hops[result.hops.length - 1].packet) : null;
  const address = last?.address ?? result.question.toAddress;
  const port = last?.port ?? result.question.port;
  if (port === null) return null;
  for (const host of hosts) {
    const ns = holderOf(host.topology, address);
    if (ns) return { host: host.name, ns, address, port };
  }
  return null;
}

export interface RouteQueryOnPath {
  direction: 'request' | 'reply';
  host: string;
  ns: Namespace;
  destination: string;
  /** The model drops the packet at this namespace's route lookup. */
  modelDrops: boolean;
  modelDevice: string | null;
  modelRoute: string | null;
}

function queriesOf(direction: 'request' | 'reply', hops: readonly TraceHop[], hosts: readonly LiveHostModel[]): RouteQueryOnPath[] {
  const queries = new Map<string, RouteQueryOnPath>();
  for (const hop of hops) {
    if (hop.step !== 'route' && hop.step !== 'deliver') continue;
    const key = `${hop.host}\0${hop.namespace}`;
    const ns = namespaceOn(hosts, hop.host, hop.namespace);
    const destination = packetDestination(hop.packet)?.address;
    if (queries.has(key) || !ns || !destination) continue;
    const routed = hop.step === 'route';
    // A route hop that drops (no route, an unreachable gateway, a blackhole) sends the packet nowhere.
    const drops = routed && hop.says.startsWith('dropped');
    queries.set(key, {
      direction, host: hop.host, ns, destination, modelDrops: drops,
      modelDevice: drops ? null : routed ? hop.interface : 'local',
      modelRoute: routed ? hop.by ?? (drops ? hop.says : null) : null,
    });
  }
  return [...queries.values()];
}

/** At most this many `ip route get` calls per check. */
const MAX_ROUTE_QUERIES = 24;

/** One `ip route get` per namespace that routes or receives the request, then the reply. */
export function routeQueriesOf(result: TraceResult, hosts: readonly LiveHostModel[]): RouteQueryOnPath[] {
  return [...queriesOf('request', result.hops, hosts), ...queriesOf('reply', result.reply, hosts)].slice(0, MAX_ROUTE_QUERIES);
}

/** The out interface of an `ip route get` answer, `local` for a local address, null for no route. */
export function kernelDeviceOf(answer: string): string | null {
  if (/^(unreachable|blackhole|prohibit|throw)\b/.test(answer) || /RTNETLINK|Error|error/.test(answer)) return null;
  if (/^local\b/.test(answer)) return 'local';
  return /\bdev (\S+)/.exec(answer)?.[1] ?? null;
}

export function liveRoute(query: RouteQueryOnPath, answer: string): LiveRoute {
  const kernelDevice = kernelDeviceOf(answer);
  return {
    direction: query.direction, host: query.host, namespace: query.ns.name, destination: query.destination,
    kernel: answer, kernelDevice, modelDevice: query.modelDevice, modelRoute: query.modelRoute,
    agrees: query.modelDrops ? kernelDevice === null : query.modelDevice === null ? null : kernelDevice === query.modelDevice,
  };
}

function deviceWords(device: string | null): string {
  if (device === null) return 'has no route';
  return device === 'local' ? 'delivers it locally' : `sends it out ${device}`;
}

/** Which step the model got wrong, as far as the kernel's route lookups show it. */
export function wrongStepOf(result: TraceResult, routes: readonly LiveRoute[], liveReachable: boolean): string {
  const wrong = routes.find((r) => r.agrees === false);
  if (wrong) {
    const model = wrong.modelRoute ? ` (by ${wrong.modelRoute})` : '';
    return `The model's route step is wrong in ${wrong.namespace} (${wrong.direction}): for ${wrong.destination} the model ${deviceWords(wrong.modelDevice)}${model}, the kernel ${deviceWords(wrong.kernelDevice)} (${wrong.kernel}).`;
  }
  const routesAgree = 'Every route lookup on the path agrees with the kernel';
  const uncertain = result.uncertain ? ` The trace was uncertain: ${result.assumptions.map((a) => `${a.namespace}: ${a.assumed}`).join('; ')}.` : '';
  if (liveReachable && result.drop) {
    const drop = result.drop;
    return `${routesAgree}, so the model's drop is wrong: it says ${drop.direction === 'reply' ? 'the reply is' : 'the packet is'} dropped in ${drop.namespace}${drop.interface ? ` at ${drop.interface}` : ''} (${drop.reason}${drop.rule ? ` — ${drop.rule}` : ''}), but the real packet got through.${uncertain}`;
  }
  if (liveReachable) return `${routesAgree}; the real packet got through where the model says it does not.${uncertain}`;
  return `${routesAgree}, so something the model does not see stops the real packet: a filter rule, NAT, a sysctl, a neighbour or a link it reads differently.${uncertain}`;
}
