// The "remove" commands. Each asks first, in a modal dialog that names exactly what goes and, from the
// engine's describeRemoval, everything that goes with it (the other end of a veth pair, addresses, routes
// through it, ownership by a lab). Free of vscode.

import { VnetError } from '../../model/errors';
import { ROOT_NAMESPACE, type Namespace, type NetInterface, type Topology } from '../../model/topology';
import { describeRoute } from '../../model/route';
import { describeRemoval, type Operation } from '../../plan/operations';
import type { HostSession } from '../host-session';
import { hostTitle } from '../host-state';
import { wordNatRule } from '../../model/nat-wording';
import { iconSafe, plainLines, plainText } from '../text-safety';
import type { CommandContext } from './context';
import { inNamespace } from '../../plan/wording';
import { cancelled, resolveInterface, resolveNamespace, resolveSession, type Target } from './resolve';
import { runOperationOn } from './run-operation';

export interface Removal {
  op: Operation;
  /** What goes, for the dialog and the progress: `namespace netns1`, `veth pair host:veth1 ⇄ netns1:veth1-peer`. */
  what: string;
  /** Extra lines for the dialog (e.g. the raw NAT rule). */
  facts?: string[];
}

/** The dialog's text: what goes, what goes with it, and that it cannot be undone. */
export function removalDialog(topology: Topology, removal: Removal, host: string): { message: string; detail: string } {
  const consequences = describeRemoval(topology, removal.op);
  const lines = [
    ...(removal.facts ?? []),
    ...(consequences.length ? ['What goes with it:', ...consequences.map((c) => `• ${c}`)] : ['Nothing else goes with it.']),
    'This cannot be undone.',
  ];
  return { message: plainText(`Remove ${removal.what} from ${host}?`), detail: plainLines(lines) };
}

async function confirmAndRun(ctx: CommandContext, session: HostSession, topology: Topology, removal: Removal): Promise<void> {
  const { message, detail } = removalDialog(topology, removal, hostTitle(session.entry));
  if (!(await ctx.ui.confirm(message, detail, 'Remove'))) return;
  await runOperationOn(ctx, session, removal.op, `Remove ${removal.what}`);
}

async function remove(ctx: CommandContext, target: Target, title: string, build: (topology: Topology) => Promise<Removal>): Promise<void> {
  const session = await resolveSession(ctx, target, title);
  // Read the host now: the dialog must name exactly what goes, and the tree may be a moment behind.
  const topology = await ctx.ui.progress(`Reading ${hostTitle(session.entry)}`, (signal) => session.refresh(signal));
  const removal = await build(topology);
  await confirmAndRun(ctx, session, topology, removal);
}

// ---- the removals ----

export async function namespaceRemoval(ctx: CommandContext, topology: Topology, target: Target): Promise<Removal> {
  if (target.namespace === ROOT_NAMESPACE) throw new VnetError('VN-OP-INVALID', 'The host’s root namespace cannot be removed.');
  const ns = await resolveNamespace(ctx, { ...topology, namespaces: topology.namespaces.filter((n) => !n.root) }, target, 'Remove namespace');
  return { op: { kind: 'remove-namespace', name: ns.name }, what: `namespace ${ns.name}` };
}

function describeInterface(ns: Namespace, iface: NetInterface): string {
  if (iface.kind === 'veth' && iface.peer) return `veth pair ${ns.name}:${iface.name} ⇄ ${iface.peer.namespace}:${iface.peer.interface}`;
  return `${iface.kind === 'bridge' ? 'bridge' : 'interface'} ${iface.name} ${inNamespace(ns.name)}`;
}

export async function interfaceRemoval(ctx: CommandContext, topology: Topology, target: Target, kind?: NetInterface['kind']): Promise<Removal> {
  const title = kind === 'veth' ? 'Remove veth pair' : kind === 'bridge' ? 'Remove bridge' : 'Remove interface';
  const ns = await resolveNamespace(ctx, topology, target, title);
  const iface = await resolveInterface(ctx, ns, target, title, (i) => i.kind !== 'loopback' && (kind === undefined || i.kind === kind));
  if (iface.kind === 'loopback') throw new VnetError('VN-OP-KIND', 'The loopback interface cannot be removed.');
  return { op: { kind: 'remove-interface', namespace: ns.name, name: iface.name }, what: describeInterface(ns, iface) };
}

