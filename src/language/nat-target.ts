// The `to` of snat and dnat: an address (with an optional range and ports), or a namespace that stands
// for its address. The checker and the lowering resolve it the same way through here.

import { formatCidr, formatIp, networkOf, parseCidr, parseIp } from '../model/cidr';
import { parseNatAddress, type NatAddress } from '../model/nat-address';
import type { NatRuleModel, PlaceModel } from './model';
import { addressText } from './net';

/** IPv4 addresses a namespace could be reached at, lo left out. */
export function namespaceIpv4(place: PlaceModel): string[] {
  const out: string[] = [];
  for (const iface of place.order) {
    if (iface.kind === 'loopback') continue;
    for (const address of iface.addresses) if (address.cidr?.family === 4) out.push(addressText(address));
  }
  return [...new Set(out)];
}

export type ResolvedTo =
  | { kind: 'address'; address: NatAddress }
  | { kind: 'error'; message: string; code: string };

export function resolveNatTo(rule: NatRuleModel): ResolvedTo | null {
  const to = rule.node.to;
  if (!to) return null;
  if (to.namespace) {
    const place = rule.toNamespace;
    if (!place) return { kind: 'error', code: 'VN-NAME-UNKNOWN', message: '' };
    const addresses = namespaceIpv4(place);
    if (addresses.length !== 1) {
      return {
        kind: 'error',
        code: 'VN-NAT-TARGET-AMBIGUOUS',
        message: addresses.length === 0
          ? `${place.name} has no IPv4 address to translate to. Give it one, or write the address instead of the namespace.`
          : `${place.name} has several IPv4 addresses (${addresses.join(', ')}). Write the one to use instead of the namespace name.`,
      };
    }
    const text = to.port ? `${addresses[0]}:${to.port.text}` : addresses[0];
    const parsed = parseNatAddress(text);
    if ('error' in parsed) return { kind: 'error', code: 'VN-NAT-PORT', message: parsed.error };
    return { kind: 'address', address: parsed };
  }
  const parsed = parseNatAddress(to.text);
  if ('error' in parsed) return { kind: 'error', code: 'VN-NAT-TO', message: parsed.error };
  return { kind: 'address', address: parsed };
}

/** A src/dst match value as iptables-save prints it: a single address as /32 (or /128). */
export function canonicalMatchAddress(text: string): string | null {
  const ip = parseIp(text);
  if (ip) return `${formatIp(ip)}/${ip.family === 4 ? 32 : 128}`;
  // iptables stores the network of a subnet match, so that is what a live host shows.
  const cidr = parseCidr(text);
  return cidr ? formatCidr(networkOf(cidr)) : null;
}
