// What decides a packet's route and whether it may be forwarded, beyond the main table: policy rules,
// the other routing tables in use, and the sysctls on the path.

import type { Route } from './topology';

/** One `ip rule`. */
export interface PolicyRule {
  family: 4 | 6;
  priority: number;
  /** Source and destination prefixes (`from`, `to`); null matches all. */
  from: string | null;
  to: string | null;
  iif: string | null;
  oif: string | null;
  /** `fwmark VALUE[/MASK]`. */
  fwmark: string | null;
  /** `not`: the rule applies to what does not match. */
  invert: boolean;
  /** `lookup`, or a verdict with no table: `blackhole`, `unreachable`, `prohibit`; `goto`/`nop` as named. */
  action: string;
  /** The table a `lookup` reads: `main`, `local`, `default`, or a number. */
  table: string | null;
  /** The rule as `ip rule` prints it, for people and for what the fields above leave out. */
  text: string;
}

/** The routes of one routing table other than main (main's are Namespace.routes) and local (the kernel's). */
export interface RouteTable {
  /** `default`, or the table's number. */
  table: string;
  routes: Route[];
}

/** The sysctls that decide forwarding and reverse-path filtering in one namespace. */
export interface NamespaceSysctls {
  /** `net.ipv6.conf.all.forwarding`; null when IPv6 is off there. */
  ipv6Forwarding: boolean | null;
  /** `net.ipv4.conf.{all,default,IFACE}.rp_filter`: 0 off, 1 strict, 2 loose; the kernel uses the max of all and the interface's. */
  rpFilter: { all: number; default: number; interfaces: Record<string, number> } | null;
  /**
   * `net.bridge.bridge-nf-call-iptables` (and ip6tables): null when br_netfilter is not loaded, so bridged
   * traffic skips iptables, and in a namespace that holds no bridge (nothing is bridged there; not read).
   */
  bridgeNfCallIptables: boolean | null;
  bridgeNfCallIp6tables: boolean | null;
}
