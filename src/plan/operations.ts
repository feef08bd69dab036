// Imperative operations for the extension's tree commands (create a namespace, remove a veth pair…), on the
// same engine as apply: each is validated, becomes steps, and runs as one script over one exec under the
// host lock. An operation acts on the element the user named, whoever made it: that is what asking for
// an element by name means. Elements it creates belong to nobody, unless a lab is given: then they carry
// the lab's marks and claims, and the lab's next apply or destroy treats them as its own.

import { canonicalCidr, canonicalIp, parseCidr } from '../model/cidr';
import { VnetError } from '../model/errors';
import { natRuleKey, ownerMark, parseNatRule, renderNatRule, tokenizeIptables } from '../model/nat';
import { ROOT_NAMESPACE, type AddressMatch, type Namespace, type NetInterface, type Topology } from '../model/topology';
import type { Transport } from '../host/transport';
import { describeRoute } from '../model/route';
import { runPlan } from './engine';
import type { Outcome } from './outcome';
import type { HostCommand, Plan, PlanStep, Stage, StepAction } from './plan';
import { inNamespace } from './step-list';
import { assertCidr, assertInterfaceName, assertIp, assertLabName, assertNamespaceName, assertRouteTarget } from './validate';

/** One end of a new veth pair: a namespace (`host` for the root one), a name, and optionally a bridge there. */
export interface Endpoint {
  namespace: string;
  interface: string;
  /** Make this end a port of this bridge (in the same namespace). */
  bridge?: string | null;
  /** An address for this end, with its prefix length. */
  address?: string | null;
}

export type Operation =
  | { kind: 'create-namespace'; name: string }
  | { kind: 'remove-namespace'; name: string }
  | { kind: 'create-veth'; a: Endpoint; b: Endpoint }
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
  | { kind: 'set-forwarding'; namespace: string; enable: boolean };

export interface OperationContext {
  /** The host's live state, when known: operations check against it, and removals need it. */
  topology?: Topology | null;
  /** Mark what the operation creates as this lab's. */
  lab?: string | null;
}

const where = inNamespace;

function findNs(topology: Topology | null | undefined, name: string): Namespace | undefined {
  return topology?.namespaces.find((ns) => (name === ROOT_NAMESPACE ? ns.root : !ns.root && !ns.anonymous && ns.name === name));
}

function findIface(topology: Topology | null | undefined, namespace: string, name: string): NetInterface | undefined {
  return findNs(topology, namespace)?.interfaces.find((iface) => iface.name === name);
}

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
    throw new VnetError('VN-OP-MISSING', `There is no interface ${name} ${where(namespace)} on ${context.topology.host}. Refresh the view.`);
  }
  return iface;
}

