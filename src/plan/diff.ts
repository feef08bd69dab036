// diff(desired, live) → a plan: the ordered steps that converge one host to what a lab wants, touching
// only what the lab owns. Pure: the live state, the lab's state file and the desired Topology come in,
// steps and conflicts come out.
//
// The plan is computed against what is there, not against what a previous apply meant to do, which is
// what makes any partial state converge: whatever a failed or interrupted apply left behind is just
// another live state, owned by the lab (marks and claims are written before or with what they mark).

import { INTERFACE_KINDS, REPRODUCIBLE_KIND_NAMES } from '../model/interface-kinds';
import { canonicalCidr, canonicalIp, parseCidr, parseIp, networkOf, cidrContains } from '../model/cidr';
import type { LabState, OwnedRecord } from '../model/lab-state';
import { ownedRecordKey } from '../model/lab-state';
import {
  ROOT_NAMESPACE, emptyNamespace, type Namespace, type NetInterface, type Route, type Topology,
} from '../model/topology';
import { diffNat } from './diff-nat';
import { isKernelAddress, isKernelRoute, routeKey } from '../model/kernel-made';
import { canonicalRouteTarget, describeRoute } from '../model/route';
import {
  addAddressArgs, createLinkArgs, createNamespaceArgs, createVethArgs, deleteAddressArgs, deleteLinkArgs,
  deleteNamespaceArgs, routeArgs, setLinkArgs, type LinkSettings,
} from './ip-commands';
import { adoptKeyForInterface, adoptKeyForNamespace, adoptKeyForRoute, interfaceOwner, Ownership } from './ownership';
import type { Conflict, HostCommand, Plan } from './plan';
import { StepList, WORK_IN_STAGE } from './step-list';
import { inNamespace, interfacePhrase, namespacePhrase, routePhrase, stepText } from './wording';
import { assertLabName, validateDesired } from './validate';
import { nativeOverrideWarnings } from './native-overrides';
import { isEmptyImpairment, sameImpairment } from '../model/impairment';
import { clearImpairmentArgs, setImpairmentArgs } from './tc-commands';

export interface DiffInput {
  lab: string;
  /** What the file wants on this host. An empty topology means "nothing": that is destroy. */
  desired: Topology;
  /** What the probe read. */
  live: Topology;
  /** The lab's state file, parsed. */
  state: LabState;
  /** The state file's text as read (null when absent), checked again by the script under the lock. */
  stateText?: string | null;
  /** Elements the user lets the lab take over (`--adopt`). */
  adopt?: readonly string[];
  /** The state files of the other labs on the host: who else owns what, and who else holds a switch. */
  others?: readonly LabState[];
}


const key = (namespace: string, name: string) => `${namespace}\u0000${name}`;

export function diff(input: DiffInput): Plan {
  assertLabName(input.lab);
  validateDesired(input.desired);
  return new Differ(input).run();
}

class Differ {
  private readonly own: Ownership;
  private readonly steps: StepList;
  private readonly conflicts: Conflict[] = [];
  private readonly warnings: string[] = [];
  private readonly keep: OwnedRecord[] = [];
  private readonly liveByName = new Map<string, Namespace>();
  private readonly desiredByName = new Map<string, Namespace>();
  private readonly createdNamespaces = new Set<string>();
  private readonly deletedNamespaces = new Set<string>();
  /** Namespaces the plan leaves alone because of a conflict. */
  private readonly blockedNamespaces = new Set<string>();
  /** Live interfaces the plan deletes (directly, as a veth peer, or with their namespace). */
  private readonly gone = new Set<string>();
  /** Interfaces the plan creates: nothing about them is live yet. */
  private readonly fresh = new Set<string>();
  /** Interfaces that would be changed but are someone else's. */
  private readonly blockedInterfaces = new Set<string>();
  /** Interfaces that lose an address: routes through them may have gone with it. */
  private readonly addressRemoved = new Set<string>();
  private readonly mark: string;

