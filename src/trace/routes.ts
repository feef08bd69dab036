// The route lookup: policy rules in priority order, then the table they name; in a table the longest
// prefix wins, and among equal prefixes the first route (the model holds no metric; the kernel lists
// routes of one prefix in metric order, and the probe keeps that order). The main table is the
// namespace's routes plus the kernel's own (connected) routes: in the kernel's order as the probe read
// them, or as a file's lowering ordered them (the order an apply makes them), or else made from the
// addresses on links that are up.

import { describeRoute } from '../model/route';
import type { PolicyRule } from '../model/routing';
import type { Cidr } from '../model/cidr';
import type { Namespace, NetInterface, Route } from '../model/topology';
import { addressInSubnet, cidrOf, cidrsOf, contains, ipOf, maskOf, subnetText } from './addresses';

export interface RouteChoice {
  route: Route;
  /** The interface it leaves by; null when the gateway is on no connected subnet. */
  dev: string | null;
  /** The address whose owner must answer ARP: the gateway, or the destination itself. */
  nexthop: string;
  text: string;
  table: string;
}

export type RouteAnswer =
  | { kind: 'route'; choice: RouteChoice }
  | { kind: 'none' }
  | { kind: 'refused'; by: string; action: string };

export type Assume = (rule: string, assumed: string) => void;

const madeRoutes = new WeakMap<NetInterface, { addresses: string; routes: Route[] }>();

/** An interface's connected routes, made again only when its addresses change. */
function interfaceRoutes(iface: NetInterface): Route[] {
  const addresses = iface.addresses.join(' ');
  const made = madeRoutes.get(iface);
  if (made && made.addresses === addresses && made.routes.every((r) => r.dev === iface.name)) return made.routes;
  const routes = cidrsOf(iface).map((cidr): Route => ({ to: subnetText(cidr), via: null, dev: iface.name, protocol: 'kernel' }));
  madeRoutes.set(iface, { addresses, routes });
  return routes;
}

/** Connected routes: one per address on a link that is up, as the kernel makes them. */
export function connectedRoutes(ns: Namespace): Route[] {
  return ns.interfaces.filter((iface) => iface.state === 'up' && iface.kind !== 'loopback').flatMap(interfaceRoutes);
}

/**
 * The main table: the namespace's routes, then the kernel's own in the kernel's order where the probe read
 * them (`kernelRoutes`), else the connected routes derived from its addresses.
 */
export function mainTable(ns: Namespace): Route[] {
  const kernel = ns.kernelRoutes ?? connectedRoutes(ns);
  const made = mainTables.get(ns);
  if (made && made.routes === ns.routes && made.routeCount === ns.routes.length && sameRoutes(made.kernel, kernel)) return made.table;
  const seen = new Set(ns.routes.map((r) => `${r.to} ${r.dev ?? ''}`));
  const table = [...ns.routes, ...kernel.filter((r) => !seen.has(`${r.to} ${r.dev}`))];
  mainTables.set(ns, { routes: ns.routes, routeCount: ns.routes.length, kernel, table });
  return table;
}

/** Each namespace's main table, kept while its routes and kernel routes stand (many traces, one network). */
const mainTables = new WeakMap<Namespace, { routes: Route[]; routeCount: number; kernel: Route[]; table: Route[] }>();

function sameRoutes(a: readonly Route[], b: readonly Route[]): boolean {
  if (a === b) return true;
  return a.length === b.length && a.every((route, i) => route === b[i]);
}

interface TableEntry {
  route: Route;
  cidr: Cidr | null;
  prefix: number;
}

/** The routes of one prefix length, by their network: a lookup asks each length once, longest first. */
interface PrefixGroup {
  prefix: number;
  mask: bigint;
  byNetwork: Map<bigint, TableEntry[]>;
}

/**
 * A table's routes for one family in prefix groups, longest first (in table order within a network), made
 * once per list of routes and made again when the list grows or shrinks (routes are values: one is
 * replaced, not changed in place).
 */
const indexedTables = new WeakMap<Route[], { count: number; byFamily: Record<4 | 6, PrefixGroup[]> }>();

function groupsOf(routes: Route[], family: 4 | 6): PrefixGroup[] {
  const groups = new Map<number, PrefixGroup>();
  for (const route of routes) {
    const destination = destinationOf(route, family);
    if (!destination) continue;
    const { cidr, prefix } = destination;
    let group = groups.get(prefix);
    if (!group) groups.set(prefix, group = { prefix, mask: maskOf(family, prefix), byNetwork: new Map() });
    const network = cidr ? cidr.address & group.mask : 0n;
    const entries = group.byNetwork.get(network);
    if (entries) entries.push({ route, cidr, prefix });
    else group.byNetwork.set(network, [{ route, cidr, prefix }]);
  }
  return [...groups.values()].sort((a, b) => b.prefix - a.prefix);
}

function indexedTable(routes: Route[], family: 4 | 6): PrefixGroup[] {
  let made = indexedTables.get(routes);
  if (!made || made.count !== routes.length) {
    made = { count: routes.length, byFamily: { 4: groupsOf(routes, 4), 6: groupsOf(routes, 6) } };
    indexedTables.set(routes, made);
  }
  return made.byFamily[family];
}
function tableRoutes(ns: Namespace, table: string): Route[] | null {
  if (table === 'main' || table === '254') return mainTable(ns);
  return ns.routeTables?.find((t) => t.table === table)?.routes ?? null;
}

/** The route's destination for a packet of this family: its CIDR (null for default) and prefix length. */
function destinationOf(route: Route, family: 4 | 6): { cidr: Cidr | null; prefix: number } | null {
  if (route.to === 'default') return family === 4 || route.via?.includes(':') ? { cidr: null, prefix: 0 } : null;
  const cidr = cidrOf(route.to) ?? (ipOf(route.to) ? cidrOf(`${route.to}/${family === 4 ? 32 : 128}`) : null);
  return cidr && cidr.family === family ? { cidr, prefix: cidr.prefix } : null;
}

