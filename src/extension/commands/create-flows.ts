// The "add" commands: each asks for what it needs (validated as the user types, with the validators the
// language uses), builds the engine's Operation, and runs it. Free of vscode.

import { cidrContains, ipOfCidr, parseCidr, parseIp } from '../../model/cidr';
import { checkInterfaceName } from '../../model/names';
import type { AddressMatch, Namespace, Topology } from '../../model/topology';
import { natRuleOf, type Operation } from '../../plan/operations';
import { inNamespace } from '../../plan/wording';
import { wordNatRule } from '../../model/nat-wording';
import { describeRoute } from '../../model/route';
import {
  cidrValidator, dnatTargetValidator, interfaceNameValidator, namespaceNameValidator, normalizePort, optionalCidrValidator,
  optionalIpValidator, portValidator, routeTargetValidator,
} from '../input-validators';
import { iconSafe } from '../text-safety';
import type { CommandContext } from './context';
import { cancelled, resolveInterface, resolveNamespace, resolveSession, topologyOf, type Target } from './resolve';
import { runOperationOn } from './run-operation';

/** A title starts with a capital: `masquerade …` becomes `Masquerade …`. */
function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An operation and the words for its progress and result. */
export interface PlannedOperation {
  op: Operation;
  title: string;
}

/** `base`, or the next number after it (`br0` → `br1`, `veth-x` → `veth-x1`): the first free valid name, or ''. */
export function freeName(base: string, taken: (name: string) => boolean): string {
  const [, prefix, digits] = /^(.*?)(\d*)$/.exec(base)!;
  const start = digits ? Number(digits) : 0;
  for (let i = 0; i < 100; i++) {
    const number = String(start + i);
    const name = i === 0 ? base : `${prefix.slice(0, 15 - number.length)}${number}`;
    if (!checkInterfaceName(name) && !taken(name)) return name;
  }
  return '';
}

async function ask(ctx: CommandContext, options: Parameters<CommandContext['ui']['input']>[0]): Promise<string> {
  const value = await ctx.ui.input(options);
  return value === undefined ? cancelled() : value.trim();
}

export async function runPlanned(ctx: CommandContext, target: Target, title: string, build: (topology: Topology) => Promise<PlannedOperation>): Promise<void> {
  const session = await resolveSession(ctx, target, title);
  const topology = await topologyOf(ctx, session);
  const planned = await build(topology);
  await runOperationOn(ctx, session, planned.op, planned.title);
}

// ---- namespace ----

export async function askNewNamespace(ctx: CommandContext, topology: Topology): Promise<PlannedOperation> {
  const name = await ask(ctx, { title: 'Add namespace', prompt: 'Name of the new network namespace', placeholder: 'e.g. netns1', validate: namespaceNameValidator(topology) });
  return { op: { kind: 'create-namespace', name }, title: `Create namespace ${name}` };
}

export function addNamespace(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, 'Add namespace', (topology) => askNewNamespace(ctx, topology));
}

// ---- bridge ----

export async function askNewBridge(ctx: CommandContext, topology: Topology, target: Target): Promise<PlannedOperation> {
  const ns = await resolveNamespace(ctx, topology, target, 'Add bridge', { placeholder: 'Where does the bridge live? (usually host)' });
  const name = await ask(ctx, {
    title: `Add bridge ${inNamespace(ns.name)}`, prompt: 'Name of the new bridge',
    value: freeName('br0', (n) => ns.interfaces.some((i) => i.name === n)), validate: interfaceNameValidator(ns),
  });
  const address = await ask(ctx, { title: `Add bridge ${name}`, prompt: 'Address of the bridge, with its prefix length (leave empty for none)', placeholder: 'e.g. 172.16.0.100/24', validate: optionalCidrValidator });
  return { op: { kind: 'create-bridge', namespace: ns.name, name, address: address || null }, title: `Create bridge ${name} ${inNamespace(ns.name)}` };
}

export function addBridge(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, 'Add bridge', (topology) => askNewBridge(ctx, topology, target));
}

// ---- address ----

