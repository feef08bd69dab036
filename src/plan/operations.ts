// Imperative operations for the extension's tree commands (create a namespace, remove a veth pair…), on the
// same engine as apply: each is validated, becomes steps, and runs as one script over one exec under the
// host lock (src/engine/run-operation.ts). An operation acts on the element the user named, whoever made
// it: that is what asking for an element by name means. Elements it creates belong to nobody, unless a lab
// is given: then they carry the lab's marks and claims, and the lab's next apply or destroy treats them as
// its own. The `ip` commands are ip-commands.ts's and the wording wording.ts's, as for a plan.

import { parseNatAddress } from '../model/nat-address';
import { defaultNatChain } from '../model/nat-targets';
import { PORT_RANGE_HINT, validPort } from '../model/ports';
import { canonicalCidr, canonicalIp, parseCidr } from '../model/cidr';
import { VnetError } from '../model/errors';
import { natRuleKey, ownerMark, parseNatRule, renderNatRule, tokenizeIptables, type NatRuleFields } from '../model/nat';
import {
  ROOT_NAMESPACE, type AddressMatch, type Namespace, type NetInterface, type PeerRef, type Route, type Topology,
} from '../model/topology';
import {
  addAddressArgs, createLinkArgs, createNamespaceArgs, createVethArgs, deleteAddressArgs, deleteLinkArgs,
  deleteNamespaceArgs, routeArgs, setLinkArgs,
} from './ip-commands';
import type { HostCommand, Plan, PlanStep, Stage, StepAction } from './plan';
import { assertCidr, assertInterfaceName, assertIp, assertLabName, assertNamespaceName, assertRouteTarget } from './validate';
import { inNamespace, removalText, stepText } from './wording';
import { impairmentProblem, isEmptyImpairment, type Impairment } from '../model/impairment';
import { clearImpairmentArgs, setImpairmentArgs } from './tc-commands';

/** One end of a new veth pair: a namespace (`host` for the root one), a name, and optionally a bridge there. */
export interface VethEnd extends PeerRef {
  /** Make this end a port of this bridge (in the same namespace). */
  bridge?: string | null;
  /** An address for this end, with its prefix length. */
  address?: string | null;
}

export type Operation =
  | { kind: 'create-namespace'; name: string }
  | { kind: 'remove-namespace'; name: string }
  | { kind: 'create-veth'; a: VethEnd; b: VethEnd }
  | { kind: 'create-bridge'; namespace: string; name: string; address?: string | null }
  /** Removes a veth end (and so its pair), a bridge, or any other interface. */
  | { kind: 'remove-interface'; namespace: string; name: string }
  | { kind: 'add-address'; namespace: string; interface: string; address: string }
  | { kind: 'remove-address'; namespace: string; interface: string; address: string }
  | { kind: 'set-link-state'; namespace: string; interface: string; state: 'up' | 'down' }
  | { kind: 'add-route'; namespace: string; to: string; via: string | null; dev: string | null }
  | { kind: 'remove-route'; namespace: string; to: string; via: string | null; dev: string | null }
  /** `-A POSTROUTING -s SOURCE [! -o IFACE] -j MASQUERADE`. */
  | { kind: 'add-masquerade'; namespace: string; source: string; outInterface?: AddressMatch | null }
  /** `-A PREROUTING [! -i IFACE] -p PROTO -m PROTO --dport PORT -j DNAT --to-destination TO`. */
  | { kind: 'add-port-forward'; namespace: string; protocol: 'tcp' | 'udp'; port: string; to: string; inInterface?: AddressMatch | null }
  /** A rule as iptables-save prints it (`-A POSTROUTING …`), as the probe read it. */
  | { kind: 'remove-nat-rule'; namespace: string; rule: string }
  | { kind: 'set-forwarding'; namespace: string; enable: boolean }
  /** Replaces the interface's root qdisc with one that impairs what it sends (netem, or tbf for a rate alone). */
  | { kind: 'set-impairment'; namespace: string; interface: string; impairment: Impairment }
  /** Deletes the interface's root qdisc: the kernel puts its default back. */
  | { kind: 'clear-impairment'; namespace: string; interface: string };

type OperationOf<K extends Operation['kind']> = Extract<Operation, { kind: K }>;

export interface OperationContext {
  /** The host's live state, when known: operations check against it, and removals need it. */
  topology?: Topology | null;
  /** Mark what the operation creates as this lab's. */
  lab?: string | null;
}