  constructor(private readonly input: DiffInput) {
    this.own = new Ownership(input.lab, input.live, input.state, input.adopt ?? [], input.others ?? []);
    this.mark = this.own.mark;
    for (const ns of input.live.namespaces) {
      if (ns.anonymous) continue;
      this.liveByName.set(ns.root ? ROOT_NAMESPACE : ns.name, ns);
    }
    for (const ns of input.desired.namespaces) this.desiredByName.set(ns.root ? ROOT_NAMESPACE : ns.name, ns);
    if (!this.liveByName.has(ROOT_NAMESPACE)) this.liveByName.set(ROOT_NAMESPACE, emptyNamespace(ROOT_NAMESPACE, true));
    if (!this.desiredByName.has(ROOT_NAMESPACE)) this.desiredByName.set(ROOT_NAMESPACE, emptyNamespace(ROOT_NAMESPACE, true));
    const order = [...this.desiredByName.keys(), ...[...this.liveByName.keys()].sort()];
    this.steps = new StepList([...new Set(order)]);
  }

  run(): Plan {
    this.planNamespaces();
    this.planInterfaces();
    this.planUndesiredInterfaces();
    for (const [name, desired] of this.desiredByName) {
      if (this.blockedNamespaces.has(name)) continue;
      this.planInterfaceSettings(name, desired);
      this.planRoutes(name, desired);
      this.planForwarding(name, desired);
      diffNat({
        namespace: name, desired, live: this.liveNamespace(name) ?? null, own: this.own,
        steps: this.steps, conflicts: this.conflicts, keep: this.keep,
      });
    }
    // Namespaces the lab owns but no longer wants: their NAT goes with them; nothing else to do here.
    this.collectWarnings();
    const records = new Map<string, OwnedRecord>();
    for (const record of this.keep) records.set(ownedRecordKey(record), record);
    return {
      lab: this.input.lab,
      host: this.input.live.host,
      steps: this.steps.ordered(),
      conflicts: this.conflicts,
      warnings: this.warnings,
      finalState: { lab: this.input.lab, records: [...records.values()] },
      stateText: this.input.stateText ?? null,
    };
  }

  // ── namespaces ──────────────────────────────────────────────────────────────────────────────────

  /** The live namespace as the plan sees it: absent when created by the plan or being deleted. */
  private liveNamespace(name: string): Namespace | undefined {
    if (this.createdNamespaces.has(name) || this.deletedNamespaces.has(name)) return undefined;
    return this.liveByName.get(name);
  }

  private liveInterface(namespace: string, name: string): NetInterface | undefined {
    if (this.gone.has(key(namespace, name)) || this.fresh.has(key(namespace, name))) return undefined;
    return this.liveNamespace(namespace)?.interfaces.find((iface) => iface.name === name);
  }

  private planNamespaces(): void {
    const { own } = this;
    for (const [name] of this.desiredByName) {
      if (name === ROOT_NAMESPACE) continue;
      const live = this.liveByName.get(name);
      const record: OwnedRecord = { kind: 'namespace', name };
      if (!live) {
        this.createdNamespaces.add(name);
        own.adoptNamespace(name);
        this.steps.add('host', ROOT_NAMESPACE, WORK_IN_STAGE.host.createNamespace, 'create', stepText.createNamespace(name), [
          { tool: 'claim', record, unlessPath: `/run/netns/${name}` },
          { tool: 'ip', namespace: ROOT_NAMESPACE, args: createNamespaceArgs(name) },
        ]);
        this.keep.push(record);
      } else if (own.ownsNamespace(name)) {
        this.keep.push(record);
      } else if (own.isAdopted(adoptKeyForNamespace(name))) {
        this.steps.add('host', ROOT_NAMESPACE, WORK_IN_STAGE.host.adoptNamespace, 'change', stepText.adoptNamespace(name), [{ tool: 'claim', record }]);
        this.keep.push(record);
        own.adoptNamespace(name);
      } else {
        this.blockedNamespaces.add(name);
        const owner = own.namespaceOwner(live);
        this.conflicts.push({
          element: namespacePhrase(name),
          reason: owner ? `lab "${owner}" owns it` : `it exists and lab "${this.input.lab}" did not create it`,
          adopt: adoptKeyForNamespace(name),
        });
      }
    }
    for (const [name, live] of this.liveByName) {
      if (live.root || live.anonymous || this.desiredByName.has(name) || !own.ownsNamespace(name)) continue;
      this.deletedNamespaces.add(name);
    }
    for (const name of this.deletedNamespaces) this.deleteNamespace(name);
  }