async function askNewAddress(ctx: CommandContext, topology: Topology, target: Target): Promise<PlannedOperation> {
  const ns = await resolveNamespace(ctx, topology, target, 'Add address');
  const iface = await resolveInterface(ctx, ns, target, 'Add address');
  const address = await ask(ctx, {
    title: `Add address to ${iface.name} ${inNamespace(ns.name)}`, prompt: 'Address with its prefix length', placeholder: 'e.g. 172.16.0.1/24',
    validate: (text) => cidrValidator(text) ?? (iface.addresses.includes(text.trim()) ? `${iface.name} already has ${text.trim()}.` : undefined),
  });
  return { op: { kind: 'add-address', namespace: ns.name, interface: iface.name, address }, title: `Add address ${address} to ${iface.name} ${inNamespace(ns.name)}` };
}

export function addAddress(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, 'Add address', (topology) => askNewAddress(ctx, topology, target));
}

// ---- route ----

export async function askNewRoute(ctx: CommandContext, topology: Topology, target: Target): Promise<PlannedOperation> {
  const ns = await resolveNamespace(ctx, topology, target, 'Add route');
  const to = await ask(ctx, { title: `Add route ${inNamespace(ns.name)}`, prompt: 'Destination: "default" or a subnet', value: 'default', validate: routeTargetValidator });
  const via = await ask(ctx, { title: `Add route ${to} ${inNamespace(ns.name)}`, prompt: 'Gateway address (leave empty to route straight out of an interface)', placeholder: 'e.g. 172.16.0.100', validate: optionalIpValidator });
  let dev: string | null = null;
  const candidates = ns.interfaces.filter((i) => i.kind !== 'loopback');
  if (!via || candidates.length) {
    const items = [
      ...(via ? [{ label: 'Any interface', description: 'the kernel picks the one that reaches the gateway', value: null as string | null }] : []),
      ...candidates.map((i) => ({ label: iconSafe(i.name), description: iconSafe(i.addresses.join(', ')), value: i.name as string | null })),
    ];
    if (!items.length) cancelled();
    const picked = await ctx.ui.pick(items, { title: `Add route ${to}${via ? ` via ${via}` : ''}`, placeholder: via ? 'Out of which interface?' : 'Out of which interface? (no gateway given)' });
    if (picked === undefined) cancelled();
    dev = picked;
  }
  const route = { to, via: via || null, dev };
  return { op: { kind: 'add-route', namespace: ns.name, ...route }, title: `Add route ${describeRoute(route)} ${inNamespace(ns.name)}` };
}

export function addRoute(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, 'Add route', (topology) => askNewRoute(ctx, topology, target));
}

// ---- NAT ----

/** "any interface", "IF", or "any but IF": the interface condition of a NAT rule. */
async function askInterfaceMatch(ctx: CommandContext, ns: Namespace, title: string, direction: 'leaving' | 'arriving', suggested: string | null): Promise<AddressMatch | null> {
  const ifaces = ns.interfaces.filter((i) => i.kind !== 'loopback');
  type Choice = AddressMatch | null;
  const items: { label: string; description?: string; value: Choice }[] = [
    { label: `${direction === 'leaving' ? 'Leaving' : 'Arriving'} by any interface`, value: null },
  ];
  // The usual rule first: traffic that does not stay on (or come from) the bridge of the subnet.
  const ordered = suggested ? [...ifaces].sort((a, b) => Number(b.name === suggested) - Number(a.name === suggested)) : ifaces;
  for (const iface of ordered) {
    items.push({ label: `${direction} by any but ${iconSafe(iface.name)}`, description: iface.kind, value: { value: iface.name, negated: true } });
  }
  for (const iface of ordered) {
    items.push({ label: `${direction} by ${iconSafe(iface.name)} only`, description: iface.kind, value: { value: iface.name, negated: false } });
  }
  const picked = await ctx.ui.pick(items, { title, placeholder: `Which traffic, by the interface it is ${direction} by?` });
  return picked === undefined ? cancelled() : picked;
}

