// Reads what `ip -j -d -batch` prints for one namespace (`addr show`, `route show table all`, `netconf
// show`; `netns list` in a second look): several JSON documents one after another. Pure.
//
// iproute2's JSON writer escapes only some control characters, and an interface name or alias may hold
// others; they are escaped here before JSON.parse, so such a name still arrives exactly.

import { canonicalCidr, parseIp } from '../model/cidr';
import { emptyNamespaceState, type RawAddress, type RawLink, type RawNamespaceState, type RawRoute } from './probe-raw';
import { isRuleDocument, routingOfIpJson } from './probe-routing-json';

import { parseTcQdiscJson, type RawQdisc } from './probe-qdisc';

/** Splits concatenated JSON values and parses each. Throws on text that is not JSON. */
export function parseJsonSequence(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (start < 0) {
      if (ch === '[' || ch === '{') { start = i; depth = 1; current = ch; }
      else if (!/\s/.test(ch)) throw new Error(`unexpected "${ch}" between JSON documents`);
      continue;
    }
    if (inString) {
      if (escaped) { escaped = false; current += ch; continue; }
      if (ch === '\\') { escaped = true; current += ch; continue; }
      if (ch === '"') { inString = false; current += ch; continue; }
      const code = ch.charCodeAt(0);
      current += code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0')}` : ch;
      continue;
    }
    current += ch;
    if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) { values.push(JSON.parse(current)); start = -1; current = ''; }
    }
  }
  if (start >= 0) throw new Error('a JSON document is cut short');
  return values;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function toLink(entry: Json, indexByName: Map<string, number>): RawLink | null {
  const index = num(entry.ifindex);
  const name = str(entry.ifname);
  if (index === null || name === null) return null;
  const info = isObject(entry.linkinfo) ? entry.linkinfo : {};
  const flags = Array.isArray(entry.flags) ? entry.flags : [];
  // A veth whose peer is in the same namespace is printed with the peer's name instead of its index.
  const linkName = str(entry.link);
  return {
    index,
    name,
    kind: str(info.info_kind),
    slaveKind: str(info.info_slave_kind),
    loopback: entry.link_type === 'loopback',
    up: flags.includes('UP'),
    operstate: str(entry.operstate),
    mtu: num(entry.mtu),
    mac: entry.link_type === 'none' ? null : str(entry.address),
    master: str(entry.master) !== null ? indexByName.get(str(entry.master)!) ?? null : null,
    link: num(entry.link_index) ?? (linkName !== null ? indexByName.get(linkName) ?? null : null),
    linkNetnsid: num(entry.link_netnsid),
    alias: str(entry.ifalias),
    altNames: Array.isArray(entry.altnames) ? entry.altnames.filter((n): n is string => typeof n === 'string') : [],
  };
}

function toAddresses(entry: Json): RawAddress[] {
  const index = num(entry.ifindex);
  if (index === null || !Array.isArray(entry.addr_info)) return [];
  const out: RawAddress[] = [];
  for (const info of entry.addr_info) {
    if (!isObject(info)) continue;
    const family = info.family === 'inet' ? 4 : info.family === 'inet6' ? 6 : null;
    const local = str(info.local);
    const prefix = num(info.prefixlen);
    if (family === null || local === null || prefix === null) continue;
    out.push({ index, family, cidr: canonicalCidr(`${local}/${prefix}`), scope: str(info.scope) ?? 'global' });
  }
  return out;
}

/** `default`, or the destination as a CIDR (ip prints a host route as a bare address). */
export function routeTarget(dst: string | null, family: 4 | 6 | null): string | null {
  if (dst === null || dst === 'default') return 'default';
  if (dst.includes('/')) {
    const canonical = canonicalCidr(dst);
    return /\/0$/.test(canonical) ? 'default' : canonical;
  }
  const ip = parseIp(dst);
  if (!ip) return null;
  return canonicalCidr(`${dst}/${(family ?? ip.family) === 4 ? 32 : 128}`);
}

