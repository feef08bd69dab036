// `vnet export`: a live Topology → a Lab that reproduces it → .vnet text (printLab). Pure. What an apply
// of the text could not reproduce, or must not touch, is left out and said so in a comment: anonymous
// namespaces (Docker's, Mininet's), the host's own interfaces (eth0, lo) with their addresses and routes,
// and what the kernel makes by itself (connected routes, link-local addresses).

import { canonicalIp } from '../model/cidr';
import { isEmptyImpairment } from '../model/impairment';
import type { LabState } from '../model/lab-state';
import { checkLabName } from '../model/names';
import { OWNER_PREFIX } from '../model/nat';
import { DEFAULT_MACHINE, ROOT_NAMESPACE, STATE_SCHEMA, type Lab, type Namespace, type NatRule, type NetInterface, type Topology } from '../model/topology';
import { printLab } from '../language/print';
import { describeRoute } from '../model/route';
import { isKernelAddress, isKernelRoute } from '../model/kernel-made';
import { isBuiltinChain } from '../model/iptables';
import { INTERFACE_KINDS, PEER_OUTSIDE_HOST, REPRODUCIBLE_KIND_NAMES, isReproducible } from '../model/interface-kinds';
import { Ownership } from './ownership';
import { undecidableLeftOut } from './export-left-out';
import { holderLabel } from '../model/namespace-label';


export interface ExportOptions {
  /** Name of the lab in the text. Default: the lab exported, else one made from the host's name. */
  name?: string;
  /** Export only what this lab owns (needs its state file). */
  lab?: string | null;
  state?: LabState | null;
}

export interface ExportResult {
  lab: Lab;
  /** What was left out, one sentence each (also written as comments at the top of the text). */
  skipped: string[];
  /**
   * The part of `skipped` an apply of the file does not rebuild: everything but the host's own interfaces
   * and default route, which any host it is applied to has itself. When any, the copy is partial.
   */
  missing: string[];
}

/** A lab name from a host target: `root@10.0.1.48` → `10.0.1.48`. */
export function labNameFor(target: string): string {
  const host = target.slice(target.lastIndexOf('@') + 1).replace(/^\[|\]$/g, '');
  const name = host.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 32);
  return name && !checkLabName(name) ? name : 'exported';
}

function cleanInterface(iface: NetInterface): NetInterface {
  const mtu = iface.mtu !== null && iface.mtu !== INTERFACE_KINDS[iface.kind].defaultMtu ? iface.mtu : null;
  return {
    name: iface.name,
    kind: iface.kind,
    state: iface.state,
    mtu,
    mac: null,
    addresses: iface.addresses.filter((a) => !isKernelAddress(iface, a)),
    master: iface.master,
    peer: iface.peer,
    ...(isEmptyImpairment(iface.impairment) ? {} : { impairment: iface.impairment! }),
  };
}

function cleanRule(rule: NatRule): NatRule {
  const mark = rule.comment?.startsWith(OWNER_PREFIX) ?? false;
  const copy: NatRule = { ...rule, comment: mark ? null : rule.comment };
  delete copy.owner;
  delete copy.backend;
  return copy;
}

export function exportLab(live: Topology, options: ExportOptions = {}): ExportResult {
  const only = options.lab ?? null;
  const own = only ? new Ownership(only, live, options.state ?? { lab: only, records: [] }) : null;
  const notes = new LeftOut();
  const kept = keptNamespaces(live, own, notes);
  const rootNs = live.namespaces.find((ns) => ns.root);
  const namespaces: Namespace[] = [];
  for (const ns of live.namespaces) {
    const name = ns.root ? ROOT_NAMESPACE : ns.name;
    if (!kept.has(name)) continue;
    const out: Namespace = {
      name, root: ns.root, forwarding: ns.forwarding, interfaces: [], routes: [], nat: [], natChains: [],
      forwardPolicy: ns.root ? ns.forwardPolicy : ns.forwardPolicy === 'DROP' ? 'DROP' : null,
    };
    const scope: ExportScope = { ns, name, out, own, kept, notes };
    exportInterfaces(scope);
    exportRoutes(scope);
    exportNat(scope);
    // What decides forwarding beyond a file's reach; on the root namespace, only when the whole host is exported.
    if (!(own && ns.root)) for (const line of undecidableLeftOut(ns, rootNs)) notes.leave(line);
    if (own && ns.root) {
      out.forwarding = ns.forwarding && own.previousForwarding(name) !== null;
      out.forwardPolicy = own.previousForwardPolicy(name) !== null ? ns.forwardPolicy : null;
    }
    namespaces.push(out);
  }
  detachMissingBridges(namespaces, notes);
  const labName = options.name ?? only ?? labNameFor(live.host);
  return {
    lab: { name: labName, hosts: [{ name: DEFAULT_MACHINE, target: null, topology: { schema: STATE_SCHEMA, host: live.host, namespaces } }] },
    skipped: notes.skipped,
    missing: notes.missing,
  };
}

/** What an export leaves out: everything, and apart from it what a host it is applied to would miss. */
class LeftOut {
  readonly skipped: string[] = [];
  readonly missing: string[] = [];

  /** `hostOwn`: the host's own (eth0, its default route), which a target host has itself. */
  leave(text: string, hostOwn = false): void {
    this.skipped.push(text);
    if (!hostOwn) this.missing.push(text);
  }
}

interface ExportScope {
  ns: Namespace;
  /** The namespace's name in the file (`host` for the root). */
  name: string;
  out: Namespace;
  own: Ownership | null;
  kept: ReadonlySet<string>;
  notes: LeftOut;
}