function findNs(topology: Topology | null | undefined, name: string): Namespace | undefined {
  return topology?.namespaces.find((ns) => (name === ROOT_NAMESPACE ? ns.root : !ns.root && !ns.anonymous && ns.name === name));
}

function findIface(topology: Topology | null | undefined, namespace: string, name: string): NetInterface | undefined {
  return findNs(topology, namespace)?.interfaces.find((iface) => iface.name === name);
}

// ── validation ──────────────────────────────────────────────────────────────────────────────────

function assertPlace(name: string): void {
  if (name !== ROOT_NAMESPACE) assertNamespaceName(name);
}

function requireNamespace(context: OperationContext, name: string): void {
  if (context.topology && !findNs(context.topology, name)) {
    throw new VnetError('VN-OP-MISSING', `There is no namespace ${name} on ${context.topology.host}. Refresh the view, or create it first.`);
  }
}

function requireInterface(context: OperationContext, namespace: string, name: string): NetInterface | undefined {
  requireNamespace(context, namespace);
  const iface = findIface(context.topology, namespace, name);
  if (context.topology && !iface) {
    throw new VnetError('VN-OP-MISSING', `There is no interface ${name} ${inNamespace(namespace)} on ${context.topology.host}. Refresh the view.`);
  }
  return iface;
}

function refuseExisting(context: OperationContext, namespace: string, name: string): void {
  if (findIface(context.topology, namespace, name)) {
    throw new VnetError('VN-OP-EXISTS', `An interface ${name} already exists ${inNamespace(namespace)}. Choose another name.`);
  }
}

/** A namespace the operation works in, which must exist when the live state is known. */
function requirePlace(context: OperationContext, namespace: string): void {
  assertPlace(namespace);
  requireNamespace(context, namespace);
}

function validateVeth(op: OperationOf<'create-veth'>, context: OperationContext): void {
  for (const end of [op.a, op.b]) {
    const place = inNamespace(end.namespace);
    assertPlace(end.namespace);
    assertInterfaceName(end.interface, place);
    requireNamespace(context, end.namespace);
    refuseExisting(context, end.namespace, end.interface);
    if (end.bridge) {
      assertInterfaceName(end.bridge, place);
      const bridge = requireInterface(context, end.namespace, end.bridge);
      if (bridge && bridge.kind !== 'bridge') throw new VnetError('VN-OP-KIND', `${end.bridge} ${place} is not a bridge.`);
    }
    if (end.address) assertCidr(end.address, `${end.interface} ${place}`);
  }
  if (op.a.namespace === op.b.namespace && op.a.interface === op.b.interface) {
    throw new VnetError('VN-OP-INVALID', 'The two ends of a veth pair need different names when they are in the same namespace.');
  }
}

function validateRoute(op: OperationOf<'add-route' | 'remove-route'>, context: OperationContext): void {
  const what = `route ${inNamespace(op.namespace)}`;
  requirePlace(context, op.namespace);
  assertRouteTarget(op.to, what);
  if (op.via !== null) assertIp(op.via, what);
  if (op.dev !== null) assertInterfaceName(op.dev, what);
  if (op.via === null && op.dev === null) throw new VnetError('VN-OP-INVALID', 'A route needs a gateway (via) or an interface (dev).');
}

function validatePortForward(op: OperationOf<'add-port-forward'>, context: OperationContext): void {
  const what = `port forward ${inNamespace(op.namespace)}`;
  requirePlace(context, op.namespace);
  if (!validPort(op.port, ':')) throw new VnetError('VN-OP-INVALID', `Port "${op.port}" of a ${what} must be ${PORT_RANGE_HINT}.`);
  const to = parseNatAddress(op.to);
  if ('error' in to) throw new VnetError('VN-OP-INVALID', `${to.error} (${what})`);
  if (op.inInterface) assertInterfaceName(op.inInterface.value, what);
}

function validateNatRemoval(op: OperationOf<'remove-nat-rule'>, context: OperationContext): void {
  requirePlace(context, op.namespace);
  const rule = parseNatRule(op.rule);
  if (!rule || /[\r\n]/.test(op.rule)) throw new VnetError('VN-OP-INVALID', `"${op.rule}" is not a rule as iptables-save prints it (-A CHAIN …).`);
  const ns = findNs(context.topology, op.namespace);
  if (ns && !ns.nat.some((r) => natRuleKey(r) === natRuleKey(rule))) {
    throw new VnetError('VN-OP-MISSING', `That NAT rule is not ${inNamespace(op.namespace)} any more. Refresh the view.`);
  }
}

