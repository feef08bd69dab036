// The Reachability Matrix: every ordered pair of a host's namespaces (and the LAN, when the host has an
// outward interface with an address) traced for ICMP by the trace engine, statically. Pure.

import { formatIp, networkOf, parseCidr, type Cidr } from '../model/cidr';
import { describeError } from '../model/errors';
import type { MatrixCell, MatrixEndpoint, ReachabilityMatrix } from '../model/matrix-protocol';
import type { Topology } from '../model/topology';
import { leadsOut } from '../trace/links';
import { trace } from '../trace/index';

function firstAddress(topology: Topology, name: string): string | null {
  const ns = topology.namespaces.find((n) => n.name === name)!;
  for (const iface of ns.interfaces) {
    if (iface.kind === 'loopback') continue;
    const cidr = iface.addresses.map(parseCidr).find((c): c is Cidr => c?.family === 4) ?? null;
    if (cidr) return formatIp({ family: 4, value: cidr.address });
  }
  return null;
}

function isHeld(topology: Topology, value: bigint): boolean {
  return topology.namespaces.some((ns) => ns.interfaces.some((i) => i.addresses.some((a) => {
    const cidr = parseCidr(a);
    return cidr?.family === 4 && cidr.address === value;
  })));
}

/** The root namespace's IPv4 default gateway, when it has one: a LAN neighbour that really answers. */
function defaultGateway(topology: Topology): string | null {
  const root = topology.namespaces.find((ns) => ns.root);
  const route = root?.routes.find((r) => r.to === 'default' && r.via !== null && parseCidr(`${r.via}/32`)?.family === 4);
  return route?.via ?? null;
}

/**
 * An address on the LAN of the host's first outward interface that is up and has an IPv4 subnet: its
 * default gateway when the root namespace has one, else the lowest host address of the subnet no namespace
 * holds (a stand-in neighbour, as far as the host can tell).
 */
export function lanAddress(topology: Topology): string | null {
  const gateway = defaultGateway(topology);
  for (const ns of topology.namespaces) {
    for (const iface of ns.interfaces.filter((i) => leadsOut(i) && i.state === 'up')) {
      const master = iface.master ? ns.interfaces.find((i) => i.name === iface.master) : undefined;
      for (const text of [...iface.addresses, ...(master?.addresses ?? [])]) {
        const cidr = parseCidr(text);
        if (!cidr || cidr.family !== 4 || cidr.prefix > 30) continue;
        const gatewayIp = gateway ? parseCidr(`${gateway}/32`) : null;
        if (gatewayIp && networkOf({ ...gatewayIp, prefix: cidr.prefix }).address === networkOf(cidr).address) return gateway;
        const base = networkOf(cidr).address;
        const size = 1n << BigInt(32 - cidr.prefix);
        for (let value = base + 1n; value < base + size - 1n && value < base + 256n; value++) {
          if (!isHeld(topology, value)) return formatIp({ family: 4, value });
        }
      }
    }
  }
  return null;
}

export function matrixEndpoints(topology: Topology): MatrixEndpoint[] {
  const endpoints: MatrixEndpoint[] = topology.namespaces.map((ns) => {
    const address = firstAddress(topology, ns.name);
    return { name: ns.name, label: ns.name, address, lan: false, pingable: address !== null };
  });
  const lan = lanAddress(topology);
  if (lan) endpoints.push({ name: lan, label: `LAN (${lan})`, address: lan, lan: true, pingable: lan === defaultGateway(topology) });
  return endpoints;
}

function cellOf(topology: Topology, from: MatrixEndpoint, to: MatrixEndpoint): MatrixCell {
  const base = { from: from.name, to: to.name };
  if (!to.address) return { ...base, outcome: 'n/a', why: `${to.label} has no IPv4 address to reach` };
  if (from.lan && to.lan) return { ...base, outcome: 'n/a', why: 'both ends are outside the host' };
  try {
    const result = trace(topology, { from: from.name, to: to.address, protocol: 'icmp', port: null });
    const verdict = result.reachable ? 'reachable'
      : result.drop ? `${result.drop.direction === 'reply' ? 'reply ' : ''}dropped in ${result.drop.namespace}: ${result.drop.reason}` : 'not reachable';
    if (result.uncertain) return { ...base, outcome: 'uncertain', why: `${verdict}, assuming ${result.assumptions.map((a) => a.assumed).join('; ')}` };
    return result.reachable ? { ...base, outcome: 'reachable', why: '' } : { ...base, outcome: 'dropped', why: verdict };
  } catch (error) {
    return { ...base, outcome: 'n/a', why: describeError(error) };
  }
}

/** Each ordered pair's cell, row by row, one at a time: a caller on a busy thread can pause between them. */
export function* matrixCells(topology: Topology, endpoints: readonly MatrixEndpoint[]): Generator<MatrixCell> {
  for (const from of endpoints) for (const to of endpoints) if (from !== to) yield cellOf(topology, from, to);
}

export function reachabilityMatrix(host: string, topology: Topology): ReachabilityMatrix {
  const endpoints = matrixEndpoints(topology);
  return { host, endpoints, cells: [...matrixCells(topology, endpoints)] };
}
