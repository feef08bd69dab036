// Who owns an address, and which subnets an interface is on: the facts ARP and local delivery rest on.

import { cidrContains, formatCidr, formatIp, networkOf, parseCidr, parseIp, type Cidr } from '../model/cidr';
import type { Namespace, NetInterface, Topology } from '../model/topology';

export function ipOf(text: string): ReturnType<typeof parseIp> {
  return parseIp(text);
}

/** The interface's addresses as CIDRs (unparsable ones left out). */
export function cidrsOf(iface: NetInterface): Cidr[] {
  return iface.addresses.map(parseCidr).filter((c): c is Cidr => c !== null);
}

/** The address part of an interface address (`10.0.0.1/24` → `10.0.0.1`). */
export function addressPart(cidr: Cidr): string {
  return formatIp({ family: cidr.family, value: cidr.address });
}

/**
 * The interface of the namespace that holds this address, if any. An address on a link that is down is not
 * local: the kernel takes its local route away with the link.
 */
export function localInterfaceFor(ns: Namespace, address: string): NetInterface | null {
  const ip = parseIp(address);
  if (!ip) return null;
  for (const iface of ns.interfaces) {
    if (iface.state !== 'up') continue;
    for (const cidr of cidrsOf(iface)) {
      if (cidr.family === ip.family && cidr.address === ip.value) return iface;
      // lo's 127.0.0.1/8 makes the whole 127/8 local.
      if (iface.kind === 'loopback' && cidrContains(cidr, ip)) return iface;
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
  const ip = parseIp(address);
  if (!ip) return null;
  return cidrsOf(iface).find((cidr) => cidrContains(cidr, ip)) ?? null;
}

export function subnetText(cidr: Cidr): string {
  return formatCidr(networkOf(cidr));
}

/** The namespace of a topology that owns an address. */
export function ownerOf(topology: Topology, address: string): Namespace | null {
  return topology.namespaces.find((ns) => ownsAddress(ns, address)) ?? null;
}
