// The diagram's view of a network: what is drawn, with the drift status of every element. It is built from
// Topology objects (src/diagram/build-model.ts), laid out by elk (layout.ts) and drawn as SVG (render.ts).
// Plain data only: it crosses the worker boundary in the webview.

import type { ElementKind, ElementRef } from '../model/protocol';
import type { Impairment } from '../model/impairment';
import type { AddressMatch, InterfaceKind, LinkState } from '../model/topology';

/**
 * `same` when desired and live agree (or only one side is shown); `only-file` when the .vnet file declares it
 * but the host lacks it; `only-host` when the host has it but the file does not; `differs` when both have it
 * with different settings.
 */
export type DriftStatus = 'same' | 'only-file' | 'only-host' | 'differs';

export type DiagramMode = 'desired' | 'live' | 'drift';

export interface ElementBase {
  id: string;
  kind: ElementKind;
  ref: ElementRef;
  status: DriftStatus;
  /** In a drift view: what differs, worded for people (`addresses: file 10.0.0.1/24, host 10.0.0.2/24`). */
  differences: string[];
}

/** Where a port sits in the picture: on a namespace box, on the host box, or on a bridge. */
export type PortRole = 'interface' | 'uplink' | 'dnat' | 'egress';

export interface PortView extends ElementBase {
  kind: 'interface';
  name: string;
  role: PortRole;
  interfaceKind: InterfaceKind;
  state: LinkState;
  operstate: string | null;
  addresses: string[];
  mtu: number | null;
  mac: string | null;
  /** Lines drawn inside the port: its name, then its addresses. */
  lines: string[];
  /** A port that stands for many DNAT rules: each of them, as iptables-save writes it. */
  rules?: string[];
  /** What the interface does to the packets it sends (its root netem or tbf qdisc); absent when nothing. */
  impairment?: Impairment;
}

export interface RouteView extends ElementBase {
  kind: 'route';
  text: string;
  via: string | null;
  dev: string | null;
  /** A route the kernel made for an address's subnet (src/model/kernel-made.ts): no file declares it. */
  kernelMade: boolean;
}

export interface NatView extends ElementBase {
  kind: 'nat';
  action: 'dnat' | 'masquerade' | 'snat' | 'other';
  chain: string;
  rule: string;
  summary: string;
  /** The rule's match conditions in words, without protocol and port (`not in br0`). */
  conditions: string;
  protocol: string | null;
  dport: string | null;
  outInterface: AddressMatch | null;
  /** For DNAT and SNAT: the translated destination or source (`172.16.0.102:80`). */
  to: string | null;
}

export interface BridgeView extends ElementBase {
  kind: 'bridge';
  name: string;
  state: LinkState;
  addresses: string[];
  mtu: number | null;
  ports: PortView[];
}

/** A rule that accepts or drops forwarded packets, as the diagram lists it. */
export interface ForwardRuleView {
  verdict: 'accept' | 'drop';
  /** Short wording (`ACCEPT est/rel, out docker0`, `DOCKER-ISOLATION-STAGE-2: DROP out docker0`). */
  summary: string;
  /** The precise text: the iptables-save line, or `family table chain: nft text`. */
  rule: string;
}

/** What filters forwarding in a namespace (live only: never part of drift). */
export interface FirewallView {
  /** What stops forwarding by default: `FORWARD policy DROP`, `firewalld filter_FORWARD policy drop`. */
  dropPolicies: string[];
  /** Rules forwarded packets can meet that accept or drop them, in the order they meet them. */
  forwardRules: ForwardRuleView[];
  /** Every filter/mangle/raw chain and rule and every native table, chain and rule, for the details pane. */
  details: [string, string][];
}

export interface NamespaceView extends ElementBase {
  kind: 'namespace' | 'host';
  /** The namespace's name: the key that ids, refs and commands use. */
  name: string;
  /** What the box says: the container or node that holds it where known (`docker web-1`), else the name. */
  label: string;
  /** The container runtime's words for the holder, shown in the details. */
  holder: string | null;
  /** Null when the namespace holds no filter chains or native nft tables (or the side is a file's). */
  firewall: FirewallView | null;
  root: boolean;
  forwarding: boolean;
  forwardPolicy: 'ACCEPT' | 'DROP' | null;
  anonymous: boolean;
  owner: string | null;
  path: string | null;
  /** Interfaces drawn as ports on this box's edge. */
  ports: PortView[];
  /** Loopback interfaces, listed inside the box (they never link anywhere). */
  loopbacks: PortView[];
  bridges: BridgeView[];
  routes: RouteView[];
  /** NAT rules not drawn as arrows or marks (all of a non-root namespace's rules). */
  nat: NatView[];
}

export interface HostView extends NamespaceView {
  kind: 'host';
  /** The host's name in the diagram (lab host name or host target). */
  hostName: string;
  /** DNAT arrows and masquerade marks are drawn from these. */
  hostNat: NatView[];
  /** Non-root namespaces, drawn inside the host box. */
  children: NamespaceView[];
  warnings: string[];
}

export type LinkKind = 'veth' | 'uplink' | 'dnat-entry' | 'dnat';

export interface LinkView extends ElementBase {
  kind: 'link';
  linkKind: LinkKind;
  /** Port ids (or the outside node's id). */
  source: string;
  target: string;
  state: 'up' | 'down';
  /** Text drawn along the link (DNAT destinations, masquerade marks), each with its rule's drift status. */
  labels: LinkLabel[];
  /** Rules this link draws (DNAT and masquerade). */
  natIds: string[];
}

export interface LinkLabel {
  text: string;
  status: DriftStatus;
}

export interface OutsideView extends ElementBase {
  kind: 'outside';
  label: string;
}

export interface DiagramModel {
  title: string;
  mode: DiagramMode;
  hosts: HostView[];
  links: LinkView[];
  outside: OutsideView | null;
}

export type DiagramElement = HostView | NamespaceView | BridgeView | PortView | RouteView | NatView | LinkView | OutsideView;

/** Every element of a model, parents before children, in model order. */
export function allElements(model: DiagramModel): DiagramElement[] {
  const out: DiagramElement[] = [];
  if (model.outside) out.push(model.outside);
  const addNamespace = (ns: NamespaceView) => {
    out.push(ns);
    out.push(...ns.ports, ...ns.loopbacks);
    for (const bridge of ns.bridges) { out.push(bridge, ...bridge.ports); }
    out.push(...ns.routes, ...ns.nat);
  };
  for (const host of model.hosts) {
    addNamespace(host);
    out.push(...host.hostNat);
    for (const ns of host.children) addNamespace(ns);
  }
  out.push(...model.links);
  return out;
}