function viaOf(entry: Json): string | null {
  const gateway = str(entry.gateway);
  if (gateway !== null) return gateway;
  const via = isObject(entry.via) ? str(entry.via.host) : null;
  return via;
}

/** The table a route entry of `ip -j route show table all` is in, as ip names it. */
export function tableOfEntry(entry: Json): string {
  return str(entry.table) ?? (num(entry.table) !== null ? String(entry.table) : 'main');
}

function toRoute(entry: Json): RawRoute | null {
  const table = tableOfEntry(entry);
  return table === 'main' || table === '254' ? routeOfEntry(entry) : null;
}

/** A route entry, whatever its table. */
export function routeOfEntry(entry: Json): RawRoute | null {
  const to = routeTarget(str(entry.dst), null);
  if (to === null) return null;
  const nexthops = Array.isArray(entry.nexthops)
    ? entry.nexthops.filter(isObject).map((hop) => ({ via: viaOf(hop), dev: str(hop.dev) }))
    : [{ via: viaOf(entry), dev: str(entry.dev) }];
  const protocol = str(entry.protocol) ?? (num(entry.protocol) !== null ? String(entry.protocol) : 'boot');
  return { to, protocol, type: str(entry.type) ?? 'unicast', nexthops };
}

function forwardingOf(entries: Json[]): boolean | null {
  const all = entries.find((e) => e.family === 'inet' && e.interface === 'all');
  if (!all) return null;
  const value = all.forwarding;
  return value === true || value === 'on' || value === 1;
}

export function parseIpJson(text: string): RawNamespaceState {
  const values = parseJsonSequence(text);
  const documents = values.filter(Array.isArray) as unknown[][];
  const state = emptyNamespaceState();
  // Recognise each document by its shape: with -force, a failed command leaves no document behind.
  for (const document of documents) {
    const entries = document.filter(isObject);
    if (entries.length && entries.every((e) => 'ifindex' in e && 'ifname' in e)) {
      const indexByName = new Map(entries.map((e) => [String(e.ifname), Number(e.ifindex)]));
      for (const entry of entries) {
        const link = toLink(entry, indexByName);
        if (link) state.links.push(link);
        state.addresses.push(...toAddresses(entry));
      }
    } else if (entries.length && entries.every((e) => 'interface' in e && 'family' in e)) {
      state.forwarding = forwardingOf(entries);
    } else if (entries.length && entries.every((e) => 'name' in e && !('ifindex' in e))) {
      // `netns list`: the namespaces in /run/netns, each with this namespace's nsid for it if it has one.
      for (const entry of entries) {
        const nsid = num(entry.id);
        const name = str(entry.name);
        if (nsid !== null && name !== null) state.nsidNames.set(nsid, name);
      }
    } else if (!isRuleDocument(entries)) {
      for (const entry of entries) {
        const route = toRoute(entry);
        if (route) state.routes.push(route);
      }
    }
  }
  const routing = routingOfIpJson(values);
  if (routing) state.routing = routing;
  const qdiscs = qdiscsOfIpJson(values, state);
  if (qdiscs) state.qdiscs = qdiscs;
  return state;
}

/** `{"qdiscs":[…]}` (tc -j qdisc show): the root qdiscs, by the ifindex of the interface tc names. */
function qdiscsOfIpJson(values: readonly unknown[], state: RawNamespaceState): RawQdisc[] | null {
  const document = values.find((v): v is { qdiscs: unknown[] } => isObject(v) && Array.isArray(v.qdiscs));
  if (!document) return null;
  const indexByName = new Map(state.links.map((link) => [link.name, link.index]));
  const qdiscs: RawQdisc[] = [];
  for (const entry of document.qdiscs) {
    const qdisc = parseTcQdiscJson(entry);
    const index = qdisc ? indexByName.get(qdisc.dev) : undefined;
    if (qdisc && index !== undefined) qdiscs.push({ index, kind: qdisc.kind, impairment: qdisc.impairment });
  }
  return qdiscs;
}
