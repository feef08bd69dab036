// Who owns what on a host, as one lab sees it. A lab owns:
// - a namespace recorded in its state file;
// - an interface marked with its ifalias `vnet:<lab>`, recorded in its state file, or inside a namespace
//   it owns (the namespace's lo included: the lab made the namespace, so everything in it);
// - a NAT rule carrying its comment `vnet:<lab>`, or in a namespace it owns;
// - a user chain, route or address recorded in its state file, or in a namespace it owns.
// Everything else belongs to someone else: a plan never deletes or rewrites it, and reports a conflict
// when the file asks for it, unless the user adopts it by name (`--adopt`).

import { canonicalCidr } from '../model/cidr';
import type { LabState, OwnedRecord } from '../model/lab-state';
import { OWNER_PREFIX, ownerMark } from '../model/nat';
import { ROOT_NAMESPACE, type Namespace, type NatRule, type NetInterface, type Route, type Topology } from '../model/topology';
import { canonicalRouteTarget } from '../model/route';

/** `--adopt all` takes over every conflicting element the file asks for. */
const ADOPT_ALL = 'all';

export function adoptKeyForNamespace(name: string): string { return name; }
export function adoptKeyForInterface(namespace: string, name: string): string { return `${namespace}:${name}`; }
export function adoptKeyForNat(namespace: string): string { return `nat:${namespace}`; }
export function adoptKeyForRoute(namespace: string, to: string): string { return `route:${namespace}:${to}`; }

/** The lab an interface's mark names: the probe's `owner`, else read from its alias `vnet:<lab>`. */
export function interfaceOwner(iface: Pick<NetInterface, 'owner' | 'alias'>): string | null {
  if (iface.owner) return iface.owner;
  if (iface.alias?.startsWith(OWNER_PREFIX)) return iface.alias.slice(OWNER_PREFIX.length) || null;
  return null;
}

export class Ownership {
  private readonly records: OwnedRecord[];
  private readonly ownedNamespaces = new Set<string>();
  private readonly claimedInterfaces = new Set<string>();
  private readonly claimedChains = new Set<string>();
  private readonly adopt: Set<string>;

  private readonly others: readonly LabState[];

  constructor(
    readonly lab: string,
    readonly live: Topology,
    state: LabState,
    adopt: readonly string[] = [],
    /** The state files of the other labs on the host. */
    others: readonly LabState[] = [],
  ) {
    this.records = state.records;
    this.others = others.filter((other) => other.lab !== lab);
    this.adopt = new Set(adopt);
    for (const record of state.records) {
      if (record.kind === 'namespace') this.ownedNamespaces.add(record.name);
      if (record.kind === 'interface') this.claimedInterfaces.add(`${record.namespace}\u0000${record.name}`);
      if (record.kind === 'chain') this.claimedChains.add(`${record.namespace}\u0000${record.chain}`);
    }
    // The probe may also have read the state files: trust what it says for this lab, never for another.
    for (const ns of live.namespaces) if (!ns.root && ns.owner === lab) this.ownedNamespaces.add(ns.name);
  }

  get mark(): string { return ownerMark(this.lab); }

  isAdopted(key: string): boolean {
    return this.adopt.has(ADOPT_ALL) || this.adopt.has(key);
  }

  /** From here on the plan treats the namespace as the lab's: it creates or adopts it. */
  adoptNamespace(name: string): void {
    if (name !== ROOT_NAMESPACE) this.ownedNamespaces.add(name);
  }

  ownsNamespace(name: string): boolean {
    return name !== ROOT_NAMESPACE && this.ownedNamespaces.has(name);
  }

  /** The lab that owns a live namespace, if any. */
  namespaceOwner(ns: Namespace): string | null {
    if (this.ownsNamespace(ns.name)) return this.lab;
    const other = this.others.find((o) => o.records.some((r) => r.kind === 'namespace' && r.name === ns.name));
    return other?.lab ?? ns.owner ?? null;
  }

  /** Another lab that claimed a root-namespace interface (its mark may not be written yet). */
  interfaceClaimant(namespace: string, name: string): string | null {
    const other = this.others.find((o) => o.records.some((r) => r.kind === 'interface' && r.namespace === namespace && r.name === name));
    return other?.lab ?? null;
  }

  /**
   * Other labs that also turned a shared switch (the host's forwarding, its FORWARD policy) to what they
   * want, with the value it had before the first of them. The last lab to let go restores that value.
   */
  otherHolders(kind: 'forwarding' | 'forwardPolicy', namespace: string): { lab: string; previous: boolean | 'ACCEPT' | 'DROP' }[] {
    return this.others.flatMap((other) => other.records.flatMap((r) =>
      (r.kind === kind && r.namespace === namespace ? [{ lab: other.lab, previous: r.previous }] : [])));
  }

  ownsInterface(namespace: string, iface: NetInterface): boolean {
    if (interfaceOwner(iface) === this.lab) return true;
    if (this.claimedInterfaces.has(`${namespace}\u0000${iface.name}`)) return true;
    return this.ownsNamespace(namespace);
  }

  /** Another lab's mark on an interface (null for none, or when the mark is this lab's). */
  otherOwner(namespace: string, iface: NetInterface): string | null {
    const owner = interfaceOwner(iface) ?? this.interfaceClaimant(namespace, iface.name);
    return owner && owner !== this.lab ? owner : null;
  }

  ownsRule(namespace: string, rule: NatRule): boolean {
    if (rule.owner === this.lab) return true;
    if (rule.owner) return false;
    return this.ownsNamespace(namespace);
  }

  ownsChain(namespace: string, chain: string): boolean {
    return this.ownsNamespace(namespace) || this.claimedChains.has(`${namespace}\u0000${chain}`);
  }

  ownsRoute(namespace: string, route: Route): boolean {
    if (this.ownsNamespace(namespace)) return true;
    const to = canonicalRouteTarget(route.to);
    return this.records.some((r) => r.kind === 'route' && r.namespace === namespace && canonicalRouteTarget(r.to) === to
      && (r.via ?? null) === (route.via ?? null));
  }

  /** An address on an interface the lab does not own, that the lab added. */
  ownsAddressRecord(namespace: string, iface: string, address: string): boolean {
    const canonical = canonicalCidr(address);
    return this.records.some((r) => r.kind === 'address' && r.namespace === namespace && r.interface === iface
      && canonicalCidr(r.address) === canonical);
  }

  previousForwarding(namespace: string): boolean | null {
    const record = this.records.find((r) => r.kind === 'forwarding' && r.namespace === namespace);
    return record && record.kind === 'forwarding' ? record.previous : null;
  }

  previousForwardPolicy(namespace: string): 'ACCEPT' | 'DROP' | null {
    const record = this.records.find((r) => r.kind === 'forwardPolicy' && r.namespace === namespace);
    return record && record.kind === 'forwardPolicy' ? record.previous : null;
  }

  get stateRecords(): readonly OwnedRecord[] {
    return this.records;
  }
}
