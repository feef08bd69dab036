// Turns what a command was invoked with (a tree node, an element from the topology panel, an action row's
// { host }, or nothing from the command palette) into the host, namespace and interface it acts on,
// asking for whatever is missing. Free of vscode.

import { VnetError } from '../../model/errors';
import { ROOT_NAMESPACE, type Namespace, type NatRule, type NetInterface, type Route, type Topology } from '../../model/topology';
import type { HostSession } from '../host-session';
import { hostTitle } from '../host-state';
import { iconSafe } from '../text-safety';
import { isEditable, orderedNamespaces } from '../tree-model';
import type { CommandContext } from './context';

/** What a command was pointed at, whatever it came from. */
export interface Target {
  host?: string;
  kind?: string;
  group?: string;
  namespace?: string;
  interfaceName?: string;
  address?: string;
  route?: Route;
  /** A route named only by its destination (from the topology panel). */
  routeTo?: string;
  /** A NAT rule as iptables-save prints it. */
  rule?: string;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function targetOf(arg: unknown): Target {
  if (typeof arg !== 'object' || arg === null) return {};
  const a = arg as Record<string, unknown>;
  const target: Target = { host: str(a.host), kind: str(a.kind), group: str(a.group), namespace: str(a.namespace) };
  // A tree node names its interface `interfaceName`; the topology panel's ElementRef names it `interface`.
  target.interfaceName = str(a.interfaceName) ?? str(a.interface);
  target.address = str(a.address);
  if (typeof a.route === 'object' && a.route !== null) target.route = a.route as Route;
  else target.routeTo = str(a.route);
  if (typeof a.rule === 'object' && a.rule !== null) target.rule = str((a.rule as NatRule).rule);
  else target.rule = str(a.rule);
  return target;
}

function cancelled(): never {
  throw new VnetError('VN-CANCELLED', 'Cancelled.');
}

export function isCancelled(error: unknown): error is VnetError {
  return error instanceof VnetError && error.code === 'VN-CANCELLED';
}

/** The host a command acts on: the one it was pointed at, or one the user picks (the active one first). */
export async function resolveSession(ctx: CommandContext, target: Target, title: string): Promise<HostSession> {
  if (target.host) {
    const session = ctx.hosts.get(target.host);
    if (!session) throw new VnetError('VN-HOST-UNKNOWN', `${target.host} is not in the Hosts view any more. Add it again with "VNet: Add Host…".`);
    return session;
  }
  const sessions = ctx.hosts.list();
  if (sessions.length === 0) throw new VnetError('VN-HOST-NONE', 'There are no hosts. Add one with "VNet: Add Host…".');
  if (sessions.length === 1) return sessions[0];
  const active = ctx.activeHost();
  const ordered = [...sessions].sort((a, b) => Number(b.destination === active) - Number(a.destination === active));
  const picked = await ctx.ui.pick(ordered.map((s) => ({
    label: iconSafe(hostTitle(s.entry)),
    description: s.entry.label ? iconSafe(s.destination) : s.view().connection.state,
    value: s,
  })), { title, placeholder: 'Which host?' });
  return picked ?? cancelled();
}

/** The host's network, read now if the extension has not read it yet. */
export async function topologyOf(ctx: CommandContext, session: HostSession): Promise<Topology> {
  const known = session.topology;
  if (known) return known;
  return ctx.ui.progress(`Reading ${hostTitle(session.entry)}…`, (signal) => session.ensureTopology(signal));
}

export function findNamespace(topology: Topology, name: string): Namespace | undefined {
  return topology.namespaces.find((ns) => (name === ROOT_NAMESPACE ? ns.root : ns.name === name));
}

function requireNamespace(topology: Topology, name: string): Namespace {
  const ns = findNamespace(topology, name);
  if (!ns) throw new VnetError('VN-OP-MISSING', `There is no namespace ${name} on ${topology.host} any more: it was removed meanwhile. The Hosts view shows what is there now.`);
  return ns;
}

/** A namespace the operations can address by name (the root one, or one under /run/netns). */
export async function resolveNamespace(ctx: CommandContext, topology: Topology, target: Target, title: string, options: { editable?: boolean; placeholder?: string } = {}): Promise<Namespace> {
  const editable = options.editable ?? true;
  if (target.namespace !== undefined) {
    const ns = requireNamespace(topology, target.namespace);
    if (editable && !isEditable(ns)) {
      throw new VnetError('VN-OP-ANONYMOUS', `${ns.name} is an anonymous namespace (not under /run/netns): vnet does not change it by name. Only a shell, ping and capture work there.`);
    }
    return ns;
  }
  const choices = orderedNamespaces(topology).filter((ns) => !editable || isEditable(ns));
  const picked = await ctx.ui.pick(choices.map((ns) => ({
    label: iconSafe(ns.root ? ROOT_NAMESPACE : ns.name),
    description: ns.root ? 'root namespace' : ns.anonymous ? 'anonymous' : `${ns.interfaces.length} interfaces`,
    value: ns,
  })), { title, placeholder: options.placeholder ?? 'Which namespace?' });
  return picked ?? cancelled();
}

export async function resolveInterface(ctx: CommandContext, ns: Namespace, target: Target, title: string, filter: (iface: NetInterface) => boolean = () => true): Promise<NetInterface> {
  if (target.interfaceName !== undefined) {
    const iface = ns.interfaces.find((i) => i.name === target.interfaceName);
    if (!iface) throw new VnetError('VN-OP-MISSING', `There is no interface ${target.interfaceName} in ${ns.name} any more: it was removed meanwhile. The Hosts view shows what is there now.`);
    return iface;
  }
  const choices = ns.interfaces.filter(filter);
  if (choices.length === 0) throw new VnetError('VN-OP-MISSING', `${ns.name} has no interface to choose for this.`);
  const picked = await ctx.ui.pick(choices.map((iface) => ({
    label: iconSafe(iface.name),
    description: iconSafe([iface.kind, iface.state, ...iface.addresses].join(' · ')),
    value: iface,
  })), { title, placeholder: 'Which interface?' });
  return picked ?? cancelled();
}

export { cancelled };
