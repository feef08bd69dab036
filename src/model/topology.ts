// The one vocabulary of the project. The language lowers into it, the probe reads into it, the planner
// diffs two of them, and the views draw it. Nothing else invents its own shape of a network.
// It is also the JSON of `vnet show --json` (docs/state-json.md), so every field is plain data.

import type { IptablesTableState, RuleConditions } from './firewall';
import type { Expectation } from './expectation';
import type { Impairment } from './impairment';
import type { NftTable } from './nftables';
import type { NamespaceSysctls, PolicyRule, RouteTable } from './routing';

export const STATE_SCHEMA = 'vnet.state/1';

/** The name the root network namespace of a host always has. */
export const ROOT_NAMESPACE = 'host';

/**
 * The name of a lab's one machine when its file declares no `machine` blocks. It reads like the root
 * namespace's name but is another thing: a machine of the lab, not a namespace.
 */
export const DEFAULT_MACHINE = 'host';

export type InterfaceKind = 'veth' | 'bridge' | 'loopback' | 'vxlan' | 'dummy' | 'other';

/** Administrative state: whether the interface was set up. */
export type LinkState = 'up' | 'down';

export interface PeerRef {
  /** Namespace name as it appears in this Topology (`host` for the root namespace). */
  namespace: string;
  interface: string;
}

export interface NetInterface {
  name: string;
  kind: InterfaceKind;
  state: LinkState;
  /** Kernel operational state (UP, DOWN, LOWERLAYERDOWN, UNKNOWN…), live only. */
  operstate?: string;
  mtu: number | null;
  mac: string | null;
  /** CIDR strings, IPv4 and IPv6. IPv6 link-local addresses are left out: the kernel makes them. */
  addresses: string[];
  /** Name of the bridge this interface is a port of, in the same namespace. */
  master: string | null;
  /** For a veth: where the other end is. Null when unknown or not a veth. */
  peer: PeerRef | null;
  /** A veth whose other end is in a namespace this host cannot see (peer is then null). Live only. */
  peerOutside?: boolean;
  /** Lab that owns this interface (from its `vnet:<lab>` alias), live only. */
  owner?: string | null;
  /** The interface's alias (`ip link set … alias`), where apply writes the ownership mark. Live only. */
  alias?: string | null;
  /** Alternative names of the interface (`ip link property add … altname`). Live only. */
  altNames?: string[];
  /** The kernel's link kind (`macvlan`, `wireguard`, `tun`…) when kind is `other`. Live only. */
  linkKind?: string | null;
  /** What the interface does to the packets it sends (its root netem or tbf qdisc); absent or null: nothing. */
  impairment?: Impairment | null;
  /**
   * The kind of the interface's root qdisc as the kernel names it (`htb`, `cake`…) when it is neither an
   * impairment (netem, tbf) nor one the kernel puts there by itself (noqueue, fq_codel…). Live only.
   */
  qdisc?: string | null;
}

export interface Route {
  /** `default` or a CIDR. */
  to: string;
  via: string | null;
  dev: string | null;
  /** Who added the route as `ip route` names it (`kernel`, `boot`, `static`, `dhcp`…), live only. */
  protocol?: string | null;
  /** Route type when not a plain unicast route (`blackhole`, `unreachable`, `prohibit`…), live only. */
  type?: string;
}

export interface AddressMatch {
  value: string;
  negated: boolean;
}

export type NatTarget =
  | { kind: 'MASQUERADE' }
  | { kind: 'SNAT'; to: string }
  | { kind: 'DNAT'; to: string }
  | { kind: 'jump'; chain: string }
  | { kind: 'ACCEPT' }
  | { kind: 'RETURN' }
  | { kind: 'other'; name: string; args: string };

export interface NatRule extends RuleConditions {
  chain: string;
  /** The rule as iptables-save prints it, starting with `-A CHAIN`. */
  rule: string;
  target: NatTarget;
  comment: string | null;
  /** Lab that owns this rule (from a `vnet:<lab>` comment). */
  owner?: string | null;
  /**
   * Every option beyond the fields of RuleConditions, as iptables-save wrote them; a rule with any is shown
   * but never rewritten. `matches` and `unmodelled` say which of them VNet can evaluate.
   */
  extra?: string[];
  /** Which iptables backend holds this rule, live only (a host may use both). */
  backend?: IptablesBackend;
}