function refuseExisting(context: OperationContext, namespace: string, name: string): void {
  if (findIface(context.topology, namespace, name)) {
    throw new VnetError('VN-OP-EXISTS', `An interface ${name} already exists ${where(namespace)}. Choose another name.`);
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
    case 'create-veth': {
      for (const end of [op.a, op.b]) {
        assertPlace(end.namespace);
        assertInterfaceName(end.interface, where(end.namespace));
        requireNamespace(context, end.namespace);
        refuseExisting(context, end.namespace, end.interface);
        if (end.bridge) {
          assertInterfaceName(end.bridge, where(end.namespace));
          const bridge = requireInterface(context, end.namespace, end.bridge);
          if (bridge && bridge.kind !== 'bridge') throw new VnetError('VN-OP-KIND', `${end.bridge} ${where(end.namespace)} is not a bridge.`);
        }
        if (end.address) assertCidr(end.address, `${end.interface} ${where(end.namespace)}`);
      }
      if (op.a.namespace === op.b.namespace && op.a.interface === op.b.interface) {
        throw new VnetError('VN-OP-INVALID', 'The two ends of a veth pair need different names when they are in the same namespace.');
      }
      return;
    }
    case 'create-bridge':
      assertPlace(op.namespace);
      assertInterfaceName(op.name, where(op.namespace));
      requireNamespace(context, op.namespace);
      refuseExisting(context, op.namespace, op.name);
      if (op.address) assertCidr(op.address, `${op.name} ${where(op.namespace)}`);
      return;
    case 'remove-interface': {
      assertPlace(op.namespace);
      assertInterfaceName(op.name, where(op.namespace));
      const iface = requireInterface(context, op.namespace, op.name);
      if (iface?.kind === 'loopback') throw new VnetError('VN-OP-KIND', 'The loopback interface cannot be removed.');
      return;
    }
    case 'add-address': case 'remove-address': case 'set-link-state':
      assertPlace(op.namespace);
      assertInterfaceName(op.interface, where(op.namespace));
      requireInterface(context, op.namespace, op.interface);
      if (op.kind !== 'set-link-state') assertCidr(op.address, `${op.interface} ${where(op.namespace)}`);
      return;
    case 'add-route': case 'remove-route':
      assertPlace(op.namespace);
      requireNamespace(context, op.namespace);
      assertRouteTarget(op.to, `route ${where(op.namespace)}`);
      if (op.via !== null) assertIp(op.via, `route ${where(op.namespace)}`);
      if (op.dev !== null) assertInterfaceName(op.dev, `route ${where(op.namespace)}`);
      if (op.via === null && op.dev === null) throw new VnetError('VN-OP-INVALID', 'A route needs a gateway (via) or an interface (dev).');
      return;
    case 'add-masquerade':
      assertPlace(op.namespace);
      requireNamespace(context, op.namespace);
      assertCidr(op.source, `masquerade ${where(op.namespace)}`);
      if (op.outInterface) assertInterfaceName(op.outInterface.value, `masquerade ${where(op.namespace)}`);
      return;
    case 'add-port-forward': {
      assertPlace(op.namespace);
      requireNamespace(context, op.namespace);
      if (!/^\d{1,5}(:\d{1,5})?$/.test(op.port) || op.port.split(':').some((p) => Number(p) < 1 || Number(p) > 65535)) {
        throw new VnetError('VN-OP-INVALID', `Port "${op.port}" must be 1–65535, or a range like 8000:8100.`);
      }
      const m = /^(.+):(\d{1,5})$/.exec(op.to);
      const address = m ? m[1] : op.to;
      assertIp(address, `port forward ${where(op.namespace)}`);
      if (m && (Number(m[2]) < 1 || Number(m[2]) > 65535)) throw new VnetError('VN-OP-INVALID', `Port ${m[2]} must be 1–65535.`);
      if (op.inInterface) assertInterfaceName(op.inInterface.value, `port forward ${where(op.namespace)}`);
      return;
    }
    case 'remove-nat-rule': {
      assertPlace(op.namespace);
      requireNamespace(context, op.namespace);
      const rule = parseNatRule(op.rule);
      if (!rule || /[\r\n]/.test(op.rule)) throw new VnetError('VN-OP-INVALID', `"${op.rule}" is not a rule as iptables-save prints it (-A CHAIN …).`);
      const ns = findNs(context.topology, op.namespace);
      if (ns && !ns.nat.some((r) => natRuleKey(r) === natRuleKey(rule))) {
        throw new VnetError('VN-OP-MISSING', `That NAT rule is not ${where(op.namespace)} any more. Refresh the view.`);
      }
      return;
    }
    case 'set-forwarding':
      assertPlace(op.namespace);
      requireNamespace(context, op.namespace);
      return;
  }
}

/** The veth ends that live outside a namespace but pair with an end inside it. */
function peersOutside(topology: Topology, namespace: string): { inside: NetInterface; peer: { namespace: string; interface: string } }[] {
  const ns = findNs(topology, namespace);
  if (!ns) return [];
  return ns.interfaces.flatMap((inside) => (inside.kind === 'veth' && inside.peer && inside.peer.namespace !== namespace
    ? [{ inside, peer: inside.peer }] : []));
}

/**
 * What else goes when an element is removed, one sentence each, for the confirmation the extension shows.
 * Empty when nothing else goes.
 */