  private deleteNamespace(name: string): void {
    const live = this.liveByName.get(name)!;
    for (const iface of live.interfaces) this.gone.add(key(name, iface.name));
    // The kernel frees a deleted namespace's interfaces in the background, all namespaces deleted
    // together in one batch: far faster than deleting each veth (each deletion waits for the kernel
    // on its own). Their other ends in the root namespace go in that batch too; the script waits
    // until they are gone, so their names are free when the next command runs. Other ends in another
    // surviving namespace are deleted first, from that side.
    const commands: HostCommand[] = [{ tool: 'ip', namespace: ROOT_NAMESPACE, args: deleteNamespaceArgs(name) }];
    const pairs: [string, string][] = [];
    for (const iface of live.interfaces) {
      const peer = iface.kind === 'veth' ? iface.peer : null;
      if (!peer || this.deletedNamespaces.has(peer.namespace)) continue;
      if (peer.namespace !== ROOT_NAMESPACE) { this.deleteInterface(name, iface); continue; }
      const peerLive = this.liveByName.get(ROOT_NAMESPACE)!.interfaces.find((i) => i.name === peer.interface);
      if (peerLive && !this.ownsLive(ROOT_NAMESPACE, peerLive)) {
        this.conflicts.push({
          element: interfacePhrase(peer.interface, ROOT_NAMESPACE),
          reason: `deleting namespace ${name} deletes it too (it is the other end of ${iface.name}), and lab "${this.input.lab}" does not own it`,
          adopt: adoptKeyForInterface(ROOT_NAMESPACE, peer.interface),
        });
        continue;
      }
      this.gone.add(key(ROOT_NAMESPACE, peer.interface));
      commands.push({ tool: 'await-gone', interface: peer.interface });
      commands.push({ tool: 'release', record: { kind: 'interface', namespace: ROOT_NAMESPACE, name: peer.interface } });
      pairs.push([iface.name, peer.interface]);
    }
    commands.push({ tool: 'release', record: { kind: 'namespace', name } });
    this.steps.add('host', ROOT_NAMESPACE, WORK_IN_STAGE.host.deleteNamespace, 'delete', stepText.deleteNamespace(name, pairs), commands);
  }

  // ── interfaces ──────────────────────────────────────────────────────────────────────────────────

  private ownsLive(namespace: string, iface: NetInterface): boolean {
    return this.own.ownsInterface(namespace, iface);
  }

  /** Deletes a live interface the lab owns (a veth takes its peer with it). Returns false on a conflict. */
  private deleteInterface(namespace: string, iface: NetInterface): boolean {
    const here = key(namespace, iface.name);
    const peer = iface.kind === 'veth' ? iface.peer : null;
    const peerLive = peer ? this.liveByName.get(peer.namespace)?.interfaces.find((i) => i.name === peer.interface) : undefined;
    if (peer && peerLive && !this.deletedNamespaces.has(peer.namespace) && !this.ownsLive(peer.namespace, peerLive)
      && !this.gone.has(key(peer.namespace, peer.interface))) {
      this.conflicts.push({
        element: interfacePhrase(peer.interface, peer.namespace),
        reason: `lab "${this.input.lab}" would delete veth ${iface.name} ${inNamespace(namespace)}, and this other end of it with it, which the lab does not own`,
        adopt: adoptKeyForInterface(peer.namespace, peer.interface),
      });
      this.blockedInterfaces.add(here);
      return false;
    }
    this.gone.add(here);
    if (peer) this.gone.add(key(peer.namespace, peer.interface));
    const survives = (ns: string) => !this.deletedNamespaces.has(ns) && this.liveByName.has(ns);
    let runIn: string | null = null;
    let target = iface.name;
    if (namespace === ROOT_NAMESPACE && survives(namespace)) runIn = namespace;
    else if (peer && peer.namespace === ROOT_NAMESPACE && peerLive) { runIn = ROOT_NAMESPACE; target = peer.interface; }
    else if (survives(namespace)) runIn = namespace;
    else if (peer && peerLive && survives(peer.namespace)) { runIn = peer.namespace; target = peer.interface; }
    if (runIn === null) return true;
    const commands: HostCommand[] = [{ tool: 'ip', namespace: runIn, args: deleteLinkArgs(target) }];
    for (const [ns, name] of [[namespace, iface.name], ...(peer ? [[peer.namespace, peer.interface]] : [])] as [string, string][]) {
      if (ns === ROOT_NAMESPACE) commands.push({ tool: 'release', record: { kind: 'interface', namespace: ns, name } });
    }
    const description = peer
      ? stepText.deleteVethPair({ namespace, interface: iface.name }, peer)
      : stepText.deleteLink(iface.kind, iface.name, namespace);
    this.steps.add('teardown', runIn, WORK_IN_STAGE.teardown.link, 'delete', description, commands);
    return true;
  }

