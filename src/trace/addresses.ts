// Who owns an address, and which subnets an interface is on: the facts ARP and local delivery rest on.

import { canonicalIp, formatCidr, formatIp, networkOf, parseCidr, parseIp, type Cidr, type IpAddress } from '../model/cidr';
import type { Namespace, NetInterface, Topology } from '../model/topology';

/**
 * Parsed addresses by their text: a trace asks who owns an address of every namespace on a bridge, so
 * each is parsed once, not once a question (bounded, since an extension host runs for days).
 */
const parsedCidrs = new Map<string, Cidr | null>();
const PARSED_LIMIT = 100_000;

/** A CIDR parsed once. */
export function cidrOf(text: string): Cidr | null {
  let cidr = parsedCidrs.get(text);
  if (cidr === undefined) {
    if (parsedCidrs.size >= PARSED_LIMIT) parsedCidrs.clear();
    cidr = parseCidr(text);
    parsedCidrs.set(text, cidr);
  }
  return cidr;
}

const parsedIps = new Map<string, IpAddress | null>();

/** An address parsed once (see parsedCidrs). */
export function ipOf(text: string): IpAddress | null {
  let ip = parsedIps.get(text);
  if (ip === undefined) {
    if (parsedIps.size >= PARSED_LIMIT) parsedIps.clear();
    ip = parseIp(text);
    parsedIps.set(text, ip);
  }
  return ip;
}

const masks: Record<4 | 6, bigint[]> = { 4: [], 6: [] };

export function maskOf(family: 4 | 6, prefix: number): bigint {
  const known = masks[family][prefix];
  if (known !== undefined) return known;
  const bits = BigInt(family === 4 ? 32 : 128);
  const mask = prefix === 0 ? 0n : (((1n << bits) - 1n) >> (bits - BigInt(prefix))) << (bits - BigInt(prefix));
  masks[family][prefix] = mask;
  return mask;
}

/** Whether the CIDR's subnet holds the address (cidrContains, with its masks made once). */
export function contains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const mask = maskOf(cidr.family, cidr.prefix);
  return (ip.value & mask) === (cidr.address & mask);
}

const canonical = new Map<string, string>();

/** An address in its one spelling, made once (see parsedCidrs). */
export function canonicalOf(text: string): string {
  let spelled = canonical.get(text);
  if (spelled === undefined) {
    if (canonical.size >= PARSED_LIMIT) canonical.clear();
    spelled = canonicalIp(text);
    canonical.set(text, spelled);
  }
  return spelled;
}

/** The interface's addresses as CIDRs (unparsable ones left out). */
export function cidrsOf(iface: NetInterface): Cidr[] {
  const cidrs: Cidr[] = [];
  for (const text of iface.addresses) {
    const cidr = cidrOf(text);
    if (cidr) cidrs.push(cidr);
  }
  return cidrs;
}

/** The address part of an interface address (`10.0.0.1/24` → `10.0.0.1`). */
export function addressPart(cidr: Cidr): string {
  return formatIp({ family: cidr.family, value: cidr.address });
}

/**
 * The interface of the namespace that holds this address, if any. An IPv4 address stays local when its
 * link is down (the kernel keeps its local route; only the connected route goes: the accuracy gate met
 * it in scenario F), so it is still delivered when it comes in by another link. An IPv6 address on a
 * link that is down is not (the kernel takes it away, unless keep_addr_on_down), nor is lo's while lo is down.
 */
export function localInterfaceFor(ns: Namespace, address: string): NetInterface | null {
  const ip = ipOf(address);
  if (!ip) return null;
  for (const iface of ns.interfaces) {
    if (iface.state !== 'up' && (ip.family === 6 || iface.kind === 'loopback')) continue;
    for (const cidr of cidrsOf(iface)) {
      if (cidr.family === ip.family && cidr.address === ip.value) return iface;
      // lo's 127.0.0.1/8 makes the whole 127/8 local.
      if (iface.kind === 'loopback' && contains(cidr, ip)) return iface;
    }
  }
  return null;
}

export function ownsAddress(ns: Namespace, address: string): boolean {
  return localInterfaceFor(ns, address) !== null;
}

/** The first address of a namespace people mean by its name: its first non-loopback address of the family. */
export function firstAddress(ns: Namespace, family: 4 | 6 | null = 4): string | null {
  for (const iface of ns.interfaces) {
    if (iface.kind === 'loopback') continue;
    for (const cidr of cidrsOf(iface)) if (family === null || cidr.family === family) return addressPart(cidr);
  }
  return null;
}

/** The interface address whose subnet holds `address`, on this interface. */
export function addressInSubnet(iface: NetInterface, address: string): Cidr | null {
  const ip = ipOf(address);
  if (!ip) return null;
  return cidrsOf(iface).find((cidr) => contains(cidr, ip)) ?? null;
}

export function subnetText(cidr: Cidr): string {
  return formatCidr(networkOf(cidr));
}

/** The namespace of a topology that owns an address. */
export function ownerOf(topology: Topology, address: string): Namespace | null {
  return topology.namespaces.find((ns) => ownsAddress(ns, address)) ?? null;
}