function resolveDev(ns: Namespace, route: Route): string | null {
  const up = ns.interfaces.filter((i) => i.state === 'up');
  if (route.dev) return up.some((i) => i.name === route.dev) ? route.dev : null;
  if (!route.via) return null;
  return up.find((iface) => addressInSubnet(iface, route.via!) !== null)?.name ?? null;
}

const routeTexts = new WeakMap<Route, { dev: string | null; text: string }>();

/** A route in words with the interface it resolved to, made once per route. */
function routeText(route: Route, dev: string | null): string {
  const known = routeTexts.get(route);
  if (known && known.dev === dev) return known.text;
  const text = describeRoute({ ...route, dev: route.dev ?? dev });
  routeTexts.set(route, { dev, text });
  return text;
}

/**
 * The best route of one table for `dst`, or null. Among routes of one prefix the first wins; where two
 * tie and their order is not known (orderKnown), the choice is said as an assumption.
 */
export function lookupTable(ns: Namespace, routes: Route[], dst: string, table = 'main', assumeFn?: Assume): RouteChoice | null {
  const ip = ipOf(dst);
  if (!ip) return null;
  let best: { route: Route; prefix: number } | null = null;
  const ties: Route[] = [];
  // Once per lookup, not per route: a host that routes to many namespaces has as many interfaces as routes.
  const up = new Set(ns.interfaces.filter((i) => i.state === 'up').map((i) => i.name));
  for (const group of indexedTable(routes, ip.family)) {
    for (const { route, prefix } of group.byNetwork.get(ip.value & group.mask) ?? []) {
      if (route.dev && !up.has(route.dev)) continue;
      if (best) ties.push(route);
      else best = { route, prefix };
    }
    if (best) break;
  }
  if (!best) return null;
  const dev = resolveDev(ns, best.route);
  const text = routeText(best.route, dev);
  const unordered = ties.filter((t) => t.dev !== best.route.dev && !orderKnown(ns, t, best.route));
  if (unordered.length && assumeFn) {
    assumeFn(text, `${[best.route, ...unordered].map((r) => describeRoute(r)).join(' and ')} tie; the kernel uses the one made first, which the model does not say: assumed ${text}`);
  }
  return { route: best.route, dev, nexthop: best.route.via ?? dst, text, table };
}

/**
 * Whether the kernel's order of two routes of one prefix is known: both read from the host in one list
 * (the configured routes, or the kernel's own). A connected route derived from an address has no known
 * place; nor has a configured route against a kernel-made one (the model holds no metric).
 */
function orderKnown(ns: Namespace, a: Route, b: Route): boolean {
  const within = (list: readonly Route[] | undefined) => list !== undefined && list.includes(a) && list.includes(b);
  return within(ns.routes) || within(ns.kernelRoutes);
}

function prefixMatches(prefix: string | null, address: string | null): boolean | null {
  if (prefix === null || prefix === 'all') return true;
  if (address === null) return null;
  const cidr = cidrOf(prefix.includes('/') ? prefix : `${prefix}/${prefix.includes(':') ? 128 : 32}`);
  const ip = ipOf(address);
  return cidr !== null && ip !== null && contains(cidr, ip);
}

/** Whether a policy rule selects the packet; null when it cannot be told (the rule names why). */
function ruleSelects(rule: PolicyRule, src: string | null, dst: string, iif: string, assumeFn: Assume): boolean {
  const from = prefixMatches(rule.from, src);
  if (from === null) { assumeFn(rule.text, 'the source address is not chosen yet: assumed the rule does not apply'); return false; }
  const parts = [from, prefixMatches(rule.to, dst), rule.iif === null || rule.iif === iif];
  if (rule.oif !== null) { assumeFn(rule.text, 'oif rules apply to sockets bound to an interface: assumed it does not apply'); parts.push(false); }
  if (rule.fwmark !== null) {
    const [value, mask] = rule.fwmark.split('/');
    assumeFn(rule.text, 'marks are not followed: assumed the packet carries mark 0');
    parts.push((0 & Number(mask ?? '0xffffffff')) === Number(value));
  }
  const all = parts.every(Boolean);
  return rule.invert ? !all : all;
}

/** Policy rules, then tables: where the packet goes from this namespace. */
export function lookupRoute(ns: Namespace, src: string | null, dst: string, iif: string, assumeFn: Assume): RouteAnswer {
  const family = ipOf(dst)?.family ?? 4;
  const rules = (ns.policyRules ?? []).filter((r) => r.family === family).sort((a, b) => a.priority - b.priority);
  if (!rules.length) {
    const choice = lookupTable(ns, mainTable(ns), dst, 'main', assumeFn);
    return choice ? { kind: 'route', choice } : { kind: 'none' };
  }
  for (const rule of rules) {
    if (!ruleSelects(rule, src, dst, iif, assumeFn)) continue;
    if (rule.action === 'lookup' && rule.table) {
      if (rule.table === 'local' || rule.table === '255') continue;
      const routes = tableRoutes(ns, rule.table);
      const choice = routes ? lookupTable(ns, routes, dst, rule.table, assumeFn) : null;
      if (choice) return { kind: 'route', choice };
      continue;
    }
    if (['blackhole', 'unreachable', 'prohibit'].includes(rule.action)) return { kind: 'refused', by: rule.text, action: rule.action };
    assumeFn(rule.text, `the rule's action "${rule.action}" is not evaluated: assumed it does nothing`);
  }
  return { kind: 'none' };
}