  /** An interface the file wants and someone else has: adopt it when allowed, else a conflict. */
  private claimExisting(namespace: string, iface: NetInterface): boolean {
    if (this.ownsLive(namespace, iface)) return true;
    const adopt = adoptKeyForInterface(namespace, iface.name);
    const otherLab = this.own.otherOwner(namespace, iface);
    if (this.own.isAdopted(adopt)) {
      const commands: HostCommand[] = [];
      if (namespace === ROOT_NAMESPACE) commands.push({ tool: 'claim', record: { kind: 'interface', namespace, name: iface.name } });
      commands.push({ tool: 'ip', namespace, args: setLinkArgs(iface.name, { alias: this.mark })! });
      this.steps.add('configure', namespace, WORK_IN_STAGE.configure.link, 'change', stepText.adoptInterface(iface.name, namespace), commands);
      return true;
    }
    this.blockedInterfaces.add(key(namespace, iface.name));
    this.conflicts.push({
      element: interfacePhrase(iface.name, namespace),
      reason: otherLab ? `lab "${otherLab}" owns it` : `it exists and lab "${this.input.lab}" did not create it`,
      adopt,
    });
    return false;
  }

  private planInterfaces(): void {
    const seenPairs = new Set<string>();
    for (const [namespace, desired] of this.desiredByName) {
      if (this.blockedNamespaces.has(namespace)) continue;
      for (const iface of desired.interfaces) {
        const creation = INTERFACE_KINDS[iface.kind].creation;
        if (creation === 'pair') {
          const peer = iface.peer!;
          const ends = [key(namespace, iface.name), key(peer.namespace, peer.interface)].sort().join('\u0001');
          if (seenPairs.has(ends)) continue;
          seenPairs.add(ends);
          if (this.blockedNamespaces.has(peer.namespace)) continue;
          this.planVeth(namespace, iface.name, peer.namespace, peer.interface);
        } else if (creation === 'alone') {
          this.planSingle(namespace, iface);
        } else if (creation === 'none') {
          this.planExternal(namespace, iface);
        }
      }
    }
  }

  /** A name the kernel already gives another interface as an alternative name: no adoption helps. */
  private takenAsAltName(namespace: string, name: string): boolean {
    const holder = this.liveNamespace(namespace)?.interfaces.find((i) => i.name !== name && i.altNames?.includes(name));
    if (!holder) return false;
    this.blockedInterfaces.add(key(namespace, name));
    this.conflicts.push({
      element: `interface name ${name} ${inNamespace(namespace)}`,
      reason: `it is an alternative name of interface ${holder.name}, so the kernel refuses it for a new interface; choose another name`,
      adopt: null,
    });
    return true;
  }

  private planSingle(namespace: string, iface: NetInterface): void {
    if (this.takenAsAltName(namespace, iface.name)) return;
    const live = this.liveInterface(namespace, iface.name);
    if (live && live.kind === iface.kind) {
      if (this.claimExisting(namespace, live)) this.keepRootInterfaces([[namespace, iface.name]]);
      return;
    }
    if (live) {
      if (!this.ownsLive(namespace, live)) { this.claimExisting(namespace, live); return; }
      if (!this.deleteInterface(namespace, live)) return;
    }
    this.fresh.add(key(namespace, iface.name));
    const args = createLinkArgs(namespace, iface.name, iface.kind);
    const commands: HostCommand[] = [];
    if (namespace === ROOT_NAMESPACE) commands.push({ tool: 'claim', record: { kind: 'interface', namespace, name: iface.name } });
    commands.push({ tool: 'ip', namespace: ROOT_NAMESPACE, args });
    this.steps.add('host', ROOT_NAMESPACE, WORK_IN_STAGE.host.createLink, 'create', stepText.createLink(iface.kind, iface.name, namespace), commands);
    if (namespace === ROOT_NAMESPACE) this.keep.push({ kind: 'interface', namespace, name: iface.name });
  }