/** Checks an operation before it runs: names, addresses, and (given the live state) that things exist. */
export function validateOperation(op: Operation, context: OperationContext = {}): void {
  if (context.lab) assertLabName(context.lab);
  switch (op.kind) {
    case 'create-namespace':
      assertNamespaceName(op.name);
      if (findNs(context.topology, op.name)) throw new VnetError('VN-OP-EXISTS', `Namespace ${op.name} already exists. Choose another name.`);
      return;
    case 'remove-namespace':
      assertNamespaceName(op.name);
      requireNamespace(context, op.name);
      return;
    case 'create-veth':
      return validateVeth(op, context);
    case 'create-bridge':
      assertPlace(op.namespace);
      assertInterfaceName(op.name, inNamespace(op.namespace));
      requireNamespace(context, op.namespace);
      refuseExisting(context, op.namespace, op.name);
      if (op.address) assertCidr(op.address, `${op.name} ${inNamespace(op.namespace)}`);
      return;
    case 'remove-interface': {
      assertPlace(op.namespace);
      assertInterfaceName(op.name, inNamespace(op.namespace));
      const iface = requireInterface(context, op.namespace, op.name);
      if (iface?.kind === 'loopback') throw new VnetError('VN-OP-KIND', 'The loopback interface cannot be removed.');
      return;
    }
    case 'add-address': case 'remove-address': case 'set-link-state':
      assertPlace(op.namespace);
      assertInterfaceName(op.interface, inNamespace(op.namespace));
      requireInterface(context, op.namespace, op.interface);
      if (op.kind !== 'set-link-state') assertCidr(op.address, `${op.interface} ${inNamespace(op.namespace)}`);
      return;
    case 'add-route': case 'remove-route':
      return validateRoute(op, context);
    case 'add-masquerade':
      requirePlace(context, op.namespace);
      assertCidr(op.source, `masquerade ${inNamespace(op.namespace)}`);
      if (op.outInterface) assertInterfaceName(op.outInterface.value, `masquerade ${inNamespace(op.namespace)}`);
      return;
    case 'add-port-forward':
      return validatePortForward(op, context);
    case 'remove-nat-rule':
      return validateNatRemoval(op, context);
    case 'set-forwarding':
      return requirePlace(context, op.namespace);
    case 'set-impairment': case 'clear-impairment':
      return validateImpairment(op, context);
  }
}

function validateImpairment(op: OperationOf<'set-impairment' | 'clear-impairment'>, context: OperationContext): void {
  const where = `${op.interface} ${inNamespace(op.namespace)}`;
  assertPlace(op.namespace);
  assertInterfaceName(op.interface, inNamespace(op.namespace));
  const iface = requireInterface(context, op.namespace, op.interface);
  if (op.kind === 'set-impairment') {
    const problem = impairmentProblem(op.impairment);
    if (problem) throw new VnetError('VN-OP-INVALID', `${problem} (impairment of ${where})`);
  } else if (iface && isEmptyImpairment(iface.impairment)) {
    throw new VnetError('VN-OP-MISSING', `${where} has no impairment (no netem or tbf root qdisc) to clear. Refresh the view.`);
  }
}

// ── what else a removal takes ───────────────────────────────────────────────────────────────────

/** The veth ends that live outside a namespace but pair with an end inside it. */
function peersOutside(topology: Topology, namespace: string): { inside: NetInterface; peer: PeerRef }[] {
  const ns = findNs(topology, namespace);
  if (!ns) return [];
  return ns.interfaces.flatMap((inside) => (inside.kind === 'veth' && inside.peer && inside.peer.namespace !== namespace
    ? [{ inside, peer: inside.peer }] : []));
}

