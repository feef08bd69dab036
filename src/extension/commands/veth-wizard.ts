// "Add veth pair": a wizard in four parts, as the issue names them: the ends (which namespace each end
// lives in), their names, their addresses, and a bridge to attach an end to. Every input is validated as
// the user types. Free of vscode.

import { ROOT_NAMESPACE, type Namespace, type Topology } from '../../model/topology';
import type { VethEnd } from '../../plan/operations';
import { interfaceNameValidator, optionalCidrValidator } from '../input-validators';
import { iconSafe } from '../text-safety';
import { isEditable, orderedNamespaces } from '../tree-model';
import type { CommandContext } from './context';
import { freeName, runPlanned, type PlannedOperation } from './create-flows';
import { inNamespace } from '../../plan/wording';
import { cancelled, findNamespace, type Target } from './resolve';

const TITLE = 'Add veth pair';

async function pickEnd(ctx: CommandContext, topology: Topology, step: string, placeholder: string, first: string | undefined): Promise<Namespace> {
  const choices = orderedNamespaces(topology).filter(isEditable);
  const ordered = first ? [...choices].sort((a, b) => Number(b.name === first) - Number(a.name === first)) : choices;
  const picked = await ctx.ui.pick(ordered.map((ns) => ({
    label: iconSafe(ns.root ? ROOT_NAMESPACE : ns.name),
    description: ns.root ? 'the host’s root namespace' : `${ns.interfaces.length} interfaces`,
    value: ns,
  })), { title: `${TITLE} (${step})`, placeholder });
  return picked ?? cancelled();
}

/** A name for a new end: `veth-<other namespace>` in the root namespace, `veth0`… inside a namespace. */
function suggestEndName(ns: Namespace, other: Namespace, taken: readonly string[]): string {
  const base = ns.root && !other.root ? `veth-${other.name}`.slice(0, 15) : 'veth0';
  return freeName(base, (n) => taken.includes(n) || ns.interfaces.some((i) => i.name === n));
}

async function askName(ctx: CommandContext, ns: Namespace, other: Namespace, step: string, taken: readonly string[]): Promise<string> {
  const name = await ctx.ui.input({
    title: `${TITLE} (${step})`,
    prompt: `Name of the end ${inNamespace(ns.name)}`,
    value: suggestEndName(ns, other, taken),
    validate: interfaceNameValidator(ns, taken),
  });
  return name === undefined ? cancelled() : name.trim();
}

async function askAddress(ctx: CommandContext, ns: Namespace, name: string, step: string): Promise<string | null> {
  const address = await ctx.ui.input({
    title: `${TITLE} (${step})`,
    prompt: `Address of ${name} ${inNamespace(ns.name)}, with its prefix length (leave empty for none)`,
    placeholder: 'e.g. 172.16.0.2/24',
    validate: optionalCidrValidator,
  });
  if (address === undefined) cancelled();
  return address.trim() || null;
}

export async function askNewVethPair(ctx: CommandContext, topology: Topology, target: Target): Promise<PlannedOperation> {
  // A pair started from a namespace has that namespace as its first end; from a bridge, its second.
  const fromBridge = target.kind === 'interface' && target.interfaceName !== undefined && target.namespace !== undefined
    && findNamespace(topology, target.namespace)?.interfaces.find((i) => i.name === target.interfaceName)?.kind === 'bridge';
  const nsA = await pickEnd(ctx, topology, '1/7: first end', 'Which namespace holds the first end?', fromBridge ? undefined : target.namespace);
  const nsB = await pickEnd(ctx, topology, '2/7: second end', 'Which namespace holds the other end?', fromBridge ? target.namespace : ROOT_NAMESPACE);
  const nameA = await askName(ctx, nsA, nsB, '3/7: first name', []);
  const nameB = await askName(ctx, nsB, nsA, '4/7: second name', nsA.name === nsB.name ? [nameA] : []);
  const addressA = await askAddress(ctx, nsA, nameA, '5/7: first address');
  const addressB = await askAddress(ctx, nsB, nameB, '6/7: second address');

  const a: VethEnd = { namespace: nsA.name, interface: nameA, address: addressA, bridge: null };
  const b: VethEnd = { namespace: nsB.name, interface: nameB, address: addressB, bridge: null };
  const bridgeChoices = [
    ...nsB.interfaces.filter((i) => i.kind === 'bridge').map((bridge) => ({ end: b, bridge: bridge.name, ns: nsB })),
    ...(nsA.name === nsB.name ? [] : nsA.interfaces.filter((i) => i.kind === 'bridge').map((bridge) => ({ end: a, bridge: bridge.name, ns: nsA }))),
  ];
  if (bridgeChoices.length) {
    const preferred = fromBridge ? target.interfaceName : undefined;
    const ordered = [...bridgeChoices].sort((x, y) => Number(y.bridge === preferred) - Number(x.bridge === preferred));
    const picked = await ctx.ui.pick([
      ...ordered.map((choice) => ({
        label: `Attach ${iconSafe(choice.end.interface)} to bridge ${iconSafe(choice.bridge)}`,
        description: inNamespace(choice.ns.name),
        value: choice as (typeof bridgeChoices)[number] | null,
      })),
      { label: 'No bridge', description: 'a point-to-point link', value: null },
    ], { title: `${TITLE} (7/7: bridge)`, placeholder: 'Attach an end to a bridge?' });
    if (picked === undefined) cancelled();
    if (picked) picked.end.bridge = picked.bridge;
  }
  return {
    op: { kind: 'create-veth', a, b },
    title: `Create veth pair ${nsA.name}:${nameA} ⇄ ${nsB.name}:${nameB}${a.bridge ? ` (on ${a.bridge})` : ''}${b.bridge ? ` (on ${b.bridge})` : ''}`,
  };
}

export function addVethPair(ctx: CommandContext, target: Target): Promise<void> {
  return runPlanned(ctx, target, TITLE, (topology) => askNewVethPair(ctx, topology, target));
}