  private planVeth(nsA: string, a: string, nsB: string, b: string): void {
    const takenA = this.takenAsAltName(nsA, a);
    if (this.takenAsAltName(nsB, b) || takenA) {
      this.blockedInterfaces.add(key(nsA, a));
      this.blockedInterfaces.add(key(nsB, b));
      return;
    }
    const liveA = this.liveInterface(nsA, a);
    const liveB = this.liveInterface(nsB, b);
    const isPair = liveA && liveB && liveA.kind === 'veth' && liveB.kind === 'veth'
      && ((liveA.peer?.namespace === nsB && liveA.peer.interface === b) || (liveB.peer?.namespace === nsA && liveB.peer.interface === a));
    if (isPair) {
      const okA = this.claimExisting(nsA, liveA);
      const okB = this.claimExisting(nsB, liveB);
      if (okA && okB) this.keepRootInterfaces([[nsA, a], [nsB, b]]);
      return;
    }
    // Whatever holds the names now is in the way: the lab's own is deleted, anyone else's is a conflict.
    let blocked = false;
    for (const [ns, live] of [[nsA, liveA], [nsB, liveB]] as [string, NetInterface | undefined][]) {
      if (!live) continue;
      if (!this.ownsLive(ns, live)) { this.claimExisting(ns, live); blocked = true; continue; }
      if (!this.deleteInterface(ns, live)) blocked = true;
    }
    if (blocked) return;
    // A root end is claimed in the state file first, so that it is the lab's even before its mark is written.
    const ends = [{ namespace: nsA, interface: a }, { namespace: nsB, interface: b }] as const;
    const commands: HostCommand[] = [];
    for (const end of ends) {
      if (end.namespace === ROOT_NAMESPACE) commands.push({ tool: 'claim', record: { kind: 'interface', namespace: end.namespace, name: end.interface } });
    }
    commands.push({ tool: 'ip', namespace: ROOT_NAMESPACE, args: createVethArgs(...ends) });
    this.fresh.add(key(nsA, a));
    this.fresh.add(key(nsB, b));
    this.steps.add('host', ROOT_NAMESPACE, WORK_IN_STAGE.host.createVeth, 'create', stepText.createVethPair(...ends), commands);
    this.keepRootInterfaces([[nsA, a], [nsB, b]]);
  }

  private keepRootInterfaces(ends: [string, string][]): void {
    for (const [namespace, name] of ends) {
      if (namespace === ROOT_NAMESPACE) this.keep.push({ kind: 'interface', namespace, name });
    }
  }

  /** An interface vnet does not create (the host's eth0): it must exist, and only gets addresses. */
  private planExternal(namespace: string, iface: NetInterface): void {
    if (this.liveInterface(namespace, iface.name)) return;
    this.blockedInterfaces.add(key(namespace, iface.name));
    this.warnings.push(`Interface ${iface.name} ${inNamespace(namespace)} does not exist, and vnet creates only these kinds: ${REPRODUCIBLE_KIND_NAMES}; its addresses and routes are left out.`);
  }

  private planUndesiredInterfaces(): void {
    for (const [namespace, live] of this.liveByName) {
      if (this.deletedNamespaces.has(namespace) || this.blockedNamespaces.has(namespace)) continue;
      const desired = this.desiredByName.get(namespace);
      for (const iface of live.interfaces) {
        if (iface.kind === 'loopback' || this.gone.has(key(namespace, iface.name))) continue;
        if (desired?.interfaces.some((d) => d.name === iface.name)) continue;
        if (!this.ownsLive(namespace, iface)) continue;
        this.deleteInterface(namespace, iface);
      }
    }
  }

  // ── settings of each desired interface ─────────────────────────────────────────────────────────

