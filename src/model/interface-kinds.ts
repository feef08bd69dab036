// Every interface kind VNet knows, described once. The probe maps the kernel's link kind here, the planner
// asks whether it can create one and with which `ip link add` arguments, the language knows which kinds a
// file can declare, and the tree, the hovers and the diagram take their words and icons from the same row.
// Adding a kind is adding a row (docs/architecture.md, "How to add an interface kind").

import type { InterfaceKind } from './topology';

/**
 * How one comes to be: created as a pair (a veth), created alone (`ip link add … type KIND`), with every
 * namespace (lo), or never by VNet (it reads and shows them, and leaves them to whoever made them).
 */
export type Creation = 'pair' | 'alone' | 'with-namespace' | 'none';

/** How the diagram draws an interface: on its box's edge, as a box of its own, or as a line inside its box. */
export type DrawingRole = 'port' | 'bridge' | 'line';

export interface InterfaceKindFacts {
  /** The kernel's link kind (`ip -d link`'s IFLA_INFO_KIND) that reads as this kind; null when none does. */
  readonly kernelKind: string | null;
  /** A few words for people: `veth end`, `bridge`. */
  readonly label: string;
  readonly creation: Creation;
  /** What follows `ip link add name NAME [netns NS]` for a kind created alone; null for the others. */
  readonly linkAddArgs: readonly string[] | null;
  /** The statement that declares one in a .vnet file (`bridge br0 { … }`), or null when the language has none. */
  readonly statement: 'bridge' | 'dummy' | null;
  /** The MTU the kernel gives a new one; an export leaves this one out. Null when there is none to assume. */
  readonly defaultMtu: number | null;
  readonly drawingRole: DrawingRole;
  /** Whether the diagram may take it for the host's way out (an uplink): it can lead off the host. */
  readonly mayLeadOut: boolean;
  /** codicon of the Hosts tree. */
  readonly icon: string;
}

export const INTERFACE_KINDS: Readonly<Record<InterfaceKind, InterfaceKindFacts>> = {
  veth: {
    kernelKind: 'veth', label: 'veth end', creation: 'pair', linkAddArgs: null, statement: null,
    defaultMtu: 1500, drawingRole: 'port', mayLeadOut: true, icon: 'plug',
  },
  bridge: {
    kernelKind: 'bridge', label: 'bridge', creation: 'alone', linkAddArgs: ['type', 'bridge'], statement: 'bridge',
    defaultMtu: 1500, drawingRole: 'bridge', mayLeadOut: false, icon: 'type-hierarchy-sub',
  },
  dummy: {
    kernelKind: 'dummy', label: 'dummy interface', creation: 'alone', linkAddArgs: ['type', 'dummy'], statement: 'dummy',
    defaultMtu: 1500, drawingRole: 'port', mayLeadOut: false, icon: 'circle-large-outline',
  },
  loopback: {
    // The kernel reports no kind for lo; the probe knows it by its LOOPBACK flag.
    kernelKind: null, label: 'loopback', creation: 'with-namespace', linkAddArgs: null, statement: null,
    defaultMtu: 65536, drawingRole: 'line', mayLeadOut: false, icon: 'sync',
  },
  vxlan: {
    kernelKind: 'vxlan', label: 'VXLAN tunnel', creation: 'none', linkAddArgs: null, statement: null,
    defaultMtu: null, drawingRole: 'port', mayLeadOut: true, icon: 'cloud',
  },
  other: {
    kernelKind: null, label: 'interface', creation: 'none', linkAddArgs: null, statement: null,
    defaultMtu: null, drawingRole: 'port', mayLeadOut: true, icon: 'symbol-misc',
  },
};

const BY_KERNEL_KIND = new Map(
  (Object.entries(INTERFACE_KINDS) as [InterfaceKind, InterfaceKindFacts][])
    .filter(([, facts]) => facts.kernelKind !== null)
    .map(([kind, facts]) => [facts.kernelKind!, kind]),
);

/** The kind a link the kernel reports as `kernelKind` is; `other` for kinds VNet does not model. */
export function interfaceKindOf(kernelKind: string | null | undefined): InterfaceKind {
  return (kernelKind && BY_KERNEL_KIND.get(kernelKind)) || 'other';
}

/** Whether a .vnet file can say it and a plan can make it, so that an export reproduces it. */
export function isReproducible(kind: InterfaceKind): boolean {
  const facts = INTERFACE_KINDS[kind];
  return facts.creation === 'pair' || (facts.creation === 'alone' && facts.statement !== null);
}

/** `veth, bridge, dummy`: the kinds VNet makes from a file, for messages about the ones it does not. */
export const REPRODUCIBLE_KIND_NAMES = (Object.keys(INTERFACE_KINDS) as InterfaceKind[]).filter(isReproducible).join(', ');

/** Kinds a .vnet file declares with a statement of their own (`bridge`, `dummy`). */
export const DECLARABLE_KINDS: readonly InterfaceKind[] = (Object.keys(INTERFACE_KINDS) as InterfaceKind[])
  .filter((kind) => INTERFACE_KINDS[kind].statement !== null);

/** Where a veth's other end is when it is in a namespace this host cannot see (a container host's uplink). */
export const PEER_OUTSIDE_HOST = 'outside this host';

/** The kind's short name as `ip` spells it (`veth`, `bridge`), or the kernel's own for a kind VNet does not model. */
export function interfaceKindName(iface: { kind: InterfaceKind; linkKind?: string | null }): string {
  return iface.kind === 'other' && iface.linkKind ? iface.linkKind : iface.kind;
}
