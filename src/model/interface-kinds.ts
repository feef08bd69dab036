// Every interface kind VNet knows, described once. The probe maps the kernel's link kind here, the planner
// asks whether it can create one and with which `ip link add` arguments, the language knows which kinds a
// file can declare, and the tree, the hovers and the diagram take their words and icons from the same row.
// Adding a kind is adding a row (docs/architecture.md, "How to add an interface kind").

import type { InterfaceKind } from './topology';

/** How the diagram draws an interface: on its box's edge, as a box of its own, or as a line inside its box. */
export type DrawingRole = 'port' | 'bridge' | 'line';

export interface InterfaceKindFacts {
  /** The kernel's link kind (`ip -d link`'s IFLA_INFO_KIND) that reads as this kind; null when none does. */
  readonly kernelKind: string | null;
  /** A few words for people: `veth end`, `bridge`. */
  readonly label: string;
  /**
   * What follows `ip link add name NAME [netns NS]` to create one on its own, or null when VNet does not create
   * it that way: a veth is created as a pair (ip-commands), a loopback comes with every namespace.
   */
  readonly linkAddArgs: readonly string[] | null;
  /** Whether a plan may create it. */
  readonly creatable: boolean;
  /** The statement that declares one in a .vnet file (`bridge br0 { … }`), or null when the language has none. */
  readonly statement: 'bridge' | 'dummy' | null;
  readonly drawingRole: DrawingRole;
  /** Whether the diagram may take it for the host's way out (an uplink): it can lead off the host. */
  readonly mayLeadOut: boolean;
  /** codicon of the Hosts tree. */
  readonly icon: string;
}

export const INTERFACE_KINDS: Readonly<Record<InterfaceKind, InterfaceKindFacts>> = {
  veth: {
    kernelKind: 'veth', label: 'veth end', linkAddArgs: null, creatable: true, statement: null,
    drawingRole: 'port', mayLeadOut: true, icon: 'plug',
  },
  bridge: {
    kernelKind: 'bridge', label: 'bridge', linkAddArgs: ['type', 'bridge'], creatable: true, statement: 'bridge',
    drawingRole: 'bridge', mayLeadOut: false, icon: 'type-hierarchy-sub',
  },
  dummy: {
    kernelKind: 'dummy', label: 'dummy interface', linkAddArgs: ['type', 'dummy'], creatable: true, statement: 'dummy',
    drawingRole: 'port', mayLeadOut: false, icon: 'circle-large-outline',
  },
  loopback: {
    // The kernel reports no kind for lo; the probe knows it by its LOOPBACK flag.
    kernelKind: null, label: 'loopback', linkAddArgs: null, creatable: false, statement: null,
    drawingRole: 'line', mayLeadOut: false, icon: 'sync',
  },
  vxlan: {
    kernelKind: 'vxlan', label: 'VXLAN tunnel', linkAddArgs: null, creatable: false, statement: null,
    drawingRole: 'port', mayLeadOut: true, icon: 'cloud',
  },
  other: {
    kernelKind: null, label: 'interface', linkAddArgs: null, creatable: false, statement: null,
    drawingRole: 'port', mayLeadOut: true, icon: 'symbol-misc',
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

/** Kinds a .vnet file declares with a statement of their own (`bridge`, `dummy`). */
export const DECLARABLE_KINDS: readonly InterfaceKind[] = (Object.keys(INTERFACE_KINDS) as InterfaceKind[])
  .filter((kind) => INTERFACE_KINDS[kind].statement !== null);

/** The kind's short name as `ip` spells it (`veth`, `bridge`), or the kernel's own for a kind VNet does not model. */
export function interfaceKindName(iface: { kind: InterfaceKind; linkKind?: string | null }): string {
  return iface.kind === 'other' && iface.linkKind ? iface.linkKind : iface.kind;
}
