// Reads the routing records of the Perl netlink reader (probe-perl-routing.ts): P (policy rules),
// C (IPv4 netconf: rp_filter per interface), S (IPv6 forwarding), B (bridge-nf-call), and U (routes of tables other
// than main and local, in the R record's fields after the table). Pure.

import type { NamespaceSysctls } from '../model/routing';
import { ipFromHex } from './probe-netlink-lines';
import { protocolName, routeTypeName, type RawRoute } from './probe-raw';
import { tableName, type RawRouting, type RuleFacts } from './probe-routing';

const AF_INET = 2;
const AF_INET6 = 10;
const NETCONFA_IFINDEX_ALL = -1;
const NETCONFA_IFINDEX_DEFAULT = -2;
const FIB_RULE_INVERT = 0x2;
const FIB_RULE_UNRESOLVED = 0x4;
const FIB_RULE_IIF_DETACHED = 0x8;
const FIB_RULE_OIF_DETACHED = 0x10;
const FR_ACTIONS: Record<number, string> = { 1: 'lookup', 2: 'goto', 3: 'nop' };
/** getprotobynumber's names for the protocols rules match on (/etc/protocols); ip falls back to ipproto-N. */
const IP_PROTOCOLS: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 33: 'dccp', 47: 'gre', 50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 132: 'sctp' };

function int(field: string | undefined): number | null {
  if (field === undefined || !/^-?\d+$/.test(field)) return null;
  return Number(field);
}

function text(hex: string | undefined): string | null {
  if (hex === undefined || hex === '-' || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('utf8');
}

function range(field: string | undefined): [number, number] | null {
  const m = /^(\d+),(\d+)$/.exec(field ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function prefix(hex: string | undefined, length: number | null): string | null {
  const ip = ipFromHex(hex);
  if (ip !== null) return `${ip}/${length ?? 0}`;
  // A prefix length with no address is `from 0/LEN`.
  return length ? `0/${length}` : null;
}

function realms(value: number | null): string | null {
  if (value === null) return null;
  const from = value >>> 16;
  const to = value & 0xffff;
  return from ? `${from}/${to}` : String(to);
}

//  0 1      2        3     4      5     6       7   8       9   10  11  12  13     14     15   16     17                 18               19        20      21          22          23       24     25
//  P family priority flags action table src-len src dst-len dst tos iif oif fwmark fwmask goto l3mdev suppress-prefixlen suppress-ifgroup uid-range ipproto sport-range dport-range protocol realms tun-id
export function parseRuleRecord(f: readonly string[]): RuleFacts | null {
  const family = int(f[1]) === AF_INET ? 4 : int(f[1]) === AF_INET6 ? 6 : null;
  const flags = int(f[3]);
  const action = int(f[4]);
  if (family === null || flags === null || action === null) return null;
  const table = int(f[5]);
  const tos = int(f[10]) ?? 0;
  const fwmask = int(f[14]);
  const suppressPrefixlength = int(f[17]);
  const suppressIfgroup = int(f[18]);
  const ipproto = int(f[20]);
  const name = FR_ACTIONS[action] ?? routeTypeName(action);
  return {
    family,
    priority: int(f[2]) ?? 0,
    invert: (flags & FIB_RULE_INVERT) !== 0,
    from: prefix(f[7], int(f[6])),
    to: prefix(f[9], int(f[8])),
    tos: tos ? `0x${tos.toString(16).padStart(2, '0')}` : null,
    fwmark: int(f[13]),
    fwmask: fwmask === null || fwmask === 0xffffffff ? null : fwmask,
    iif: text(f[11]),
    iifDetached: (flags & FIB_RULE_IIF_DETACHED) !== 0,
    oif: text(f[12]),
    oifDetached: (flags & FIB_RULE_OIF_DETACHED) !== 0,
    l3mdev: (int(f[16]) ?? 0) !== 0,
    uidRange: range(f[19]),
    ipproto: ipproto === null ? null : IP_PROTOCOLS[ipproto] ?? `ipproto-${ipproto}`,
    sport: range(f[21]),
    dport: range(f[22]),
    tunId: /^[0-9a-f]{16}$/.test(f[25] ?? '') ? BigInt(`0x${f[25]}`).toString() : null,
    table: table ? tableName(table) : null,
    suppressPrefixlength: suppressPrefixlength === null || suppressPrefixlength === -1 ? null : suppressPrefixlength,
    suppressIfgroup: suppressIfgroup === null || suppressIfgroup === -1 ? null : suppressIfgroup === 0 ? 'default' : String(suppressIfgroup),
    realms: realms(int(f[24])),
    action: name,
    goto: name === 'goto' ? int(f[15]) : null,
    unresolved: (flags & FIB_RULE_UNRESOLVED) !== 0,
    protocol: int(f[23]) === null ? null : protocolName(int(f[23])!),
  };
}

function flag(field: string | undefined): boolean | null {
  const value = int(field);
  return value === null ? null : value !== 0;
}

/**
 * The routing records of one namespace, or null when the reader printed none (an older probe): B is
 * printed last, always. `parseRoute` reads a U record's route fields as the R record's. The P records
 * come parsed (parseRuleRecord), in their order.
 */
export function parseRoutingRecords(
  lines: readonly string[][], names: Map<number, string>, parseRoute: (fields: string[]) => RawRoute | null, rules: RuleFacts[],
): RawRouting | null {
  const bridge = lines.find((f) => f[0] === 'B');
  if (!bridge) return null;
  const routing: RawRouting = { rules, tables: [], sysctls: emptySysctls() };
  routing.sysctls.bridgeNfCallIptables = flag(bridge[1]);
  routing.sysctls.bridgeNfCallIp6tables = flag(bridge[2]);
  const rp: NonNullable<NamespaceSysctls['rpFilter']> = { all: 0, default: 0, interfaces: {} };
  let rpSeen = false;
  for (const f of lines) {
    if (f[0] === 'U') {
      const table = int(f[1]);
      const route = parseRoute(['R', ...f.slice(2)]);
      if (table !== null && table !== 254 && table !== 255 && route) routing.tables.push({ table: tableName(table), route });
    } else if (f[0] === 'S') {
      routing.sysctls.ipv6Forwarding = flag(f[1]);
    } else if (f[0] === 'C') {
      const family = int(f[1]);
      const index = int(f[2]);
      const value = int(f[4]);
      if (family !== AF_INET || index === null || value === null) continue;
      if (index === NETCONFA_IFINDEX_ALL) { rp.all = value; rpSeen = true; }
      else if (index === NETCONFA_IFINDEX_DEFAULT) rp.default = value;
      else setOwn(rp.interfaces, names.get(index) ?? `if${index}`, value);
    }
  }
  if (rpSeen) routing.sysctls.rpFilter = rp;
  return routing;
}

export function emptySysctls(): NamespaceSysctls {
  return { ipv6Forwarding: null, rpFilter: null, bridgeNfCallIptables: null, bridgeNfCallIp6tables: null };
}

/** An own property even for a name such as `__proto__`: interface names are any bytes. */
export function setOwn(record: Record<string, number>, key: string, value: number): void {
  // Only __proto__ is not an own property when assigned; defining one is slow, so only it is defined.
  if (key !== '__proto__') record[key] = value;
  else Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
