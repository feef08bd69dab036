// One namespace as the kernel describes it, before names are resolved across namespaces. Both ways of
// reading a namespace (netlink lines from the Perl reader, ip's JSON) are turned into this shape, so that
// everything after it is written once.

import type { RawRouting } from './probe-routing';
import type { RawQdisc } from './probe-qdisc';

export interface RawLink {
  index: number;
  name: string;
  /** IFLA_INFO_KIND: `veth`, `bridge`, `vxlan`…; null for a physical device or loopback. */
  kind: string | null;
  /** IFLA_INFO_SLAVE_KIND: `bridge` for a bridge port. */
  slaveKind: string | null;
  loopback: boolean;
  /** IFF_UP: set up by someone. */
  up: boolean;
  operstate: string | null;
  mtu: number | null;
  mac: string | null;
  /** ifindex of the bridge (or bond) this link is enslaved to, in the same namespace. */
  master: number | null;
  /** ifindex of the link's peer or lower device (a veth's other end), in the namespace linkNetnsid names. */
  link: number | null;
  /** nsid, as seen from THIS namespace, of the namespace where `link` lives; null when it is this one. */
  linkNetnsid: number | null;
  alias: string | null;
  altNames: string[];
}

export interface RawAddress {
  index: number;
  family: 4 | 6;
  /** Address and prefix length as CIDR text. */
  cidr: string;
  scope: string;
}

export interface RawNexthop {
  via: string | null;
  dev: string | null;
}

export interface RawRoute {
  /** `default` or a canonical CIDR. */
  to: string;
  protocol: string;
  type: string;
  nexthops: RawNexthop[];
}

export interface RawNamespaceState {
  links: RawLink[];
  addresses: RawAddress[];
  /** Main table only. */
  routes: RawRoute[];
  /** net.ipv4.ip_forward; null when it could not be read. */
  forwarding: boolean | null;
  /** What this namespace's nsids stand for, where the kernel said: another namespace's inode (netlink). */
  nsidInodes: Map<number, number>;
  /** The same by name in /run/netns (`ip netns list`, the ip method); unnamed namespaces are missing. */
  nsidNames: Map<number, string>;
  /** Policy rules, other route tables and sysctls; absent when the probe did not read them. */
  routing?: RawRouting;
  /** Root qdiscs (impairments); absent when the probe did not read them. */
  qdiscs?: RawQdisc[];
}

export function emptyNamespaceState(): RawNamespaceState {
  return { links: [], addresses: [], routes: [], forwarding: null, nsidInodes: new Map(), nsidNames: new Map() };
}

const PROTOCOLS: Record<number, string> = {
  0: 'unspec', 1: 'redirect', 2: 'kernel', 3: 'boot', 4: 'static', 8: 'gated', 9: 'ra', 10: 'mrt', 11: 'zebra',
  12: 'bird', 13: 'dnrouted', 14: 'xorp', 15: 'ntk', 16: 'dhcp', 17: 'mrouted', 18: 'keepalived', 42: 'babel',
  99: 'openr', 186: 'bgp', 187: 'isis', 188: 'ospf', 189: 'rip', 192: 'eigrp',
};

/** rtm_protocol as `ip route` prints it. */
export function protocolName(value: number): string {
  return PROTOCOLS[value] ?? String(value);
}

const ROUTE_TYPES = ['unspec', 'unicast', 'local', 'broadcast', 'anycast', 'multicast', 'blackhole', 'unreachable', 'prohibit', 'throw', 'nat', 'xresolve'];

export function routeTypeName(value: number): string {
  return ROUTE_TYPES[value] ?? String(value);
}

const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };

export function scopeName(value: number): string {
  return SCOPES[value] ?? String(value);
}

const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

export function operstateName(value: number): string {
  return OPERSTATES[value] ?? String(value);
}
