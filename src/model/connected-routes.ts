// The connected routes the kernel makes while a fresh apply builds a namespace, in the order it makes them.
// Among routes of one prefix the kernel uses the first, so where two links share a subnet (scenario A's
// veth1 and br0) this order says which one answers it: the trace reads it as it reads a probed host's
// `kernelRoutes`, instead of guessing.
//
// What the kernel does, checked on the testbed (test/host/connected-route-order.test.ts):
// - it appends a connected route when an address is added to a link that is up, or, for a link that is
//   down, when the link comes up (fib_add_ifaddr, with NLM_F_APPEND);
// - an IPv4 address in a subnet its link already has (a secondary), an IPv4 /32, and one in 0.0.0.0/8
//   make none; an IPv6 /128 makes a /128 route; addresses on lo make none in the main table;
// - a link that is down has none.
// What the plan does (src/plan/diff.ts, planInterfaceSettings): in each namespace it brings every link up
// before it adds any address, and adds the addresses of other links before those of bridges. Interfaces
// VNet does not create are the host's own, up with their addresses before the lab comes.
// test/unit/language-connected-order.test.ts replays the real plan of every example against this.

import { INTERFACE_KINDS } from './interface-kinds';
import { formatCidr, networkOf, parseCidr } from './cidr';
import type { Namespace, NetInterface, Route } from './topology';

/** When an apply on an empty host adds an interface's addresses: the host's own first, bridges last. */
function addressTurn(iface: NetInterface): 0 | 1 | 2 {
  if (INTERFACE_KINDS[iface.kind].creation === 'none') return 0;
  return iface.kind === 'bridge' ? 2 : 1;
}

/**
 * The subnet of an IPv4 address as `formatCidr` spells it, in plain numbers: the language server lowers a
 * file of thousands of namespaces after each edit, and exact (bigint) parsing would be most of that time.
 * Null when the text is not IPv4 written as `formatCidr` writes it; undefined when it makes no route (a
 * /32, or in 0.0.0.0/8: ipv4_is_zeronet).
 */
function ipv4SubnetText(address: string): string | null | undefined {
  const parts = [0, 0, 0, 0, 0];
  let part = 0;
  let digits = 0;
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits > 0 && parts[part] === 0) return null; // a leading zero
      parts[part] = parts[part] * 10 + (c - 48);
      if (++digits > 3) return null;
    } else if (digits > 0 && ((c === 46 && part < 3) || (c === 47 && part === 3))) {
      part++;
      digits = 0;
    } else {
      return null;
    }
  }
  const [a, b, c, d, prefix] = parts;
  if (part !== 4 || digits === 0 || a > 255 || b > 255 || c > 255 || d > 255 || prefix > 32) return null;
  if (prefix === 32) return undefined;
  const value = ((a * 256 + b) * 256 + c) * 256 + d;
  const network = prefix === 0 ? 0 : value - (value % 2 ** (32 - prefix));
  if (network < 2 ** 24 && prefix >= 8) return undefined;
  return `${Math.floor(network / 2 ** 24)}.${Math.floor(network / 2 ** 16) % 256}.${Math.floor(network / 256) % 256}.${network % 256}/${prefix}`;
}

/** The connected route an address makes, or null when it makes none in the main table. */
function routeOf(address: string, dev: string): Route | null {
  const v4 = ipv4SubnetText(address);
  if (v4 === undefined) return null;
  if (v4 !== null) return { to: v4, via: null, dev, protocol: 'kernel' };
  const cidr = parseCidr(address);
  if (!cidr || cidr.family === 4) return null;
  return { to: formatCidr(networkOf(cidr)), via: null, dev, protocol: 'kernel' };
}

/**
 * The routes the kernel makes itself in a namespace that an apply builds on an empty host, in the order it
 * makes them. Only the order among routes of one prefix means anything (a probe lists a table as the
 * kernel walks it, by prefix), and that is the order a probe of the applied host reads.
 */
export function connectedRoutesInApplyOrder(ns: Namespace): Route[] {
  const turns: NetInterface[][] = [[], [], []];
  for (const iface of ns.interfaces) {
    if (iface.state === 'up' && iface.kind !== 'loopback' && iface.addresses.length) turns[addressTurn(iface)].push(iface);
  }
  const routes: Route[] = [];
  // A second address in a subnet the link already has makes no second route. Most namespaces make a
  // route or two: a scan; a root namespace with thousands of links, a set.
  let made: Set<string> | null = null;
  const isNew = (route: Route): boolean => {
    if (routes.length < 16) return !routes.some((r) => r.to === route.to && r.dev === route.dev);
    made ??= new Set(routes.map((r) => `${r.to} ${r.dev}`));
    const key = `${route.to} ${route.dev}`;
    if (made.has(key)) return false;
    made.add(key);
    return true;
  };
  for (const turn of turns) {
    for (const iface of turn) {
      for (const address of iface.addresses) {
        const route = routeOf(address, iface.name);
        if (route && isNew(route)) routes.push(route);
      }
    }
  }
  return routes;
}