/** The interface holding an address in `subnet` (a bridge first): the usual `not-out`/`not-in` interface. */
export function interfaceOfSubnet(ns: Namespace, subnet: string): string | null {
  const wanted = parseCidr(subnet) ?? (parseIp(subnet) ? parseCidr(`${subnet}/${parseIp(subnet)!.family === 4 ? 32 : 128}`) : null);
  if (!wanted) return null;
  const holds = (addresses: readonly string[]) => addresses.some((a) => {
    const cidr = parseCidr(a);
    return cidr !== null && cidr.prefix <= wanted.prefix && cidrContains(cidr, ipOfCidr(wanted));
  });
  const candidates = ns.interfaces.filter((i) => i.kind !== 'loopback' && holds(i.addresses));
  return (candidates.find((i) => i.kind === 'bridge') ?? candidates[0])?.name ?? null;
}

export async function askNewMasquerade(ctx: CommandContext, topology: Topology, target: Target): Promise<PlannedOperation> {
  const ns = await resolveNamespace(ctx, topology, target, 'Add masquerade rule', { placeholder: 'Where does the traffic leave? (usually host)' });
  const source = await ask(ctx, { title: `Masquerade ${inNamespace(ns.name)}`, prompt: 'Source subnet whose traffic is masqueraded', placeholder: 'e.g. 172.16.0.0/24', validate: cidrValidator });
  const outInterface = await askInterfaceMatch(ctx, ns, `Masquerade ${source}`, 'leaving', interfaceOfSubnet(ns, source));
  const op = { kind: 'add-masquerade' as const, namespace: ns.name, source, outInterface };
  return { op, title: `${sentenceCase(wordNatRule(natRuleOf(op)))} ${inNamespace(ns.name)}` };
}

export function addMasquerade(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, 'Add masquerade rule', (topology) => askNewMasquerade(ctx, topology, target));
}

export async function askNewPortForward(ctx: CommandContext, topology: Topology, target: Target): Promise<PlannedOperation> {
  const ns = await resolveNamespace(ctx, topology, target, 'Add port forward', { placeholder: 'Where does the traffic arrive? (usually host)' });
  const protocol = await ctx.ui.pick([
    { label: 'tcp', value: 'tcp' as const },
    { label: 'udp', value: 'udp' as const },
  ], { title: `Port forward ${inNamespace(ns.name)}`, placeholder: 'Protocol' });
  if (!protocol) cancelled();
  const port = normalizePort(await ask(ctx, { title: `Port forward ${protocol} ${inNamespace(ns.name)}`, prompt: 'Port that arrives (or a range 8000:8100)', placeholder: 'e.g. 8088', validate: portValidator }));
  const to = await ask(ctx, { title: `Port forward ${protocol} :${port}`, prompt: 'Where it goes: address and optional port', placeholder: 'e.g. 172.16.0.102:80', validate: dnatTargetValidator });
  const inInterface = await askInterfaceMatch(ctx, ns, `Port forward ${protocol} :${port} → ${to}`, 'arriving', interfaceOfSubnet(ns, to.split(':')[0]));
  const op = { kind: 'add-port-forward' as const, namespace: ns.name, protocol, port, to, inInterface };
  return { op, title: `Forward ${wordNatRule(natRuleOf(op))} ${inNamespace(ns.name)}` };
}

export function addPortForward(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, 'Add port forward', (topology) => askNewPortForward(ctx, topology, target));
}

// ---- forwarding and link state ----

export async function toggleForwarding(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Toggle forwarding');
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, 'Toggle forwarding');
  const enable = !ns.forwarding;
  await runOperationOn(ctx, session, { kind: 'set-forwarding', namespace: ns.name, enable }, `Turn forwarding ${enable ? 'on' : 'off'} ${inNamespace(ns.name)}`);
}

export async function toggleInterfaceState(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Bring interface up or down');
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, 'Bring interface up or down');
  const iface = await resolveInterface(ctx, ns, target, 'Bring interface up or down');
  const state = iface.state === 'up' ? 'down' : 'up';
  await runOperationOn(ctx, session, { kind: 'set-link-state', namespace: ns.name, interface: iface.name, state }, `Bring ${state} ${iface.name} ${inNamespace(ns.name)}`);
}
