// Reads what the Perl netlink reader (probe-netlink-perl.ts) prints for one namespace. Pure.
//
//   L index type flags name mtu mac master iflink link-netnsid operstate kind slave-kind alias altnames
//   A index family prefixlen scope address
//   R family dst-len protocol type dst gateway oif via [nexthop-oif nexthop-gateway]...
//   F ip_forward
//   T nf_tables-family table-name        G legacy-table-name...
//   N nsid inode   (this namespace's nsid stands for the namespace with that inode)
//   Q index kind delay-ns jitter-ns delay-corr loss duplicate reorder corrupt rate-bytes   (root qdiscs, probe-qdisc.ts)
//   P, C, S, B, U: routing beyond the main table (probe-routing-lines.ts)
//
// Every name and address is hex ("-" when absent), so no byte of a name can change the parse.

import { formatIpv6Groups } from '../model/cidr';
import { LineCache } from './probe-line-cache';
import { parseRoutingRecords, parseRuleRecord } from './probe-routing-lines';
import type { RuleFacts } from './probe-routing';
import { parseQdiscLine } from './probe-qdisc';
import { emptyNamespaceState, protocolName, routeTypeName, scopeName, operstateName, type RawAddress, type RawLink, type RawNamespaceState, type RawRoute } from './probe-raw';

const AF_INET = 2;
const AF_INET6 = 10;
const ARPHRD_LOOPBACK = 772;
const IFF_UP = 0x1;

