// Routing beyond the main table, as both ways of reading a namespace report it (netlink records:
// probe-routing-lines.ts; ip's JSON: probe-routing-json.ts), and how it becomes the Namespace's
// policyRules, routeTables and sysctls. Pure.

import type { NamespaceSysctls, PolicyRule, RouteTable } from '../model/routing';
import type { Route } from '../model/topology';
import type { RawRoute } from './probe-raw';

/** One policy rule with every selector `ip rule` prints, so that its text can be written the same way. */
export interface RuleFacts {
  family: 4 | 6;
  priority: number;
  invert: boolean;
  /** Prefix as CIDR, or null for `all`. */
  from: string | null;
  to: string | null;
  /** `tos` as ip prints it (a name from rt_dsfield, or hex). */
  tos: string | null;
  fwmark: number | null;
  /** Null, or a mask other than 0xffffffff. */
  fwmask: number | null;
  iif: string | null;
  iifDetached: boolean;
  oif: string | null;
  oifDetached: boolean;
  l3mdev: boolean;
  uidRange: [number, number] | null;
  ipproto: string | null;
  sport: [number, number] | null;
  dport: [number, number] | null;
  tunId: string | null;
  /** `main`, `local`, `default`, or a number; null when the action reads no table. */
  table: string | null;
  suppressPrefixlength: number | null;
  suppressIfgroup: string | null;
  /** `realms FROM/TO` or `realms TO`, numbers or rt_realms names. */
  realms: string | null;
  /** `lookup`, `goto`, `nop`, `blackhole`, `unreachable`, `prohibit`… */
  action: string;
  /** `goto` target priority; null for `goto none`. */
  goto: number | null;
  unresolved: boolean;
  /** Who added the rule (`kernel`, `static`…); `unspec` when nobody said. */
  protocol: string | null;
}

/** Every routing fact one namespace's read gives beyond the main table. */
export interface RawRouting {
  rules: RuleFacts[];
  /** Routes of tables other than main and local, by table (`default` or a number). */
  tables: { table: string; route: RawRoute }[];
  sysctls: NamespaceSysctls;
}

/** rtm_table as `ip` names it; null for main and local, which are not kept as route tables. */
export function tableName(value: number): string {
  return value === 253 ? 'default' : value === 254 ? 'main' : value === 255 ? 'local' : String(value);
}

/** `%#x`, as ip prints marks: 0 has no prefix. */
export function hexMark(value: number): string {
  return value === 0 ? '0' : `0x${value.toString(16)}`;
}

/** The rule as `ip rule` prints it (iproute2's print_rule, in its order): `PRIO:\tSELECTORS ACTION`. */
export function ruleText(r: RuleFacts): string {
  const parts: string[] = [`${r.invert ? 'not ' : ''}from ${r.from === null ? 'all' : hostOrPrefix(r.from)}`];
  if (r.to !== null) parts.push(`to ${hostOrPrefix(r.to)}`);
  if (r.tos !== null) parts.push(`tos ${r.tos}`);
  if (r.fwmark !== null || r.fwmask !== null) parts.push(`fwmark ${hexMark(r.fwmark ?? 0)}${r.fwmask !== null ? `/${hexMark(r.fwmask)}` : ''}`);
  if (r.iif !== null) parts.push(`iif ${r.iif}${r.iifDetached ? ' [detached]' : ''}`);
  if (r.oif !== null) parts.push(`oif ${r.oif}${r.oifDetached ? ' [detached]' : ''}`);
  if (r.l3mdev) parts.push('lookup [l3mdev-table]');
  if (r.uidRange) parts.push(`uidrange ${r.uidRange[0]}-${r.uidRange[1]}`);
  if (r.ipproto !== null) parts.push(`ipproto ${r.ipproto}`);
  if (r.sport) parts.push(`sport ${portRange(r.sport)}`);
  if (r.dport) parts.push(`dport ${portRange(r.dport)}`);
  if (r.tunId !== null) parts.push(`tun_id ${r.tunId}`);
  if (r.table !== null) {
    parts.push(`lookup ${r.table}`);
    if (r.suppressPrefixlength !== null) parts.push(`suppress_prefixlength ${r.suppressPrefixlength}`);
    if (r.suppressIfgroup !== null) parts.push(`suppress_ifgroup ${r.suppressIfgroup}`);
  }
  if (r.realms !== null) parts.push(`realms ${r.realms}`);
  if (r.action === 'goto') parts.push(`goto ${r.goto ?? 'none'}${r.unresolved ? ' [unresolved]' : ''}`);
  else if (r.action !== 'lookup') parts.push(r.action);
  if (r.protocol !== null && r.protocol !== 'unspec' && r.protocol !== 'kernel') parts.push(`proto ${r.protocol}`);
  return `${r.priority}:\t${parts.join(' ')}`;
}

/** ip prints a full-length prefix as a bare address. */
function hostOrPrefix(cidr: string): string {
  return cidr.endsWith('/32') && !cidr.includes(':') ? cidr.slice(0, -3) : cidr.endsWith('/128') ? cidr.slice(0, -4) : cidr;
}

function portRange([start, end]: [number, number]): string {
  return start === end ? String(start) : `${start}-${end}`;
}

export function policyRuleOf(r: RuleFacts): PolicyRule {
  return {
    family: r.family,
    priority: r.priority,
    from: r.from,
    to: r.to,
    iif: r.iif,
    oif: r.oif,
    fwmark: r.fwmark === null && r.fwmask === null ? null : `${hexMark(r.fwmark ?? 0)}${r.fwmask !== null ? `/${hexMark(r.fwmask)}` : ''}`,
    invert: r.invert,
    action: r.action,
    table: r.table,
    text: ruleText(r),
  };
}

/** Table order: by number, `default` being 253. */
function tableOrder(table: string): number {
  return table === 'default' ? 253 : /^\d+$/.test(table) ? Number(table) : Number.MAX_SAFE_INTEGER;
}

/**
 * The Namespace fields, with routes kept as the main table's are (routesOf in probe-parse.ts).
 * br_netfilter's switches decide only what crosses a bridge: where the namespace holds none they are not
 * read (the netlink reader skips them), so they are null, whichever way the namespace was read.
 */
export function namespaceRouting(
  raw: RawRouting, routesOf: (routes: readonly RawRoute[]) => Route[], holdsBridge: boolean,
): { policyRules: PolicyRule[]; routeTables: RouteTable[]; sysctls: NamespaceSysctls } {
  const byTable = new Map<string, RawRoute[]>();
  for (const { table, route } of raw.tables) {
    const list = byTable.get(table);
    if (list) list.push(route);
    else byTable.set(table, [route]);
  }
  const routeTables = [...byTable]
    .map(([table, routes]) => ({ table, routes: routesOf(routes) }))
    .filter((t) => t.routes.length > 0)
    .sort((a, b) => tableOrder(a.table) - tableOrder(b.table) || (a.table < b.table ? -1 : a.table > b.table ? 1 : 0));
  // The kernel consults rules by priority; at equal priority, in the order they were added (dump order).
  const policyRules = raw.rules.map(policyRuleOf).sort((a, b) => a.family - b.family || a.priority - b.priority);
  const sysctls = holdsBridge ? raw.sysctls : { ...raw.sysctls, bridgeNfCallIptables: null, bridgeNfCallIp6tables: null };
  return { policyRules, routeTables, sysctls };
}