function namespaceRemoval(topology: Topology, name: string): string[] {
  const ns = findNs(topology, name);
  if (!ns) return [];
  const out: string[] = [];
  if (ns.owner) out.push(removalText.namespaceOwned(name, ns.owner));
  for (const iface of ns.interfaces) {
    if (iface.kind === 'loopback') continue;
    out.push(iface.kind === 'veth' && iface.peer && iface.peer.namespace !== name
      ? removalText.vethLeavesNamespace(iface.name, iface.peer)
      : removalText.linkInside(iface.kind, iface.name));
  }
  const routes = ns.routes.filter((r) => r.protocol !== 'kernel');
  if (routes.length) out.push(removalText.countInside(routes.length, 'route'));
  if (ns.nat.length) out.push(removalText.countInside(ns.nat.length, 'NAT rule'));
  if (ns.forwarding) out.push(removalText.forwardingInside());
  return out;
}

function interfaceRemoval(topology: Topology, namespace: string, name: string): string[] {
  const iface = findIface(topology, namespace, name);
  if (!iface) return [];
  const out: string[] = [];
  if (iface.kind === 'veth' && iface.peer) {
    out.push(removalText.otherEndToo(iface.peer));
    const peer = findIface(topology, iface.peer.namespace, iface.peer.interface);
    if (peer?.addresses.length) out.push(removalText.otherEndAddresses(peer.addresses));
  }
  if (iface.addresses.length) out.push(removalText.ownAddresses(iface.addresses));
  const ns = findNs(topology, namespace);
  const routes = (ns?.routes ?? []).filter((r) => r.dev === name && r.protocol !== 'kernel');
  for (const route of routes) out.push(removalText.routeGoes(route, namespace));
  if (iface.kind === 'bridge') {
    const ports = (ns?.interfaces ?? []).filter((i) => i.master === name).map((i) => i.name);
    if (ports.length) out.push(removalText.portsStay(ports));
  }
  if (iface.owner) out.push(removalText.elementOwned(iface.owner));
  return out;
}

/**
 * What else goes when an element is removed, one sentence each, for the confirmation the extension shows.
 * Empty when nothing else goes.
 */
export function describeRemoval(topology: Topology, op: Operation): string[] {
  switch (op.kind) {
    case 'remove-namespace':
      return namespaceRemoval(topology, op.name);
    case 'remove-interface':
      return interfaceRemoval(topology, op.namespace, op.name);
    case 'remove-address': {
      const gateways = (findNs(topology, op.namespace)?.routes ?? []).filter((r) => r.via && r.dev === op.interface);
      return parseCidr(op.address) && gateways.length ? [removalText.routesMayStop(op.interface, gateways)] : [];
    }
    case 'remove-nat-rule': {
      const owner = parseNatRule(op.rule)?.owner;
      return owner ? [removalText.ruleOwned(owner)] : [];
    }
    default:
      return [];
  }
}

// ── the steps of an operation ───────────────────────────────────────────────────────────────────

/** What every operation's steps are made with: the live state, and whose marks and claims they carry. */
class OperationSteps {
  readonly steps: PlanStep[] = [];
  readonly topology: Topology | null;
  readonly lab: string | null;
  /** The owner's mark written on what the operation creates; null for nobody's. */
  readonly mark: string | null;

  constructor(context: OperationContext) {
    this.topology = context.topology ?? null;
    this.lab = context.lab ?? null;
    this.mark = this.lab ? ownerMark(this.lab) : null;
  }

  add(stage: Stage, namespace: string, action: StepAction, description: string, commands: HostCommand[]): void {
    this.steps.push({ stage, namespace, action, description, commands });
  }

  /** A claim in the lab's state file, written only when the operation is done for a lab. */
  claims(...commands: HostCommand[]): HostCommand[] {
    return this.lab ? commands : [];
  }

  /** The lab's claim of an interface of the root namespace (the others' are the namespace's). */
  rootClaim(end: PeerRef): HostCommand[] {
    return end.namespace === ROOT_NAMESPACE ? this.claims({ tool: 'claim', record: { kind: 'interface', namespace: end.namespace, name: end.interface } }) : [];
  }
}

function ip(namespace: string, args: string[]): HostCommand {
  return { tool: 'ip', namespace, args };
}