export function describeRemoval(topology: Topology, op: Operation): string[] {
  const out: string[] = [];
  switch (op.kind) {
    case 'remove-namespace': {
      const ns = findNs(topology, op.name);
      if (!ns) return out;
      if (ns.owner) out.push(`Namespace ${op.name} belongs to lab ${ns.owner}; its next apply would create it again.`);
      for (const iface of ns.interfaces) {
        if (iface.kind === 'loopback') continue;
        if (iface.kind === 'veth' && iface.peer && iface.peer.namespace !== op.name) {
          out.push(`veth ${iface.name} and its other end ${iface.peer.interface} ${where(iface.peer.namespace)} are deleted.`);
        } else {
          out.push(`${iface.kind === 'bridge' ? 'Bridge' : 'Interface'} ${iface.name} inside it is deleted.`);
        }
      }
      const routes = ns.routes.filter((r) => r.protocol !== 'kernel');
      if (routes.length) out.push(`${routes.length} route${routes.length === 1 ? '' : 's'} inside it go${routes.length === 1 ? 'es' : ''} with it.`);
      if (ns.nat.length) out.push(`${ns.nat.length} NAT rule${ns.nat.length === 1 ? '' : 's'} inside it go${ns.nat.length === 1 ? 'es' : ''} with it.`);
      if (ns.forwarding) out.push('Its forwarding setting goes with it.');
      return out;
    }
    case 'remove-interface': {
      const iface = findIface(topology, op.namespace, op.name);
      if (!iface) return out;
      if (iface.kind === 'veth' && iface.peer) {
        out.push(`Its other end ${iface.peer.interface} ${where(iface.peer.namespace)} is deleted too (a veth pair lives and dies together).`);
        const peer = findIface(topology, iface.peer.namespace, iface.peer.interface);
        if (peer?.addresses.length) out.push(`The other end's addresses go with it: ${peer.addresses.join(', ')}.`);
      }
      if (iface.addresses.length) out.push(`Its addresses go with it: ${iface.addresses.join(', ')}.`);
      const ns = findNs(topology, op.namespace);
      const routes = (ns?.routes ?? []).filter((r) => r.dev === op.name && r.protocol !== 'kernel');
      for (const route of routes) out.push(`Route ${describeRoute(route)} ${where(op.namespace)} goes with it.`);
      if (iface.kind === 'bridge') {
        const ports = (ns?.interfaces ?? []).filter((i) => i.master === op.name).map((i) => i.name);
        if (ports.length) out.push(`Its ports ${ports.join(', ')} stay, detached from any bridge.`);
      }
      if (iface.owner) out.push(`It belongs to lab ${iface.owner}; its next apply would create it again.`);
      return out;
    }
    case 'remove-address': {
      const ns = findNs(topology, op.namespace);
      const cidr = parseCidr(op.address);
      const gateways = (ns?.routes ?? []).filter((r) => r.via && r.dev === op.interface);
      if (cidr && gateways.length) out.push(`Routes through ${op.interface} may stop working: ${gateways.map(describeRoute).join('; ')}.`);
      return out;
    }
    case 'remove-nat-rule': {
      const rule = parseNatRule(op.rule);
      if (rule?.owner) out.push(`The rule belongs to lab ${rule.owner}; its next apply would add it again.`);
      return out;
    }
    default:
      return out;
  }
}

