// What the kernel makes by itself: never in a .vnet file, never created or deleted by a plan, and left
// out of exports. A plan that tried to delete lo's 127.0.0.1/8 or a connected route would fight the
// kernel on every apply.

import { cidrContains, formatCidr, networkOf, parseCidr, parseIp } from './cidr';
import type { Namespace, NetInterface, Route } from './topology';
import { canonicalRouteTarget } from './route';

const LINK_LOCAL_V6 = parseCidr('fe80::/10')!;
const MULTICAST_V6 = parseCidr('ff00::/8')!;

export function isKernelAddress(iface: NetInterface, address: string): boolean {
  const cidr = parseCidr(address);
  if (!cidr) return false;
  if (cidr.family === 6 && cidrContains(LINK_LOCAL_V6, { family: 6, value: cidr.address })) return true;
  if (iface.kind === 'loopback') {
    const canonical = formatCidr(cidr);
    return canonical === '127.0.0.1/8' || canonical === '::1/128';
  }
  return false;
}

/**
 * A route the kernel added: marked `proto kernel` when the probe says so, otherwise recognised by shape
 * (no gateway, on a device that holds an address of exactly that subnet), plus IPv6's link-local and
 * multicast routes.
 */
export function isKernelRoute(namespace: Namespace, route: Route): boolean {
  if (route.protocol === 'kernel') return true;
  if (route.protocol && route.protocol !== 'kernel') return false;
  if (route.to === 'default' || route.via !== null) return false;
  const to = parseCidr(route.to);
  if (!to) return false;
  if (to.family === 6) {
    const ip = { family: 6 as const, value: to.address };
    if (cidrContains(LINK_LOCAL_V6, ip) || cidrContains(MULTICAST_V6, ip)) return true;
  }
  const target = formatCidr(networkOf(to));
  const devices = route.dev ? namespace.interfaces.filter((iface) => iface.name === route.dev) : namespace.interfaces;
  return devices.some((iface) => iface.addresses.some((address) => {
    const cidr = parseCidr(address);
    if (!cidr || cidr.family !== to.family) return false;
    // A /32 address makes a host route to itself; a /24 makes the subnet route.
    return formatCidr(networkOf(cidr)) === target && cidr.prefix === to.prefix;
  }));
}

/** The family of a route: its gateway's, else its destination's; a bare `default` is IPv4 as in `ip route`. */
export function routeFamily(route: Pick<Route, 'to' | 'via'>): 4 | 6 {
  const via = route.via ? parseIp(route.via) : null;
  if (via) return via.family;
  return (parseCidr(route.to) ?? parseIp(route.to))?.family ?? 4;
}

/** What makes two routes the same route for a plan: family and destination (one route per destination). */
export function routeKey(route: Pick<Route, 'to' | 'via'>): string {
  return `${routeFamily(route)} ${canonicalRouteTarget(route.to)}`;
}