function namespaceSteps(out: OperationSteps, op: OperationOf<'create-namespace' | 'remove-namespace'>): void {
  const name = op.name;
  if (op.kind === 'create-namespace') {
    out.add('host', ROOT_NAMESPACE, 'create', stepText.createNamespace(name), [
      ...out.claims({ tool: 'claim', record: { kind: 'namespace', name }, unlessPath: `/run/netns/${name}` }),
      ip(ROOT_NAMESPACE, createNamespaceArgs(name)),
    ]);
    return;
  }
  // The kernel frees the namespace's interfaces in the background: other ends in the root namespace
  // are waited for, so that their names are free when the operation returns; other ends in another
  // namespace are deleted first, from there.
  const waits: HostCommand[] = [];
  for (const { inside, peer } of out.topology ? peersOutside(out.topology, name) : []) {
    if (peer.namespace === ROOT_NAMESPACE) { waits.push({ tool: 'await-gone', interface: peer.interface }); continue; }
    out.add('teardown', peer.namespace, 'delete', stepText.deleteVethPair({ namespace: name, interface: inside.name }, peer), [
      ip(peer.namespace, deleteLinkArgs(peer.interface)),
    ]);
  }
  out.add('host', ROOT_NAMESPACE, 'delete', stepText.deleteNamespace(name), [
    ip(ROOT_NAMESPACE, deleteNamespaceArgs(name)),
    ...waits,
    ...out.claims({ tool: 'release', record: { kind: 'namespace', name } }),
  ]);
}

/** Brings a new interface up (marked, on its bridge), then gives it its address. */
function newInterfaceSettings(out: OperationSteps, end: VethEnd): void {
  const args = setLinkArgs(end.interface, { alias: out.mark, ...(end.bridge ? { master: end.bridge } : {}), state: 'up' })!;
  const description = end.bridge
    ? stepText.setLink(end.interface, end.namespace, [stepText.attachToBridge(end.bridge), 'up'])
    : stepText.bringLink('up', end.interface, end.namespace);
  out.add('configure', end.namespace, 'create', description, [ip(end.namespace, args)]);
  if (end.address) {
    out.add('configure', end.namespace, 'create', stepText.addAddress(canonicalCidr(end.address), end.interface, end.namespace), [
      ip(end.namespace, addAddressArgs(end.address, end.interface)),
    ]);
  }
}

function createSteps(out: OperationSteps, op: OperationOf<'create-veth' | 'create-bridge'>): void {
  if (op.kind === 'create-veth') {
    out.add('host', ROOT_NAMESPACE, 'create', stepText.createVethPair(op.a, op.b), [
      ...out.rootClaim(op.a), ...out.rootClaim(op.b), ip(ROOT_NAMESPACE, createVethArgs(op.a, op.b)),
    ]);
    newInterfaceSettings(out, op.a);
    newInterfaceSettings(out, op.b);
    return;
  }
  const bridge = { namespace: op.namespace, interface: op.name };
  out.add('host', ROOT_NAMESPACE, 'create', stepText.createLink('bridge', op.name, op.namespace), [
    ...out.rootClaim(bridge), ip(ROOT_NAMESPACE, createLinkArgs(op.namespace, op.name, 'bridge')),
  ]);
  newInterfaceSettings(out, { ...bridge, address: op.address });
}

function interfaceSteps(out: OperationSteps, op: OperationOf<'remove-interface' | 'add-address' | 'remove-address' | 'set-link-state'>): void {
  const ns = op.namespace;
  switch (op.kind) {
    case 'remove-interface': {
      const iface = findIface(out.topology, ns, op.name);
      const description = iface?.kind === 'veth' && iface.peer
        ? stepText.deleteVethPair({ namespace: ns, interface: op.name }, iface.peer)
        : stepText.deleteLink(iface?.kind ?? null, op.name, ns);
      out.add('teardown', ns, 'delete', description, [ip(ns, deleteLinkArgs(op.name))]);
      return;
    }
    case 'add-address':
      out.add('configure', ns, 'create', stepText.addAddress(canonicalCidr(op.address), op.interface, ns), [ip(ns, addAddressArgs(op.address, op.interface))]);
      return;
    case 'remove-address':
      out.add('teardown', ns, 'delete', stepText.removeAddress(canonicalCidr(op.address), op.interface, ns), [ip(ns, deleteAddressArgs(op.address, op.interface))]);
      return;
    case 'set-link-state':
      out.add('configure', ns, 'change', stepText.bringLink(op.state, op.interface, ns), [ip(ns, setLinkArgs(op.interface, { state: op.state })!)]);
      return;
  }
}

