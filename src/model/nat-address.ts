// The address a SNAT or DNAT rule translates to, as iptables spells it: `10.0.0.2`, `10.0.0.2:80`,
// `10.0.0.2-10.0.0.9:80-90`, or `[fd00::2]:80` for IPv6. Parsed once here for the language, the planner's
// checks, the tree's forms and the diagram.

import { formatIp, parseIp, type IpAddress } from './cidr';
import { validPort } from './ports';

export interface NatAddress {
  /** The first address of the range: what DNAT sends to. */
  first: IpAddress;
  /** The value as iptables-save prints it. */
  canonical: string;
  port: string | null;
}

export function parseNatAddress(text: string): NatAddress | { error: string } {
  const split = splitPort(text);
  if ('error' in split) return split;
  const { host, port } = split;
  const range = host.split('-');
  const ips = range.map(parseIp);
  if (range.length > 2 || ips.some((ip) => ip === null)) {
    return { error: `"${host}" is not an address. Write an address such as 192.168.0.2, optionally with :PORT.` };
  }
  const [first, last] = ips as IpAddress[];
  if (last && last.family !== first.family) return { error: 'Both ends of an address range must be of one family.' };
  if (port !== null && !validPort(port, '-')) return { error: `Port "${port}" must be a number from 1 to 65535, or a range like 8000-8080.` };
  const hostText = ips.map((ip) => formatIp(ip!)).join('-');
  const canonical = port === null ? hostText : first.family === 6 ? `[${hostText}]:${port}` : `${hostText}:${port}`;
  return { first, canonical, port };
}

/** `[v6]:port`, `v4:port` or a bare address (range); an IPv6 address without brackets has no port. */
function splitPort(text: string): { host: string; port: string | null } | { error: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return { error: 'Close the IPv6 address with "]", e.g. [fd00::2]:80.' };
    const rest = text.slice(close + 1);
    if (rest.startsWith(':')) return { host: text.slice(1, close), port: rest.slice(1) };
    if (rest !== '') return { error: 'After [ADDRESS] write :PORT or nothing.' };
    return { host: text.slice(1, close), port: null };
  }
  if (parseIp(text) === null) {
    const colon = text.lastIndexOf(':');
    if (colon > 0 && !text.slice(0, colon).includes(':')) return { host: text.slice(0, colon), port: text.slice(colon + 1) };
  }
  return { host: text, port: null };
}

/** The address a translation lands on (the first of a range), or null when the text is not a NAT address. */
export function natAddressIp(text: string): string | null {
  const parsed = parseNatAddress(text);
  return 'error' in parsed ? null : formatIp(parsed.first);
}
