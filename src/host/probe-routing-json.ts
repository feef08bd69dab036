// Reads routing beyond the main table from what the ip method prints for one namespace (probe-script.ts
// IP_NAMESPACE): `rule show` (IPv4) and `route show table all`/`netconf show` in the ip -batch, then
// `{"rules6":[…]}` (ip -6 rule show) and `{"bridgeNf":["V4","V6"]}`, which also says the rest was read.
// The same facts as the netlink records (probe-routing-lines.ts). Pure.

import { canonicalCidr } from '../model/cidr';
import type { NamespaceSysctls } from '../model/routing';
import { routeOfEntry, tableOfEntry } from './probe-ip-json';
import type { RawRouting, RuleFacts } from './probe-routing';
import { emptySysctls, setOwn } from './probe-routing-lines';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const RP_FILTER: Record<string, number> = { off: 0, strict: 1, loose: 2 };

/** `ip -j rule show` prints `priority` and `src` in every rule; no route, link or netconf entry has them. */
export function isRuleDocument(entries: readonly Json[]): boolean {
  return entries.length > 0 && entries.every((e) => 'priority' in e && 'src' in e);
}

function prefix(address: unknown, length: unknown, family: 4 | 6): string | null {
  const ip = str(address);
  if (ip === null || ip === 'all') return null;
  const len = num(length) ?? (family === 4 ? 32 : 128);
  return ip === '0' ? `0/${len}` : canonicalCidr(`${ip}/${len}`);
}

function hex(value: unknown): number | null {
  const text = str(value);
  return text !== null && /^(0x[0-9a-f]+|0)$/i.test(text) ? Number(text) : null;
}

function portRange(e: Json, name: string): [number, number] | null {
  const single = num(e[name]);
  if (single !== null) return [single, single];
  const start = num(e[`${name}_start`]);
  const end = num(e[`${name}_end`]);
  return start !== null && end !== null ? [start, end] : null;
}

function actionOf(e: Json): string {
  if ('goto' in e) return 'goto';
  if ('nop' in e) return 'nop';
  return str(e.action) ?? 'lookup';
}

export function ruleOfEntry(e: Json, family: 4 | 6): RuleFacts {
  const uidStart = num(e.uid_start);
  const uidEnd = num(e.uid_end);
  const fwmask = hex(e.fwmask);
  const flowTo = str(e.flow_to);
  const flowFrom = str(e.flow_from);
  const tunId = num(e.tun_id);
  return {
    family,
    priority: num(e.priority) ?? 0,
    invert: 'not' in e,
    from: prefix(e.src, e.srclen, family),
    to: prefix(e.dst, e.dstlen, family),
    tos: str(e.tos),
    fwmark: hex(e.fwmark),
    fwmask: fwmask === 0xffffffff ? null : fwmask,
    iif: str(e.iif),
    iifDetached: 'iif_detached' in e,
    oif: str(e.oif),
    oifDetached: 'oif_detached' in e,
    l3mdev: 'l3mdev' in e,
    uidRange: uidStart !== null && uidEnd !== null ? [uidStart, uidEnd] : null,
    ipproto: str(e.ipproto),
    sport: portRange(e, 'sport'),
    dport: portRange(e, 'dport'),
    tunId: tunId === null ? null : String(tunId),
    table: str(e.table),
    suppressPrefixlength: num(e.suppress_prefixlen),
    suppressIfgroup: str(e.suppress_ifgroup),
    realms: flowTo === null ? null : flowFrom !== null ? `${flowFrom}/${flowTo}` : flowTo,
    action: actionOf(e),
    goto: num(e.goto),
    unresolved: 'unresolved' in e,
    protocol: str(e.protocol),
  };
}

function flag(value: unknown): boolean | null {
  const text = str(value);
  return text !== null && /^\d+$/.test(text) ? text !== '0' : null;
}

function sysctlsOf(netconf: readonly Json[], bridgeNf: unknown[]): NamespaceSysctls {
  const sysctls = emptySysctls();
  sysctls.bridgeNfCallIptables = flag(bridgeNf[0]);
  sysctls.bridgeNfCallIp6tables = flag(bridgeNf[1]);
  const v6 = netconf.find((e) => e.family === 'inet6' && e.interface === 'all');
  if (v6 && 'forwarding' in v6) sysctls.ipv6Forwarding = v6.forwarding === true || v6.forwarding === 'on' || v6.forwarding === 1;
  const rpOf = (e: Json | undefined): number | null => (e ? RP_FILTER[str(e.rp_filter) ?? ''] ?? num(e.rp_filter) : null);
  const all = rpOf(netconf.find((e) => e.family === 'inet' && e.interface === 'all'));
  if (all === null) return sysctls;
  const rp: NonNullable<NamespaceSysctls['rpFilter']> = { all, default: rpOf(netconf.find((e) => e.family === 'inet' && e.interface === 'default')) ?? 0, interfaces: {} };
  for (const e of netconf) {
    const name = str(e.interface);
    const value = rpOf(e);
    if (e.family === 'inet' && name !== null && name !== 'all' && name !== 'default' && value !== null) setOwn(rp.interfaces, name, value);
  }
  sysctls.rpFilter = rp;
  return sysctls;
}

/** Null when the namespace's output has no bridgeNf document (an older probe, or cut short). */
export function routingOfIpJson(values: readonly unknown[]): RawRouting | null {
  const objects = values.filter(isObject);
  const bridge = objects.find((o) => Array.isArray(o.bridgeNf));
  if (!bridge) return null;
  const routing: RawRouting = { rules: [], tables: [], sysctls: emptySysctls() };
  let netconf: Json[] = [];
  for (const value of values) {
    if (!Array.isArray(value)) continue;
    const entries = value.filter(isObject);
    if (isRuleDocument(entries)) routing.rules.push(...entries.map((e) => ruleOfEntry(e, 4)));
    else if (entries.length && entries.every((e) => 'interface' in e && 'family' in e)) netconf = entries;
    else if (!entries.every((e) => 'ifindex' in e)) {
      for (const entry of entries) {
        const table = tableOfEntry(entry);
        if (table === 'main' || table === '254' || table === 'local' || table === '255') continue;
        const route = routeOfEntry(entry);
        if (route) routing.tables.push({ table: table === '253' ? 'default' : table, route });
      }
    }
  }
  for (const o of objects) {
    if (Array.isArray(o.rules6)) routing.rules.push(...o.rules6.filter(isObject).map((e) => ruleOfEntry(e, 6)));
  }
  routing.sysctls = sysctlsOf(netconf, bridge.bridgeNf as unknown[]);
  return routing;
}