function text(hex: string | undefined): string | null {
  if (hex === undefined || hex === '-' || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('utf8');
}

function int(field: string | undefined): number | null {
  if (field === undefined || !/^-?\d+$/.test(field)) return null;
  return Number(field);
}

function mac(hex: string | undefined): string | null {
  if (hex === undefined || hex === '-' || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** An address from its bytes: 4 are IPv4, 16 are IPv6, anything else is not an address. */
export function ipFromHex(hex: string | undefined): string | null {
  if (hex === undefined || hex === '-') return null;
  // Formatted straight from the bytes, without a BigInt: a big host has thousands.
  if (/^[0-9a-f]{8}$/.test(hex)) return `${parseInt(hex.slice(0, 2), 16)}.${parseInt(hex.slice(2, 4), 16)}.${parseInt(hex.slice(4, 6), 16)}.${parseInt(hex.slice(6), 16)}`;
  if (/^[0-9a-f]{32}$/.test(hex)) return formatIpv6Groups([0, 4, 8, 12, 16, 20, 24, 28].map((at) => parseInt(hex.slice(at, at + 4), 16)));
  return null;
}

function familyOf(value: number | null): 4 | 6 | null {
  return value === AF_INET ? 4 : value === AF_INET6 ? 6 : null;
}

function parseLink(f: string[]): RawLink | null {
  const index = int(f[1]);
  const name = text(f[4]);
  if (index === null || name === null) return null;
  const type = int(f[2]);
  const flags = int(f[3]) ?? 0;
  const operstate = int(f[10]);
  return {
    index,
    name,
    kind: text(f[11]),
    slaveKind: text(f[12]),
    loopback: type === ARPHRD_LOOPBACK,
    up: (flags & IFF_UP) !== 0,
    operstate: operstate === null ? null : operstateName(operstate),
    mtu: int(f[5]),
    mac: mac(f[6]),
    master: int(f[7]) || null,
    link: int(f[8]) || null,
    linkNetnsid: int(f[9]),
    alias: text(f[13]),
    altNames: f[14] && f[14] !== '-' ? f[14].split(',').map(text).filter((n): n is string => n !== null) : [],
  };
}

function parseAddress(f: string[]): RawAddress | null {
  const index = int(f[1]);
  const family = familyOf(int(f[2]));
  const prefix = int(f[3]);
  const scope = int(f[4]);
  const ip = ipFromHex(f[5]);
  if (index === null || family === null || prefix === null || ip === null) return null;
  return { index, family, cidr: `${ip}/${prefix}`, scope: scopeName(scope ?? 0) };
}

function parseRoute(f: string[], names: Map<number, string>): RawRoute | null {
  const family = familyOf(int(f[1]));
  const dstLen = int(f[2]);
  if (family === null || dstLen === null) return null;
  const dst = ipFromHex(f[5]);
  const to = dstLen === 0 ? 'default' : dst === null ? null : `${dst}/${dstLen}`;
  if (to === null) return null;
  const dev = (oif: string | undefined) => { const i = int(oif); return i === null ? null : names.get(i) ?? `if${i}`; };
  const nexthops = [];
  for (let i = 9; i + 1 < f.length; i += 2) nexthops.push({ via: ipFromHex(f[i + 1]), dev: dev(f[i]) });
  if (nexthops.length === 0) nexthops.push({ via: ipFromHex(f[6]) ?? ipFromHex(f[8]), dev: dev(f[7]) });
  return { to, protocol: protocolName(int(f[3]) ?? 0), type: routeTypeName(int(f[4]) ?? 1), nexthops };
}

export interface NetlinkNamespace extends RawNamespaceState {
  /** nf_tables tables as `family name` (family 2 is ip). */
  nftTables: string[];
  legacyTables: string[];
  /** The reader could not dump links, addresses or routes. */
  failed: boolean;
}

/** Line kinds that repeat across namespaces (see probe-line-cache.ts): parsed once per distinct line. */
const SHARED_KINDS = new Set(['L', 'A', 'Q', 'P']);

export function parseNetlinkLines(lines: readonly string[], cache = new LineCache()): NetlinkNamespace {
  const state: NetlinkNamespace = { ...emptyNamespaceState(), nftTables: [], legacyTables: [], failed: false };
  const routeLines: string[][] = [];
  const routingLines: string[][] = [];
  const rules: RuleFacts[] = [];
  for (const line of lines) {
    if (SHARED_KINDS.has(line[0]) && line[1] === ' ') {
      sharedLine(line, cache, state, rules);
      continue;
    }
    const f = line.split(' ');
    switch (f[0]) {
      case 'R': routeLines.push(f); break;
      case 'C': case 'S': case 'B': case 'U': routingLines.push(f); break;
      case 'F': state.forwarding = f[1] === '1'; break;
      case 'T': { const name = text(f[2]); if (name !== null) state.nftTables.push(`${f[1]} ${name}`); break; }
      case 'N': { const nsid = int(f[1]); const inode = int(f[2]); if (nsid !== null && inode !== null) state.nsidInodes.set(nsid, inode); break; }
      case 'G': state.legacyTables.push(...f.slice(1).map(text).filter((n): n is string => n !== null)); break;
      default: break;
    }
  }
  const names = new Map(state.links.map((link) => [link.index, link.name]));
  for (const f of routeLines) {
    const route = parseRoute(f, names);
    if (route) state.routes.push(route);
  }
  const routing = parseRoutingRecords(routingLines, names, (fields) => parseRoute(fields, names), rules);
  if (routing) state.routing = routing;
  return state;
}

/** An L, A, Q or P line, through the cache. */
function sharedLine(line: string, cache: LineCache, state: NetlinkNamespace, rules: RuleFacts[]): void {
  switch (line[0]) {
    case 'L': { const link = cache.of(line, (l) => parseLink(l.split(' '))); if (link) state.links.push(link); break; }
    case 'A': { const address = cache.of(line, (l) => parseAddress(l.split(' '))); if (address) state.addresses.push(address); break; }
    case 'Q': { const qdisc = cache.of(line, (l) => parseQdiscLine(l.split(' '))); if (qdisc) (state.qdiscs ??= []).push(qdisc); break; }
    default: { const rule = cache.of(line, (l) => parseRuleRecord(l.split(' '))); if (rule) rules.push(rule); break; }
  }
}