/** The namespaces a file can create (named ones), and with --lab only the lab's. */
function keptNamespaces(live: Topology, own: Ownership | null, notes: LeftOut): Set<string> {
  const kept = new Set<string>();
  for (const ns of live.namespaces) {
    if (ns.anonymous) {
      const holder = ns.holder ? `, held by ${holderLabel(ns.holder)}` : '';
      notes.leave(`namespace ${ns.name}${ns.path && ns.path !== ns.name ? ` (${ns.path})` : ''}${holder}: it has no name under /run/netns, so a file cannot create it`);
      continue;
    }
    if (!ns.root && own && !own.ownsNamespace(ns.name)) continue;
    kept.add(ns.root ? ROOT_NAMESPACE : ns.name);
  }
  return kept;
}

function exportInterfaces({ ns, name, out, own, kept, notes }: ExportScope): void {
  const addressText = (iface: NetInterface) => (iface.addresses.length ? ` (${iface.addresses.join(', ')})` : '');
  for (const iface of ns.interfaces) {
    if (own && !own.ownsInterface(name, iface)) continue;
    if (iface.kind === 'loopback') {
      if (!ns.root && iface.state === 'up') out.interfaces.push(cleanInterface(iface));
      continue;
    }
    if (!isReproducible(iface.kind)) {
      if (ns.root) notes.leave(`interface ${iface.name}${addressText(iface)}: the host's own`, true);
      else notes.leave(`interface ${iface.name} in ${name} (${iface.kind}): vnet creates only these kinds: ${REPRODUCIBLE_KIND_NAMES}`);
      continue;
    }
    if (iface.kind === 'veth' && (!iface.peer || !kept.has(iface.peer.namespace))) {
      if (!iface.peer && ns.root) {
        // Its other end is outside this host (a container host's uplink, the testbed's eth0).
        notes.leave(`interface ${iface.name}${addressText(iface)}: the host's own (a veth whose other end is ${PEER_OUTSIDE_HOST})`, true);
      } else {
        notes.leave(`veth ${iface.name} in ${name}: its other end is ${iface.peer ? `in ${iface.peer.namespace}, which is not exported` : 'unknown'}`);
      }
      continue;
    }
    out.interfaces.push(cleanInterface(iface));
  }
}

function exportRoutes({ ns, name, out, own, notes }: ExportScope): void {
  const exported = new Set(out.interfaces.map((i) => i.name));
  for (const route of ns.routes) {
    if (isKernelRoute(ns, route)) continue;
    if (own && !own.ownsRoute(name, route)) continue;
    if (ns.root && route.to === 'default') {
      notes.leave(`route ${describeRoute(route)}: the host's own default route`, true);
      continue;
    }
    if (route.dev && !exported.has(route.dev) && route.via === null) {
      notes.leave(`route ${describeRoute(route)} in ${name}: its interface is not exported`);
      continue;
    }
    out.routes.push({ to: route.to, via: route.via ? canonicalIp(route.via) : null, dev: route.dev && exported.has(route.dev) ? route.dev : null });
  }
}

function exportNat({ ns, name, out, own }: ExportScope): void {
  for (const chain of ns.natChains) {
    if (own && !own.ownsChain(name, chain)) continue;
    out.natChains.push(chain);
  }
  for (const rule of ns.nat) {
    if (own && !own.ownsRule(name, rule)) continue;
    if (own && !out.natChains.includes(rule.chain) && !isBuiltinChain('nat', rule.chain)) continue;
    out.nat.push(cleanRule(rule));
  }
}

/** Bridge ports whose bridge was left out are written without it. */
function detachMissingBridges(namespaces: readonly Namespace[], notes: LeftOut): void {
  for (const ns of namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.master && !ns.interfaces.some((i) => i.name === iface.master && i.kind === 'bridge')) {
        notes.leave(`${iface.name} in ${ns.name} is a port of ${iface.master}, which is not exported; it is written without it`);
        iface.master = null;
      }
    }
  }
}

/** What the header says the file reproduces: all of it, all but the host's own, or a partial copy. */
function verdictLines(skipped: readonly string[], missing: readonly string[]): string[] {
  if (!skipped.length) return ['# This file reproduces the network: applying it to an empty host builds the same network.'];
  if (!missing.length) {
    return ['# This file reproduces the network: applying it to an empty host builds the same network,',
      '# on that host\'s own interfaces and default route (the ones listed below are this host\'s).'];
  }
  const things = missing.length === 1 ? 'the first thing' : `the first ${missing.length} things`;
  return ['# PARTIAL copy: applying this file to an empty host does NOT build the same network.',
    `# It lacks ${things} listed below.`];
}

/** The .vnet text of an export, with what was left out as comments at the top. */
export function exportText(live: Topology, options: ExportOptions = {}): string {
  const { lab, skipped, missing } = exportLab(live, options);
  const header = [
    `# Exported by vnet export from ${live.host.replace(/[\r\n]/g, ' ')}${options.lab ? `: what lab ${options.lab} owns there` : ''}.`,
    ...verdictLines(skipped, missing),
  ];
  if (skipped.length) {
    header.push('# Left out:');
    // What the copy lacks first; the host's own last.
    const ordered = [...missing, ...skipped.filter((line) => !missing.includes(line))];
    for (const line of ordered) header.push(`#   - ${line.replace(/[\r\n]+/g, ' ')}`);
  }
  return `${header.join('\n')}\n${printLab(lab)}`;
}