/** The steps of an operation: what runs, in order, described the way plans describe steps. */
export function operationPlan(op: Operation, context: OperationContext = {}): Plan {
  validateOperation(op, context);
  const lab = context.lab ?? null;
  const mark = lab ? ownerMark(lab) : null;
  const steps: PlanStep[] = [];
  const add = (stage: Stage, namespace: string, action: StepAction, description: string, commands: HostCommand[]) => {
    steps.push({ stage, namespace, action, description, commands });
  };
  const ip = (namespace: string, ...args: string[]): HostCommand => ({ tool: 'ip', namespace, args });
  const rootClaim = (namespace: string, name: string): HostCommand[] =>
    (lab && namespace === ROOT_NAMESPACE ? [{ tool: 'claim', record: { kind: 'interface', namespace, name } }] : []);
  const markArgs = mark ? ['alias', mark] : [];

  switch (op.kind) {
    case 'create-namespace':
      add('host', ROOT_NAMESPACE, 'create', `create namespace ${op.name}`, [
        ...(lab ? [{ tool: 'claim', record: { kind: 'namespace', name: op.name }, unlessPath: `/run/netns/${op.name}` } as HostCommand] : []),
        ip(ROOT_NAMESPACE, 'netns', 'add', op.name),
      ]);
      break;
    case 'remove-namespace': {
      // The kernel frees the namespace's interfaces in the background: other ends in the root namespace
      // are waited for, so that their names are free when the operation returns; other ends in another
      // namespace are deleted first, from there.
      const waits: HostCommand[] = [];
      for (const { inside, peer } of context.topology ? peersOutside(context.topology, op.name) : []) {
        if (peer.namespace === ROOT_NAMESPACE) { waits.push({ tool: 'await-gone', interface: peer.interface }); continue; }
        add('teardown', peer.namespace, 'delete', `delete veth pair ${inside.name} (${op.name}) -- ${peer.interface} (${peer.namespace})`, [
          ip(peer.namespace, 'link', 'del', 'dev', peer.interface),
        ]);
      }
      add('host', ROOT_NAMESPACE, 'delete', `delete namespace ${op.name}`, [
        ip(ROOT_NAMESPACE, 'netns', 'del', op.name),
        ...waits,
        ...(lab ? [{ tool: 'release', record: { kind: 'namespace', name: op.name } } as HostCommand] : []),
      ]);
      break;
    }
    case 'create-veth': {
      let [first, second] = [op.a, op.b];
      if (second.namespace === ROOT_NAMESPACE && first.namespace !== ROOT_NAMESPACE) [first, second] = [second, first];
      const args = ['link', 'add', 'name', first.interface];
      if (first.namespace !== ROOT_NAMESPACE) args.push('netns', first.namespace);
      args.push('type', 'veth', 'peer', 'name', second.interface);
      if (second.namespace !== ROOT_NAMESPACE) args.push('netns', second.namespace);
      add('host', ROOT_NAMESPACE, 'create', `create veth pair ${op.a.interface} (${op.a.namespace}) -- ${op.b.interface} (${op.b.namespace})`, [
        ...rootClaim(first.namespace, first.interface), ...rootClaim(second.namespace, second.interface), ip(ROOT_NAMESPACE, ...args),
      ]);
      for (const end of [op.a, op.b]) {
        const set = ['link', 'set', 'dev', end.interface, ...markArgs, ...(end.bridge ? ['master', end.bridge] : []), 'up'];
        add('configure', end.namespace, 'create', end.bridge ? `set ${end.interface} ${where(end.namespace)}: attach to bridge ${end.bridge}, up` : `bring up ${end.interface} ${where(end.namespace)}`, [
          ip(end.namespace, ...set),
        ]);
        if (end.address) {
          const address = canonicalCidr(end.address);
          add('configure', end.namespace, 'create', `add address ${address} to ${end.interface} ${where(end.namespace)}`, [
            ip(end.namespace, 'addr', 'add', address, 'dev', end.interface),
          ]);
        }
      }
      break;
    }
    case 'create-bridge': {
      const args = ['link', 'add', 'name', op.name];
      if (op.namespace !== ROOT_NAMESPACE) args.push('netns', op.namespace);
      args.push('type', 'bridge');
      add('host', ROOT_NAMESPACE, 'create', `create bridge ${op.name} ${where(op.namespace)}`, [...rootClaim(op.namespace, op.name), ip(ROOT_NAMESPACE, ...args)]);
      add('configure', op.namespace, 'create', `bring up ${op.name} ${where(op.namespace)}`, [ip(op.namespace, 'link', 'set', 'dev', op.name, ...markArgs, 'up')]);
      if (op.address) {
        const address = canonicalCidr(op.address);
        add('configure', op.namespace, 'create', `add address ${address} to ${op.name} ${where(op.namespace)}`, [ip(op.namespace, 'addr', 'add', address, 'dev', op.name)]);
      }
      break;
    }
    case 'remove-interface': {
      const iface = findIface(context.topology, op.namespace, op.name);
      const what = iface?.kind === 'veth' && iface.peer
        ? `delete veth pair ${op.name} (${op.namespace}) -- ${iface.peer.interface} (${iface.peer.namespace})`
        : `delete ${iface?.kind === 'bridge' ? 'bridge' : 'interface'} ${op.name} ${where(op.namespace)}`;
      add('teardown', op.namespace, 'delete', what, [ip(op.namespace, 'link', 'del', 'dev', op.name)]);
      break;
    }
    case 'add-address': {
      const address = canonicalCidr(op.address);
      add('configure', op.namespace, 'create', `add address ${address} to ${op.interface} ${where(op.namespace)}`, [ip(op.namespace, 'addr', 'add', address, 'dev', op.interface)]);
      break;
    }
    case 'remove-address': {
      const address = canonicalCidr(op.address);
      add('teardown', op.namespace, 'delete', `remove address ${address} from ${op.interface} ${where(op.namespace)}`, [ip(op.namespace, 'addr', 'del', address, 'dev', op.interface)]);
      break;
    }
    case 'set-link-state':
      add('configure', op.namespace, 'change', `bring ${op.state} ${op.interface} ${where(op.namespace)}`, [ip(op.namespace, 'link', 'set', 'dev', op.interface, op.state)]);
      break;
    case 'add-route': case 'remove-route': {
      const route = { to: op.to, via: op.via ? canonicalIp(op.via) : null, dev: op.dev };
      const args = ['route', op.kind === 'add-route' ? 'add' : 'del', op.to === 'default' ? 'default' : op.to.includes('/') ? canonicalCidr(op.to) : op.to];
      if (route.via) args.push('via', route.via);
      if (route.dev) args.push('dev', route.dev);
      const adding = op.kind === 'add-route';
      add(adding ? 'configure' : 'teardown', op.namespace, adding ? 'create' : 'delete', `${adding ? 'add' : 'remove'} route ${describeRoute(route)} ${where(op.namespace)}`, [ip(op.namespace, ...args)]);
      break;
    }
    case 'add-masquerade': {
      const fields = {
        chain: 'POSTROUTING', source: { value: canonicalCidr(op.source), negated: false }, destination: null, inInterface: null,
        outInterface: op.outInterface ?? null, protocol: null, dport: null, target: { kind: 'MASQUERADE' as const }, comment: mark,
      };
      add('nat', op.namespace, 'create', `add NAT rule ${where(op.namespace)}: ${natRuleKey(fields)}`, [natCommand(op.namespace, renderNatRule(fields))]);
      break;
    }
    case 'add-port-forward': {
      const fields = {
        chain: 'PREROUTING', source: null, destination: null, inInterface: op.inInterface ?? null, outInterface: null,
        protocol: op.protocol, dport: op.port, target: { kind: 'DNAT' as const, to: op.to }, comment: mark,
      };
      add('nat', op.namespace, 'create', `add NAT rule ${where(op.namespace)}: ${natRuleKey(fields)}`, [natCommand(op.namespace, renderNatRule(fields))]);
      break;
    }
    case 'remove-nat-rule': {
      const rule = parseNatRule(op.rule)!;
      const command = natCommand(op.namespace, op.rule.trim());
      if (command.tool === 'iptables') command.args[0] = '-D';
      add('nat-remove', op.namespace, 'delete', `remove NAT rule ${where(op.namespace)}: ${natRuleKey(rule)}`, [command]);
      break;
    }
    case 'set-forwarding':
      add('forwarding', op.namespace, 'change', `turn forwarding ${op.enable ? 'on' : 'off'} ${where(op.namespace)}`, [{ tool: 'forwarding', namespace: op.namespace, enable: op.enable }]);
      break;
  }
  return {
    lab: lab ?? 'vnet', host: context.topology?.host ?? '', steps, conflicts: [], warnings: [],
    finalState: { lab: lab ?? 'vnet', records: [] }, stateText: null,
  };
}

function natCommand(namespace: string, ruleText: string): HostCommand {
  const tokens = tokenizeIptables(ruleText);
  if (tokens[0] !== '-A') throw new VnetError('VN-OP-INVALID', `"${ruleText}" is not a rule as iptables-save prints it.`);
  return { tool: 'iptables', namespace, table: 'nat', args: tokens };
}

export interface RunOperationOptions extends OperationContext {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Validates and runs one operation as one script over one exec, under the host lock. */
export async function runOperation(transport: Transport, op: Operation, options: RunOperationOptions = {}): Promise<{ plan: Plan; outcome: Outcome }> {
  const plan = operationPlan(op, options);
  const outcome = await runPlan(transport, plan, {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 120_000,
    stateMode: options.lab ? 'append' : 'none',
    verb: op.kind,
  });
  return { plan, outcome };
}
