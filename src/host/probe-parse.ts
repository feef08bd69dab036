// The probe's output → one Topology. Pure: unit-tested on outputs captured from real kernels.

import { VnetError } from '../model/errors';
import { OWNER_PREFIX } from '../model/nat';
import { namespaceOwners, parseLabState } from '../model/lab-state';
import { checkLabName, printable } from '../model/names';
import {
  STATE_SCHEMA, type InterfaceKind, type IptablesBackend, type Namespace, type NetInterface, type Route, type Topology,
} from '../model/topology';
import type { IptablesTableState } from '../model/firewall';
import { interfaceKindOf } from '../model/interface-kinds';
import { decideHolders, parseHolderLines } from './namespace-holders';
import { nftFromIpJson } from './probe-nft';
import { NamespaceParses } from './probe-early-parse';
import { nameNamespaces, parseNsfsMounts, type NamespaceIdentity, type NsfsMount } from './namespace-names';
import { parseIpJson } from './probe-ip-json';
import { qdiscFields } from './probe-qdisc';
import { emptyNamespaceState, type RawLink, type RawNamespaceState, type RawRoute } from './probe-raw';
import { namespaceRouting } from './probe-routing';
import { splitProbeOutput, type NamespaceRecord, type ProbeRecords } from './probe-records';
import { linkRefKey, pairVeths, type VethPairing } from './veth-peers';

const TOOL_ADVICE: Record<string, string> = {
  ip: 'iproute2 (the ip command) is not installed there. Install it, e.g. apt-get install iproute2.',
  iptables: 'iptables is not installed there. Install it, e.g. apt-get install iptables.',
  nsenter: 'neither perl nor nsenter (util-linux) is there, and vnet needs one of them to read namespaces. Install util-linux.',
  perl: 'perl is not there, and the netlink method was asked for. Install perl-base, or use the ip method.',
  mktemp: 'mktemp (coreutils) is missing there.',
};

function kindOf(link: RawLink): InterfaceKind {
  if (link.loopback) return 'loopback';
  return interfaceKindOf(link.kind);
}

function isKernelMadeAddress(family: 4 | 6, scope: string): boolean {
  // IPv6 link-local addresses: the kernel gives every interface one.
  return family === 6 && scope === 'link';
}

function ownerOf(alias: string | null): string | null {
  return alias && alias.startsWith(OWNER_PREFIX) ? alias.slice(OWNER_PREFIX.length) : null;
}

function rawStateOf(record: NamespaceRecord, parses: NamespaceParses): { state: RawNamespaceState; problem: string | null } {
  if (record.netlink) {
    const parsed = parses.netlinkState(record, record.netlink);
    return { state: parsed, problem: record.partial ? 'the kernel refused part of the netlink dump' : null };
  }
  if (record.ipJson !== null) {
    try {
      return { state: parseIpJson(record.ipJson), problem: null };
    } catch (error) {
      return { state: emptyNamespaceState(), problem: `ip printed JSON that does not parse (${(error as Error).message})` };
    }
  }
  return { state: emptyNamespaceState(), problem: 'nothing was read' };
}

function routesOf(rawRoutes: readonly RawRoute[], kernelMade = false): Route[] {
  const routes: Route[] = [];
  for (const raw of rawRoutes) {
    // Routes the kernel adds itself (connected subnets, IPv6 link-local) are not anybody's configuration:
    // they are kept apart (kernelRoutes), in the kernel's order, for the trace.
    if ((raw.protocol === 'kernel') !== kernelMade) continue;
    if (raw.type !== 'unicast' && raw.type !== 'blackhole' && raw.type !== 'unreachable' && raw.type !== 'prohibit' && raw.type !== 'throw') continue;
    for (const hop of raw.nexthops) {
      const route: Route = { to: raw.to, via: hop.via, dev: hop.dev, protocol: raw.protocol };
      if (raw.type !== 'unicast') route.type = raw.type;
      routes.push(route);
    }
  }
  return routes;
}

