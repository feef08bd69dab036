// A fast path for the common case of dotted IPv4 addresses. A 10k-line file holds thousands of them and
// the editor re-reads it on every keystroke; parsing one here costs a character loop and a single BigInt.
// Anything else (IPv6, odd spellings) falls through to src/model/cidr.ts, so results are identical.

import { cidrContains, formatCidr, formatIp, hasHostBits, networkOf, parseCidr, parseIp, type Cidr, type IpAddress } from '../model/cidr';

/** The IPv4 value of text[start, end) as a number, or -1 when it is not a strict dotted quad. */
function ipv4Value(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    if (code === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + octet;
      octet = 0; digits = 0; dots++; leadingZero = false;
      continue;
    }
    if (code < 48 || code > 57) return -1;
    if (leadingZero || digits === 3) return -1;
    if (digits === 0 && code === 48) leadingZero = true;
    octet = octet * 10 + (code - 48);
    if (octet > 255) return -1;
    digits++;
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + octet;
}

export function fastParseIp(text: string): IpAddress | null {
  const v4 = ipv4Value(text, 0, text.length);
  if (v4 >= 0) return { family: 4, value: BigInt(v4) };
  return text.includes(':') ? parseIp(text) : null;
}

export function fastParseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const v4 = ipv4Value(text, 0, slash);
  if (v4 < 0) return text.includes(':') ? parseCidr(text) : null;
  const prefixText = text.slice(slash + 1);
  const length = prefixText.length;
  if (length === 0 || length > 2 || (length === 2 && prefixText.charCodeAt(0) === 48)) return length > 2 ? parseCidr(text) : null;
  let prefix = 0;
  for (let i = 0; i < length; i++) {
    const code = prefixText.charCodeAt(i);
    if (code < 48 || code > 57) return null;
    prefix = prefix * 10 + code - 48;
  }
  return prefix > 32 ? null : { family: 4, address: BigInt(v4), prefix };
}

/** Whether text could be an address at all (cheap): digits-and-dots or anything with a colon. */
export function looksLikeAddress(text: string): boolean {
  const first = text.charCodeAt(0);
  return (first >= 48 && first <= 57) || text.includes(':');
}

function v4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function dotted(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** formatIp, without BigInt arithmetic for IPv4. */
export function fastFormatIp(ip: IpAddress): string {
  return ip.family === 4 ? dotted(Number(ip.value)) : formatIp(ip);
}

/** formatCidr, without BigInt arithmetic for IPv4. */
export function fastFormatCidr(cidr: Cidr): string {
  return cidr.family === 4 ? `${dotted(Number(cidr.address))}/${cidr.prefix}` : formatCidr(cidr);
}

/** formatCidr(networkOf(cidr)). */
export function fastFormatNetwork(cidr: Cidr): string {
  if (cidr.family !== 4) return formatCidr(networkOf(cidr));
  return `${dotted((Number(cidr.address) & v4Mask(cidr.prefix)) >>> 0)}/${cidr.prefix}`;
}

/** cidrContains. */
export function fastContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  if (cidr.family !== 4) return cidrContains(cidr, ip);
  const mask = v4Mask(cidr.prefix);
  return ((Number(cidr.address) & mask) >>> 0) === ((Number(ip.value) & mask) >>> 0);
}

/** Whether the address of a CIDR is its network address (no host bits). */
export function isNetworkAddress(cidr: Cidr): boolean {
  if (cidr.family !== 4) return !hasHostBits(cidr);
  return ((Number(cidr.address) & v4Mask(cidr.prefix)) >>> 0) === Number(cidr.address);
}

/** The network and broadcast addresses of an IPv4 CIDR, as numbers. */
export function v4Bounds(cidr: Cidr): { network: number; broadcast: number; address: number } {
  const address = Number(cidr.address);
  const mask = v4Mask(cidr.prefix);
  const network = (address & mask) >>> 0;
  return { network, broadcast: (network | (~mask >>> 0)) >>> 0, address };
}

/** A map key for an address: equal for equal addresses, different otherwise. */
export function ipKeyOf(family: number, value: bigint): string {
  return family === 4 ? `4:${Number(value)}` : `6:${value.toString(16)}`;
}

/** A map key for the subnet of a CIDR. */
export function networkKeyOf(cidr: Cidr): string {
  if (cidr.family === 4) return `4:${(Number(cidr.address) & v4Mask(cidr.prefix)) >>> 0}/${cidr.prefix}`;
  return `6:${networkOf(cidr).address.toString(16)}/${cidr.prefix}`;
}