  private planInterfaceSettings(namespace: string, desired: Namespace): void {
    const settable = desired.interfaces.flatMap((want) => {
      const here = key(namespace, want.name);
      if (this.blockedInterfaces.has(here)) return [];
      if (want.kind === 'veth' && want.peer && this.blockedNamespaces.has(want.peer.namespace)) return [];
      if (want.kind === 'loopback' && namespace === ROOT_NAMESPACE) return [];
      const isFresh = this.fresh.has(here);
      let live = this.liveInterface(namespace, want.name);
      // A namespace the plan creates comes with its own lo, down.
      if (!live && want.kind === 'loopback' && this.createdNamespaces.has(namespace)) {
        live = { name: want.name, kind: 'loopback', state: 'down', mtu: 65536, mac: null, addresses: [], master: null, peer: null };
      }
      if (!isFresh && !live) return [];
      const external = INTERFACE_KINDS[want.kind].creation === 'none';
      const owned = isFresh || (live !== undefined && this.ownsLive(namespace, live));
      return [{ want, live, isFresh, owned: owned && !external }];
    });
    // Bridges come up before their ports are attached.
    for (const item of [...settable].sort((x, y) => Number(y.want.kind === 'bridge') - Number(x.want.kind === 'bridge'))) {
      if (item.owned) this.planLinkSettings(namespace, item.want, item.live, item.isFresh);
    }
    // Addresses on point-to-point ends before bridge addresses: when two interfaces share a subnet (the
    // tutorial of scenario A gives veth1 and br0 both 172.16.0.0/24), the first address added makes the
    // route the kernel uses, and the tutorials address the veth end first.
    for (const item of [...settable].sort((x, y) => Number(x.want.kind === 'bridge') - Number(y.want.kind === 'bridge'))) {
      this.planAddresses(namespace, item.want, item.live, item.owned);
    }
    // A qdisc is the lab's through its interface: only interfaces the lab owns are impaired or cleared.
    for (const item of settable) if (item.owned) this.planImpairment(namespace, item.want, item.isFresh ? undefined : item.live);
  }

  /** The interface's root netem qdisc, replaced when it differs from the file's (as the kernel rounds it), deleted when the file has none. */
  private planImpairment(namespace: string, want: NetInterface, live: NetInterface | undefined): void {
    const wanted = isEmptyImpairment(want.impairment) ? null : want.impairment!;
    const current = isEmptyImpairment(live?.impairment) ? null : live!.impairment!;
    if (sameImpairment(wanted, current)) return;
    const work = WORK_IN_STAGE.configure.qdisc;
    if (wanted === null) {
      this.steps.add('configure', namespace, work, 'delete', stepText.clearImpairment(want.name, namespace, current!), [
        { tool: 'tc', namespace, args: clearImpairmentArgs(want.name) },
      ]);
      return;
    }
    const description = current ? stepText.changeImpairment(want.name, namespace, current, wanted) : stepText.impair(want.name, namespace, wanted);
    this.steps.add('configure', namespace, work, current ? 'change' : 'create', description, [
      { tool: 'tc', namespace, args: setImpairmentArgs(want.name, wanted) },
    ]);
  }

  private planLinkSettings(namespace: string, want: NetInterface, live: NetInterface | undefined, isFresh: boolean): void {
    const settings: LinkSettings = {};
    const changes: string[] = [];
    // New interfaces get their mark as they are first set up, in the same request. Until then the state
    // file's claim (root namespace) or the namespace's (the others) says whose they are.
    const needsMark = want.kind !== 'loopback' && (isFresh || (live ? interfaceOwner(live) : null) !== this.input.lab);
    if (needsMark) settings.alias = this.mark;
    if (!isFresh && needsMark) changes.push(`mark ${this.mark}`);
    const liveMaster = live?.master && !this.fresh.has(key(namespace, live.master)) ? live.master : null;
    if (want.kind !== 'loopback' && want.master !== liveMaster) {
      settings.master = want.master;
      changes.push(want.master ? stepText.attachToBridge(want.master) : stepText.detachFromBridge(liveMaster));
    }
    if (want.mtu !== null && want.mtu !== (live?.mtu ?? null)) { settings.mtu = want.mtu; changes.push(`mtu ${want.mtu}`); }
    const liveState = isFresh ? 'down' : live?.state ?? 'down';
    if (want.state !== liveState) { settings.state = want.state; changes.push(want.state); }
    const args = setLinkArgs(want.name, settings);
    if (!args) return;
    const onlyMark = changes.length === 0 || (changes.length === 1 && changes[0].startsWith('mark '));
    const description = changes.length === 1 && (changes[0] === 'up' || changes[0] === 'down')
      ? stepText.bringLink(changes[0], want.name, namespace)
      : onlyMark ? stepText.markLink(want.name, namespace, this.input.lab) : stepText.setLink(want.name, namespace, changes);
    this.steps.add('configure', namespace, WORK_IN_STAGE.configure.link, isFresh ? 'create' : 'change', description, [{ tool: 'ip', namespace, args }]);
  }