function routeSteps(out: OperationSteps, op: OperationOf<'add-route' | 'remove-route'>): void {
  const route: Route = { to: op.to, via: op.via ? canonicalIp(op.via) : null, dev: op.dev };
  if (op.kind === 'add-route') {
    out.add('configure', op.namespace, 'create', stepText.addRoute(route, op.namespace), [ip(op.namespace, routeArgs('add', route))]);
  } else {
    out.add('teardown', op.namespace, 'delete', stepText.removeRoute(route, op.namespace), [ip(op.namespace, routeArgs('del', route))]);
  }
}

function natCommand(namespace: string, ruleText: string): HostCommand {
  const tokens = tokenizeIptables(ruleText);
  if (tokens[0] !== '-A') throw new VnetError('VN-OP-INVALID', `"${ruleText}" is not a rule as iptables-save prints it.`);
  return { tool: 'iptables', namespace, table: 'nat', args: tokens };
}

/** The rule an add-masquerade or add-port-forward operation adds, marked as the lab's when it has one. */
export function natRuleOf(op: OperationOf<'add-masquerade' | 'add-port-forward'>, mark: string | null = null): NatRuleFields {
  const none = { source: null, destination: null, inInterface: null, outInterface: null, protocol: null, dport: null, comment: mark };
  return op.kind === 'add-masquerade'
    ? { ...none, chain: defaultNatChain('masquerade'), source: { value: canonicalCidr(op.source), negated: false }, outInterface: op.outInterface ?? null, target: { kind: 'MASQUERADE' } }
    : { ...none, chain: defaultNatChain('dnat'), inInterface: op.inInterface ?? null, protocol: op.protocol, dport: op.port, target: { kind: 'DNAT', to: op.to } };
}

function natSteps(out: OperationSteps, op: OperationOf<'add-masquerade' | 'add-port-forward' | 'remove-nat-rule' | 'set-forwarding'>): void {
  const ns = op.namespace;
  switch (op.kind) {
    case 'add-masquerade': case 'add-port-forward': {
      const rule = natRuleOf(op, out.mark);
      out.add('nat', ns, 'create', stepText.addNatRule(ns, natRuleKey(rule)), [natCommand(ns, renderNatRule(rule))]);
      return;
    }
    case 'remove-nat-rule': {
      const command = natCommand(ns, op.rule.trim());
      if (command.tool === 'iptables') command.args[0] = '-D';
      out.add('nat-remove', ns, 'delete', stepText.removeNatRule(ns, natRuleKey(parseNatRule(op.rule)!)), [command]);
      return;
    }
    case 'set-forwarding':
      out.add('forwarding', ns, 'change', stepText.turnForwarding(op.enable, ns), [{ tool: 'forwarding', namespace: ns, enable: op.enable }]);
      return;
  }
}

function impairmentSteps(out: OperationSteps, op: OperationOf<'set-impairment' | 'clear-impairment'>): void {
  const ns = op.namespace;
  const current = findIface(out.topology, ns, op.interface)?.impairment;
  const was = isEmptyImpairment(current) ? null : current!;
  if (op.kind === 'set-impairment') {
    const description = was ? stepText.changeImpairment(op.interface, ns, was, op.impairment) : stepText.impair(op.interface, ns, op.impairment);
    out.add('configure', ns, was ? 'change' : 'create', description, [{ tool: 'tc', namespace: ns, args: setImpairmentArgs(op.interface, op.impairment) }]);
    return;
  }
  out.add('configure', ns, 'delete', stepText.clearImpairment(op.interface, ns, was ?? {}), [{ tool: 'tc', namespace: ns, args: clearImpairmentArgs(op.interface) }]);
}

/** The steps of an operation: what runs, in order, described the way plans describe steps. */
export function operationPlan(op: Operation, context: OperationContext = {}): Plan {
  validateOperation(op, context);
  const out = new OperationSteps(context);
  switch (op.kind) {
    case 'create-namespace': case 'remove-namespace': namespaceSteps(out, op); break;
    case 'create-veth': case 'create-bridge': createSteps(out, op); break;
    case 'remove-interface': case 'add-address': case 'remove-address': case 'set-link-state': interfaceSteps(out, op); break;
    case 'add-route': case 'remove-route': routeSteps(out, op); break;
    case 'set-impairment': case 'clear-impairment': impairmentSteps(out, op); break;
    default: natSteps(out, op);
  }
  const lab = out.lab ?? 'vnet';
  return {
    lab, host: context.topology?.host ?? '', steps: out.steps, conflicts: [], warnings: [],
    finalState: { lab, records: [] }, stateText: null,
  };
}
