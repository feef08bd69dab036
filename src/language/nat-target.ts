// The `to` of snat and dnat: an address (with an optional range and ports), or a namespace that stands
// for its address. The checker and the lowering resolve it the same way through here.

import { formatCidr, formatIp, networkOf, parseCidr, parseIp, type IpAddress } from '../model/cidr';
import type { NatRuleModel, PlaceModel } from './model';
import { addressText } from './net';

export interface NatAddress {
  /** The first address of the range: what DNAT sends to. */
  first: IpAddress;
  /** The value as iptables-save prints it. */
  canonical: string;
  port: string | null;
}

/** A port or a range: `-` between the ends in DNAT targets, `:` in a `--dport` match (iptables' own spellings). */
export function validPort(text: string, separator: '-' | ':' = '-'): boolean {
  const parts = text.split(separator);
  if (parts.length > 2 || parts.some((p) => !/^[0-9]{1,5}$/.test(p))) return false;
  const numbers = parts.map(Number);
  return numbers.every((n) => n >= 1 && n <= 65535) && (numbers.length === 1 || numbers[0] <= numbers[1]);
}

export function parseNatAddress(text: string): NatAddress | { error: string } {
  let host = text;
  let port: string | null = null;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { error: 'Close the IPv6 address with "]", e.g. [fd00::2]:80.' };
    host = text.slice(1, close);
    const rest = text.slice(close + 1);
    if (rest.startsWith(':')) port = rest.slice(1);
    else if (rest !== '') return { error: 'After [ADDRESS] write :PORT or nothing.' };
  } else if (parseIp(text) === null) {
    const colon = text.lastIndexOf(':');
    if (colon > 0 && !text.slice(0, colon).includes(':')) {
      host = text.slice(0, colon);
      port = text.slice(colon + 1);
    }
  }
  const range = host.split('-');
  const ips = range.map(parseIp);
  if (range.length > 2 || ips.some((ip) => ip === null)) {
    return { error: `"${host}" is not an address. Write an address such as 192.168.0.2, optionally with :PORT.` };
  }
  const [first, last] = ips as IpAddress[];
  if (last && last.family !== first.family) return { error: 'Both ends of an address range must be of one family.' };
  if (port !== null && !validPort(port)) return { error: `Port "${port}" must be a number from 1 to 65535, or a range like 8000-8080.` };
  const hostText = ips.map((ip) => formatIp(ip!)).join('-');
  const canonical = port === null ? hostText : first.family === 6 ? `[${hostText}]:${port}` : `${hostText}:${port}`;
  return { first, canonical, port };
}

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