/** The kernel's own routes of the main table, in its order; absent when there are none. */
function kernelRoutesOf(rawRoutes: readonly RawRoute[]): { kernelRoutes?: Route[] } {
  const kernelRoutes = routesOf(rawRoutes, true);
  return kernelRoutes.length ? { kernelRoutes } : {};
}

/** Parses the probe's stdout. Throws a VnetError for a missing tool or an output cut short. */
export function parseProbeOutput(output: string, mark: string, host: string, stderr = ''): Topology {
  return parseProbeSnapshot(output, mark, host, stderr).topology;
}

/** What a plan reads of a host: the live network, and the labs' state files as they were while it was read. */
export interface ProbeSnapshot {
  topology: Topology;
  /** Each lab's state file text, by lab name. */
  stateFiles: Map<string, string>;
  /**
   * Whether the state files were the same before and after the network was read. Every apply writes its
   * lab's file before it changes anything and again when it is done, so then the two agree: no element
   * is missing a claim, and no finished apply is missing from the network.
   */
  stateSteady: boolean;
}

export function parseProbeSnapshot(output: string, mark: string, host: string, stderr = ''): ProbeSnapshot {
  return snapshotOfRecords(splitProbeOutput(output, mark), new NamespaceParses(), host, stderr);
}

/** The same from records read as the output arrived, with what was parsed meanwhile (probe-early-parse.ts). */
export function snapshotOfRecords(records: ProbeRecords, parses: NamespaceParses, host: string, stderr = ''): ProbeSnapshot {
  assertReadable(records, host, stderr);
  // A state file whose name is not a lab name was not written by VNet: it names no owner.
  const owners = namespaceOwners(records.labStates.filter((file) => checkLabName(file.lab) === null).map((file) => parseLabState(file.lab, file.text)));
  const warnings: string[] = records.restarts.map((why) => `The fast probe failed (${why}); the host was read with nsenter and ip instead.`);
  const { visited, identities } = visitedNamespaces(records, warnings);
  const raw = new Map<number, RawNamespaceState>();
  for (const record of visited) {
    const { state, problem } = rawStateOf(record, parses);
    raw.set(record.inode, state);
    if (problem) warnings.push(`Namespace "${identities.get(record.inode)!.name}": ${problem}.`);
  }
  const links = new LinkIndex(raw);
  const named = namedNamespaceInodes(parseNsfsMounts(records.mountinfo));
  const holders = decideHolders(parseHolderLines(records.holders), parseNsfsMounts(records.mountinfo));
  const pairing = pairVeths(new Map([...raw].map(([inode, state]) => [inode, { links: state.links, nsidInodes: nsidInodesOf(state, named) }])));
  const namespaces = visited.map((record): Namespace => {
    const identity = identities.get(record.inode)!;
    const state = raw.get(record.inode)!;
    const iptables = iptablesOf(record, identity, warnings, parses);
    const nft = record.netlink ? parses.nftTables(record, record.netlink) : nftFromIpJson(record.ipJson ?? '');
    warnings.push(...nft.problems.map((problem) => `Namespace "${identity.name}" ${problem}.`));
    return {
      name: identity.name,
      root: identity.root,
      ...(identity.anonymous ? { anonymous: true } : {}),
      inode: record.inode,
      ...(identity.path ? { path: identity.path } : {}),
      forwarding: state.forwarding ?? false,
      forwardPolicy: records.tools.nft || records.tools.legacy ? iptables.forwardPolicy : null,
      interfaces: interfacesOf(record.inode, state, { links, pairing, identities }),
      routes: routesOf(state.routes),
      ...kernelRoutesOf(state.routes),
      nat: iptables.nat,
      natChains: iptables.natChains,
      iptablesBackends: iptables.backends,
      ...(iptables.tables.length ? { iptables: iptables.tables } : {}),
      ...(nft.tables.length ? { nftTables: nft.tables } : {}),
      ...(!identity.root && !identity.anonymous && owners.has(identity.name) ? { owner: owners.get(identity.name) } : {}),
      ...(!identity.root && holders.has(record.inode) ? { holder: holders.get(record.inode) } : {}),
      ...(state.routing ? namespaceRouting(state.routing, routesOf, state.links.some((l) => l.kind === 'bridge')) : {}),
    };
  });
  namespaces.sort((a, b) => Number(b.root) - Number(a.root) || Number(Boolean(a.anonymous)) - Number(Boolean(b.anonymous)) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const topology: Topology = { schema: STATE_SCHEMA, host, namespaces };
  if (warnings.length) topology.warnings = warnings;
  return { topology, ...stateFilesOf(records) };
}

/** Throws a VnetError for a missing tool or an output cut short. */
function assertReadable(records: ProbeRecords, host: string, stderr: string): void {
  if (records.fatal) {
    const advice = TOOL_ADVICE[records.fatal.tool] ?? `${printable(records.fatal.tool)} is missing there.`;
    throw new VnetError(records.fatal.code.startsWith('VN-') ? records.fatal.code : 'VN-HOST-TOOL', `Cannot read "${printable(host)}": ${advice}`);
  }
  if (!records.complete || records.rootInode === null) {
    const why = stderr.trim().split('\n').filter(Boolean).slice(-3).join(' / ');
    throw new VnetError('VN-PROBE-INCOMPLETE', `Reading "${printable(host)}" stopped before the end${why ? `: ${printable(why)}` : ''}. Run vnet show again; if it persists, report it with this message.`, stderr);
  }
}

/** The namespaces read to the end, once each, and their names. Namespaces that vanished meanwhile are simply gone. */
function visitedNamespaces(records: ProbeRecords, warnings: string[]): { visited: NamespaceRecord[]; identities: Map<number, NamespaceIdentity> } {
  const readable = records.namespaces.filter((r) => r.failure === null);
  const seen = new Set<number>();
  const visited = readable.filter((r) => (seen.has(r.inode) ? false : (seen.add(r.inode), true)));
  const naming = nameNamespaces(records.rootInode!, visited.map((r) => r.inode), parseNsfsMounts(records.mountinfo), records.processes);
  warnings.push(...naming.warnings);
  for (const failed of records.namespaces.filter((r) => r.failure !== null && !seen.has(r.inode))) {
    if (!/^gone/.test(failed.failure!)) warnings.push(`Namespace with inode ${failed.inode} could not be read (${failed.failure}).`);
  }
  return { visited, identities: naming.identities };
}

const NAMED_NETNS_DIRS = ['/run/netns/', '/var/run/netns/'];

/** The inodes of the namespaces that `ip netns` knows, by name. */
function namedNamespaceInodes(mounts: readonly NsfsMount[]): Map<string, Set<number>> {
  const named = new Map<string, Set<number>>();
  for (const mount of mounts) {
    const dir = NAMED_NETNS_DIRS.find((d) => mount.path.startsWith(d));
    if (!dir) continue;
    const name = mount.path.slice(dir.length);
    named.set(name, (named.get(name) ?? new Set()).add(mount.inode));
  }
  return named;
}

/** What a namespace's nsids stand for, as inodes: as the kernel said (netlink), or by name in /run/netns (ip). */
function nsidInodesOf(state: RawNamespaceState, named: ReadonlyMap<string, ReadonlySet<number>>): Map<number, number> {
  const inodes = new Map(state.nsidInodes);
  for (const [nsid, name] of state.nsidNames) {
    const found = named.get(name);
    // Two different namespaces under one name (/run/netns and /var/run/netns apart): no answer.
    if (found?.size === 1 && !inodes.has(nsid)) inodes.set(nsid, [...found][0]);
  }
  return inodes;
}

/** Every namespace's links by ifindex, built when first asked. */
class LinkIndex {
  private readonly byInode = new Map<number, Map<number, RawLink>>();
  constructor(private readonly raw: ReadonlyMap<number, RawNamespaceState>) {}

  of(inode: number): Map<number, RawLink> {
    let map = this.byInode.get(inode);
    if (!map) {
      map = new Map((this.raw.get(inode)?.links ?? []).map((l) => [l.index, l]));
      this.byInode.set(inode, map);
    }
    return map;
  }
}

interface PeerContext {
  links: LinkIndex;
  pairing: VethPairing;
  identities: ReadonlyMap<number, NamespaceIdentity>;
}

function addressesByIndex(state: RawNamespaceState): Map<number, string[]> {
  const addressesOf = new Map<number, string[]>();
  for (const a of state.addresses) {
    if (isKernelMadeAddress(a.family, a.scope)) continue;
    const list = addressesOf.get(a.index);
    if (list) list.push(a.cidr);
    else addressesOf.set(a.index, [a.cidr]);
  }
  return addressesOf;
}

function interfacesOf(inode: number, state: RawNamespaceState, context: PeerContext): NetInterface[] {
  const byIndex = context.links.of(inode);
  const addressesOf = addressesByIndex(state);
  const qdiscOf = new Map((state.qdiscs ?? []).map((q) => [q.index, q]));
  return [...state.links].sort((a, b) => a.index - b.index).map((link) => {
    const key = linkRefKey(inode, link.index);
    const peer = link.kind === 'veth' ? context.pairing.peers.get(key) : undefined;
    const peerNamespace = peer ? context.identities.get(peer.inode) : undefined;
    const peerLink = peer ? context.links.of(peer.inode).get(peer.index) : undefined;
    const iface: NetInterface = {
      name: link.name,
      kind: kindOf(link),
      state: link.up ? 'up' : 'down',
      operstate: link.operstate ?? undefined,
      mtu: link.mtu,
      mac: link.mac,
      addresses: addressesOf.get(link.index) ?? [],
      master: link.master !== null ? byIndex.get(link.master)?.name ?? null : null,
      peer: peerNamespace && peerLink ? { namespace: peerNamespace.name, interface: peerLink.name } : null,
      ...(link.kind === 'veth' && context.pairing.outside.has(key) ? { peerOutside: true } : {}),
      owner: ownerOf(link.alias),
      alias: link.alias,
      altNames: link.altNames,
      linkKind: kindOf(link) === 'other' ? link.kind : null,
      ...qdiscFields(qdiscOf.get(link.index)),
    };
    if (iface.operstate === undefined) delete iface.operstate;
    return iface;
  });
}

interface IptablesState {
  nat: Namespace['nat'];
  natChains: string[];
  backends: IptablesBackend[];
  forwardPolicy: 'ACCEPT' | 'DROP';
  /** The filter, mangle and raw tables. */
  tables: IptablesTableState[];
}

function iptablesOf(record: NamespaceRecord, identity: NamespaceIdentity, warnings: string[], parses: NamespaceParses): IptablesState {
  const result: IptablesState = { nat: [], natChains: [], backends: [], forwardPolicy: 'ACCEPT', tables: [] };
  for (const dump of record.iptables) {
    if (dump.exitCode !== 0) {
      warnings.push(`Namespace "${identity.name}": iptables-${dump.backend}-save failed (exit ${dump.exitCode ?? '?'}); its ${dump.backend} rules are not shown.`);
      continue;
    }
    const parsed = parses.iptablesSave(dump);
    result.nat.push(...parsed.natRules);
    result.tables.push(...parsed.tables);
    for (const chain of parsed.natChains) if (!result.natChains.includes(chain)) result.natChains.push(chain);
    // Both backends' hooks see every packet: a DROP in either one drops it.
    if (parsed.forwardPolicy === 'DROP') result.forwardPolicy = 'DROP';
    if (parsed.holdsRules) result.backends.push(dump.backend);
  }
  if (result.backends.length > 1) {
    warnings.push(`Namespace "${identity.name}" has iptables rules in both backends (nft and legacy). Both apply to every packet, but each iptables command shows only its own: consider moving the legacy rules to nft (iptables-legacy-save | iptables-nft-restore).`);
  }
  return result;
}

function stateFilesOf(records: ProbeRecords): Pick<ProbeSnapshot, 'stateFiles' | 'stateSteady'> {
  const stateFiles = new Map(records.labStates.map((file) => [file.lab, file.text]));
  const after = records.labStatesAfter;
  const stateSteady = after !== null && after.length === stateFiles.size && after.every((file) => stateFiles.get(file.lab) === file.text);
  return { stateFiles, stateSteady };
}