export type IptablesBackend = 'nft' | 'legacy';

export interface Namespace {
  name: string;
  root: boolean;
  /** True when the namespace has no name under /run/netns (held by a process or a bind mount elsewhere). */
  anonymous?: boolean;
  /** Inode of the namespace, live only: the stable key, since nsids are relative to the viewer. */
  inode?: number;
  /** Where this namespace was found: `/run/netns/NAME`, a bind-mount path, or `pid:1234`. Live only. */
  path?: string;
  forwarding: boolean;
  interfaces: NetInterface[];
  routes: Route[];
  nat: NatRule[];
  /** User chains of the nat table (the built-in ones always exist). */
  natChains: string[];
  /** Policy of the filter table's FORWARD chain; null when unknown (no iptables in this namespace). */
  forwardPolicy: 'ACCEPT' | 'DROP' | null;
  /** Which iptables backends hold rules here; both at once is worth a warning. Live only. */
  iptablesBackends?: IptablesBackend[];
  /** Lab that owns this namespace (from the host's state file), live only. */
  owner?: string | null;
  /** The container or node that holds this namespace, where its runtime says so. Live only. */
  holder?: NamespaceHolder | null;
  /** The filter, mangle and raw tables, per backend that holds them. Live only, read-only. */
  iptables?: IptablesTableState[];
  /** Native nftables tables (not iptables-nft's). Live only, read-only. */
  nftTables?: NftTable[];
  /** `ip rule`, IPv4 and IPv6, in priority order. Live only. */
  policyRules?: PolicyRule[];
  /** Routing tables other than main and local that hold routes. Live only. */
  routeTables?: RouteTable[];
  /** Forwarding and filtering sysctls beyond `forwarding` (IPv4). Live only. */
  sysctls?: NamespaceSysctls;
  /**
   * The routes the kernel made itself in the main table (connected subnets), in the kernel's order: among
   * routes of one prefix the kernel uses the first, so this order decides ties (the trace). Read by the
   * probe; a file's lowering gives the order an apply makes them (src/model/connected-routes.ts).
   */
  kernelRoutes?: Route[];
}

/** Who holds a namespace: a container runtime's name for it, so that it reads as people know it. */
export interface NamespaceHolder {
  runtime: 'docker' | 'podman' | 'containerd' | 'cri-o' | 'lxc' | 'mininet';
  /** The container's (or node's) name: `web-1`, `h1`; for a Kubernetes pod, `NAMESPACE/NAME`. */
  name: string;
  /** The compose project, where one is set. */
  project?: string | null;
  /** The runtime's id of the container or pod sandbox, which stays when the holding process changes. */
  id?: string | null;
}

export interface Topology {
  schema: typeof STATE_SCHEMA;
  /** The host as the user named it: `local`, an ssh destination or alias. */
  host: string;
  namespaces: Namespace[];
  /** Problems the probe met that did not stop it (e.g. both iptables backends hold rules). */
  warnings?: string[];
}

/** A desired network: a lab spans one or more hosts. */
export interface Lab {
  name: string;
  hosts: LabHost[];
  /** What the file claims about reachability (`expect` statements), in file order; absent when none. */
  expectations?: Expectation[];
}

export interface LabHost {
  /** Name of the host inside the lab (`host` when the file declares a single host). */
  name: string;
  /** SSH target from the file, or null to use the one given on the command line. */
  target: string | null;
  topology: Topology;
}

export function emptyNamespace(name: string, root = false): Namespace {
  return { name, root, forwarding: false, interfaces: [], routes: [], nat: [], natChains: [], forwardPolicy: null };
}

export function emptyTopology(host: string): Topology {
  return { schema: STATE_SCHEMA, host, namespaces: [emptyNamespace(ROOT_NAMESPACE, true)] };
}

export function findNamespace(topology: Topology, name: string): Namespace | undefined {
  return topology.namespaces.find((ns) => ns.name === name);
}

export function findInterface(namespace: Namespace, name: string): NetInterface | undefined {
  return namespace.interfaces.find((iface) => iface.name === name);
}
