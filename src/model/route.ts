// Routes as people and plans write them: one spelling of a destination, and one line of text per route.
// The planner, the removal warnings and the Hosts tree all word routes through here.

import { canonicalCidr, canonicalIp, parseCidr, parseIp } from './cidr';
import type { Route } from './topology';

/** `default` for any default route; a CIDR in canonical spelling; a bare address as a /32 or /128. */
export function canonicalRouteTarget(to: string): string {
  if (to === 'default' || to === '0.0.0.0/0' || to === '::/0') return 'default';
  if (parseCidr(to)) return canonicalCidr(to);
  const ip = parseIp(to);
  if (ip) return canonicalCidr(`${to}/${ip.family === 4 ? 32 : 128}`);
  return to;
}

/**
 * `192.168.2.0/24 via 192.168.1.1 dev veth0`, as `ip route` would take it; a route of another type than
 * unicast starts with it (`blackhole 10.9.0.0/16`). The one wording of a route: plans, dialogs, the tree,
 * `vnet show` and the diagram all use it.
 */
export function describeRoute(route: Pick<Route, 'to' | 'via' | 'dev' | 'type'>): string {
  let text = canonicalRouteTarget(route.to);
  if (route.type && route.type !== 'unicast') text = `${route.type} ${text}`;
  if (route.via) text += ` via ${canonicalIp(route.via)}`;
  if (route.dev) text += ` dev ${route.dev}`;
  return text;
}
