// "Impair Link…" and "Clear Impairment": a preset or a custom impairment (typed in the language's words,
// validated as the user types), set on one end of a veth or on both, each end's root qdisc replaced by
// the engine's set-impairment operation; clearing deletes the root qdisc of each end that has one.
// Free of vscode.

import { VnetError } from '../../model/errors';
import { describeImpairment, isEmptyImpairment, type Impairment } from '../../model/impairment';
import { IMPAIRMENT_PRESETS, parseImpairmentText } from '../../model/impairment-presets';
import type { NetInterface, PeerRef, Topology } from '../../model/topology';
import { inNamespace } from '../../plan/wording';
import { isEditable } from '../tree-model';
import { iconSafe } from '../text-safety';
import type { CommandContext } from './context';
import { cancelled, findNamespace, resolveInterface, resolveNamespace, resolveSession, topologyOf, type Target } from './resolve';
import { runOperationOn } from './run-operation';

const CUSTOM = 'custom';

/** A preset, or the custom form (its text checked as it is typed, with the language's words). */
export async function askImpairment(ctx: CommandContext, title: string): Promise<Impairment> {
  const picked = await ctx.ui.pick([
    ...IMPAIRMENT_PRESETS.map((preset) => ({ label: preset.label, description: describeImpairment(preset.impairment), detail: preset.detail, value: preset.impairment as Impairment | typeof CUSTOM })),
    { label: 'Custom…', description: 'delay, jitter, loss, duplicate, reorder, corrupt, rate', value: CUSTOM as Impairment | typeof CUSTOM },
  ], { title, placeholder: 'How should the link behave? (each end impairs what it sends)' });
  if (picked === undefined) return cancelled();
  if (picked !== CUSTOM) return picked;
  const text = await ctx.ui.input({
    title: `${title}: custom`, prompt: 'Settings and values, as a .vnet file writes them', placeholder: 'e.g. delay 20ms jitter 5ms loss 1% rate 10mbit',
    validate: (value) => { const parsed = parseImpairmentText(value); return 'error' in parsed ? parsed.error : undefined; },
  });
  if (text === undefined) return cancelled();
  const parsed = parseImpairmentText(text);
  return 'impairment' in parsed ? parsed.impairment : cancelled();
}

/** The other end of a veth, when the operations can reach it by name. */
function reachablePeer(topology: Topology, iface: NetInterface): PeerRef | null {
  if (iface.kind !== 'veth' || !iface.peer) return null;
  const ns = findNamespace(topology, iface.peer.namespace);
  return ns && isEditable(ns) && ns.interfaces.some((i) => i.name === iface.peer!.interface) ? iface.peer : null;
}

/** Which ends to impair: this one, and for a veth whose other end is reachable, that one too or instead. */
async function askEnds(ctx: CommandContext, title: string, here: PeerRef, peer: PeerRef | null): Promise<PeerRef[]> {
  if (!peer) return [here];
  const words = (end: PeerRef) => `${end.interface} ${inNamespace(end.namespace)}`;
  const picked = await ctx.ui.pick([
    { label: 'Both directions', description: `${words(here)} and ${words(peer)}`, value: [here, peer] },
    { label: `Only what ${iconSafe(here.interface)} sends`, description: `towards ${words(peer)}`, value: [here] },
    { label: `Only what ${iconSafe(peer.interface)} sends`, description: `towards ${words(here)}`, value: [peer] },
  ], { title, placeholder: 'Which direction?' });
  return picked ?? cancelled();
}

export async function impairLink(ctx: CommandContext, target: Target): Promise<void> {
  const title = 'Impair link';
  const session = await resolveSession(ctx, target, title);
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, title);
  const iface = await resolveInterface(ctx, ns, target, title, (i) => i.kind !== 'loopback');
  const impairment = await askImpairment(ctx, `Impair ${iface.name} ${inNamespace(ns.name)}`);
  const ends = await askEnds(ctx, title, { namespace: ns.name, interface: iface.name }, reachablePeer(topology, iface));
  for (const end of ends) {
    await runOperationOn(ctx, session, { kind: 'set-impairment', namespace: end.namespace, interface: end.interface, impairment },
      `Impair ${end.interface} ${inNamespace(end.namespace)} (${describeImpairment(impairment)})`);
  }
}

export async function clearImpairment(ctx: CommandContext, target: Target): Promise<void> {
  const title = 'Clear impairment';
  const session = await resolveSession(ctx, target, title);
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, title);
  const iface = await resolveInterface(ctx, ns, target, title, (i) => !isEmptyImpairment(i.impairment));
  // The link's impairment: this end's, and the other end's when it has one too.
  const peer = reachablePeer(topology, iface);
  const peerIface = peer ? findNamespace(topology, peer.namespace)?.interfaces.find((i) => i.name === peer.interface) : undefined;
  const ends: PeerRef[] = [
    ...(isEmptyImpairment(iface.impairment) ? [] : [{ namespace: ns.name, interface: iface.name }]),
    ...(peer && !isEmptyImpairment(peerIface?.impairment) ? [peer] : []),
  ];
  if (ends.length === 0) throw new VnetError('VN-OP-MISSING', `${iface.name} ${inNamespace(ns.name)} has no impairment to clear. Refresh the view.`);
  for (const end of ends) {
    await runOperationOn(ctx, session, { kind: 'clear-impairment', namespace: end.namespace, interface: end.interface },
      `Clear the impairment of ${end.interface} ${inNamespace(end.namespace)}`);
  }
}