  private planAddresses(namespace: string, want: NetInterface, live: NetInterface | undefined, owned: boolean): void {
    const liveAddresses = live ? live.addresses.filter((a) => !isKernelAddress(live, a)).map(canonicalCidr) : [];
    const wanted = [...new Set(want.addresses.map(canonicalCidr))];
    for (const address of liveAddresses) {
      if (wanted.includes(address)) continue;
      const recorded = this.own.ownsAddressRecord(namespace, want.name, address);
      if (!owned && !recorded) continue;
      const commands: HostCommand[] = [{ tool: 'ip', namespace, args: deleteAddressArgs(address, want.name) }];
      if (recorded) commands.push({ tool: 'release', record: { kind: 'address', namespace, interface: want.name, address } });
      this.steps.add('teardown', namespace, WORK_IN_STAGE.teardown.address, 'delete', stepText.removeAddress(address, want.name, namespace), commands);
      this.addressRemoved.add(key(namespace, want.name));
    }
    for (const address of wanted) {
      const record: OwnedRecord = { kind: 'address', namespace, interface: want.name, address };
      if (liveAddresses.includes(address)) {
        if (!owned && this.own.ownsAddressRecord(namespace, want.name, address)) this.keep.push(record);
        continue;
      }
      const commands: HostCommand[] = [];
      if (!owned) { commands.push({ tool: 'claim', record }); this.keep.push(record); }
      commands.push({ tool: 'ip', namespace, args: addAddressArgs(address, want.name) });
      this.steps.add('configure', namespace, WORK_IN_STAGE.configure.address, 'create', stepText.addAddress(address, want.name, namespace), commands);
    }
  }

  // ── routes ──────────────────────────────────────────────────────────────────────────────────────

  private planRoutes(namespace: string, desired: Namespace): void {
    const liveNs = this.liveNamespace(namespace);
    const liveRoutes = (liveNs?.routes ?? []).filter((route) => !isKernelRoute(liveNs!, route)
      && !(route.dev && (this.gone.has(key(namespace, route.dev)) || this.fresh.has(key(namespace, route.dev)))));
    const wantedKeys = new Set<string>();
    for (const want of desired.routes) {
      wantedKeys.add(routeKey(want));
      if (want.dev && this.blockedInterfaces.has(key(namespace, want.dev))) continue;
      this.planRoute(namespace, want, liveRoutes.find((route) => routeKey(route) === routeKey(want)));
    }
    if (this.blockedNamespaces.has(namespace)) return;
    const nsOwned = this.own.ownsNamespace(namespace);
    for (const route of liveRoutes) {
      if (wantedKeys.has(routeKey(route)) || !this.own.ownsRoute(namespace, route)) continue;
      const commands: HostCommand[] = [{ tool: 'ip', namespace, args: routeArgs('del', route) }];
      if (!nsOwned) commands.push({ tool: 'release', record: routeRecord(namespace, route) });
      this.steps.add('teardown', namespace, WORK_IN_STAGE.teardown.route, 'delete', stepText.removeRoute(route, namespace), commands);
    }
  }