async function addressRemoval(ctx: CommandContext, topology: Topology, target: Target): Promise<Removal> {
  const ns = await resolveNamespace(ctx, topology, target, 'Remove address');
  const iface = await resolveInterface(ctx, ns, target, 'Remove address', (i) => i.addresses.length > 0);
  let address = target.address;
  if (address === undefined) {
    address = await ctx.ui.pick(iface.addresses.map((a) => ({ label: iconSafe(a), value: a })), { title: `Remove address from ${iface.name}`, placeholder: 'Which address?' });
    if (address === undefined) cancelled();
  } else if (!iface.addresses.includes(address)) {
    throw new VnetError('VN-OP-MISSING', `${iface.name} ${inNamespace(ns.name)} no longer has ${address}. Refresh the view.`);
  }
  return { op: { kind: 'remove-address', namespace: ns.name, interface: iface.name, address }, what: `address ${address} from ${iface.name} ${inNamespace(ns.name)}` };
}

async function routeRemoval(ctx: CommandContext, topology: Topology, target: Target): Promise<Removal> {
  const ns = await resolveNamespace(ctx, topology, target, 'Remove route');
  let route = target.route ?? (target.routeTo !== undefined ? ns.routes.find((r) => r.to === target.routeTo) : undefined);
  if (!route) {
    if (target.routeTo !== undefined) throw new VnetError('VN-OP-MISSING', `There is no route to ${target.routeTo} ${inNamespace(ns.name)} any more. Refresh the view.`);
    if (!ns.routes.length) throw new VnetError('VN-OP-MISSING', `${ns.name} has no routes.`);
    route = await ctx.ui.pick(ns.routes.map((r) => ({ label: iconSafe(describeRoute(r)), description: r.protocol ?? undefined, value: r })), { title: 'Remove route', placeholder: 'Which route?' });
    if (!route) cancelled();
  }
  return {
    op: { kind: 'remove-route', namespace: ns.name, to: route.to, via: route.via, dev: route.dev },
    what: `route ${describeRoute(route)} ${inNamespace(ns.name)}`,
  };
}

export async function natRuleRemoval(ctx: CommandContext, topology: Topology, target: Target): Promise<Removal> {
  const ns = await resolveNamespace(ctx, topology, target, 'Remove NAT rule');
  let rule = target.rule !== undefined ? ns.nat.find((r) => r.rule === target.rule) : undefined;
  if (!rule) {
    if (target.rule !== undefined) throw new VnetError('VN-OP-MISSING', `That NAT rule is not ${inNamespace(ns.name)} any more. Refresh the view.`);
    if (!ns.nat.length) throw new VnetError('VN-OP-MISSING', `${ns.name} has no NAT rules.`);
    rule = await ctx.ui.pick(ns.nat.map((r) => ({ label: iconSafe(wordNatRule(r)), description: iconSafe(r.chain), value: r })), { title: 'Remove NAT rule', placeholder: 'Which rule?' });
    if (!rule) cancelled();
  }
  return {
    op: { kind: 'remove-nat-rule', namespace: ns.name, rule: rule.rule },
    what: `NAT rule “${plainText(wordNatRule(rule))}” ${inNamespace(ns.name)}`,
    facts: [`iptables -t nat ${rule.rule}`],
  };
}

// ---- the commands ----

export const removeNamespace = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove namespace', (t) => namespaceRemoval(ctx, t, target));
export const removeInterface = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove interface', (t) => interfaceRemoval(ctx, t, target));
export const removeVethPair = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove veth pair', (t) => interfaceRemoval(ctx, t, target, 'veth'));
export const removeBridge = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove bridge', (t) => interfaceRemoval(ctx, t, target, 'bridge'));
export const removeAddress = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove address', (t) => addressRemoval(ctx, t, target));
export const removeRoute = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove route', (t) => routeRemoval(ctx, t, target));
export const removeNatRule = (ctx: CommandContext, target: Target) => remove(ctx, target, 'Remove NAT rule', (t) => natRuleRemoval(ctx, t, target));