  /** One route the file wants, against the live route to the same destination (if any). */
  private planRoute(namespace: string, want: Route, match: Route | undefined): void {
    const nsOwned = this.own.ownsNamespace(namespace);
    const record = routeRecord(namespace, want);
    if (!match) {
      const commands: HostCommand[] = [];
      if (!nsOwned) { commands.push({ tool: 'claim', record }); this.keep.push(record); }
      commands.push({ tool: 'ip', namespace, args: routeArgs('add', want) });
      this.steps.add('configure', namespace, WORK_IN_STAGE.configure.route, 'create', stepText.addRoute(want, namespace), commands);
      return;
    }
    const owned = this.own.ownsRoute(namespace, match);
    if (sameRoute(want, match)) {
      if (owned && !nsOwned) this.keep.push(record);
      if (owned && this.dependsOnRemovedAddress(namespace, match)) {
        this.steps.add('configure', namespace, WORK_IN_STAGE.configure.route, 'change', stepText.reAddRoute(want, namespace), [
          { tool: 'ip', namespace, args: routeArgs('replace', want) },
        ]);
      }
      return;
    }
    const adopt = adoptKeyForRoute(namespace, canonicalRouteTarget(want.to));
    if (!owned && !this.own.isAdopted(adopt)) {
      this.conflicts.push({
        element: routePhrase(match, namespace),
        reason: `lab "${this.input.lab}" wants ${describeRoute(want)} instead, and did not create this route`,
        adopt,
      });
      return;
    }
    const commands: HostCommand[] = [];
    if (!nsOwned) { commands.push({ tool: 'claim', record }); this.keep.push(record); }
    commands.push({ tool: 'ip', namespace, args: routeArgs('replace', want) });
    this.steps.add('configure', namespace, WORK_IN_STAGE.configure.route, 'change', stepText.changeRoute(match, want, namespace), commands);
  }

  private dependsOnRemovedAddress(namespace: string, route: Route): boolean {
    if (route.dev && this.addressRemoved.has(key(namespace, route.dev))) return true;
    const via = route.via ? parseIp(route.via) : null;
    if (!via) return false;
    const live = this.liveNamespace(namespace);
    return (live?.interfaces ?? []).some((iface) => this.addressRemoved.has(key(namespace, iface.name))
      && iface.addresses.some((a) => { const c = parseCidr(a); return c !== null && cidrContains(networkOf(c), via); }));
  }

  // ── forwarding ──────────────────────────────────────────────────────────────────────────────────

  private planForwarding(namespace: string, desired: Namespace): void {
    const live = this.liveNamespace(namespace);
    const liveValue = live ? live.forwarding : false;
    const nsOwned = this.own.ownsNamespace(namespace);
    const set = (enable: boolean): HostCommand => ({ tool: 'forwarding', namespace, enable });
    if (nsOwned) {
      if (desired.forwarding !== liveValue) {
        this.steps.add('forwarding', namespace, 0, 'change', stepText.turnForwarding(desired.forwarding, namespace), [set(desired.forwarding)]);
      }
      return;
    }
    // Somebody else's namespace (the host's own): "off" in the file means "leave it as it is". The
    // value before the first lab changed it is kept, passed on between labs that want it on, and put
    // back by the last of them to let go.
    const previous = this.own.previousForwarding(namespace);
    const holders = this.own.otherHolders('forwarding', namespace);
    if (desired.forwarding) {
      const original = previous ?? (holders.length ? holders[0].previous as boolean : liveValue);
      if (!liveValue) {
        const commands: HostCommand[] = [];
        if (previous === null) commands.push({ tool: 'claim', record: { kind: 'forwarding', namespace, previous: original } });
        commands.push(set(true));
        this.steps.add('forwarding', namespace, 0, 'change', stepText.turnForwarding(true, namespace), commands);
      }
      this.keep.push({ kind: 'forwarding', namespace, previous: original });
    } else if (previous !== null) {
      const commands: HostCommand[] = [];
      if (liveValue !== previous && !holders.length) commands.push(set(previous));
      commands.push({ tool: 'release', record: { kind: 'forwarding', namespace, previous } });
      const description = holders.length
        ? stepText.leaveForwardingShared(liveValue, namespace, holders[0].lab)
        : liveValue === previous
          ? stepText.leaveForwardingAsBefore(previous, namespace, this.input.lab)
          : stepText.restoreForwarding(previous, namespace);
      this.steps.add('forwarding', namespace, 0, 'change', description, commands);
    }
  }

  private collectWarnings(): void {
    for (const warning of this.input.live.warnings ?? []) this.warnings.push(warning);
    this.warnings.push(...nativeOverrideWarnings(this.input.desired, this.input.live));
  }
}

function sameRoute(want: Route, live: Route): boolean {
  const via = (text: string | null) => (text ? canonicalIp(text) : null);
  return via(want.via) === via(live.via) && (want.dev === null || want.dev === live.dev);
}

/** What the lab's state file records of a route it claims. */
function routeRecord(namespace: string, route: Route): OwnedRecord {
  return { kind: 'route', namespace, to: canonicalRouteTarget(route.to), via: route.via ? canonicalIp(route.via) : null, dev: route.dev };
}
