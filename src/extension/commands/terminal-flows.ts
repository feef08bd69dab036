// "Open shell in namespace", "Ping from namespace…" and "Capture on interface": each opens an integrated
// terminal running the command inside the namespace, on the host (this machine for `local`). Free of vscode.

import { ROOT_NAMESPACE, type Namespace, type Topology } from '../../model/topology';
import { captureFilterValidator, ipValidator } from '../input-validators';
import { captureTerminal, pingTerminal, shellTerminal } from '../terminal-command';
import { iconSafe } from '../text-safety';
import type { CommandContext } from './context';
import { cancelled, resolveInterface, resolveNamespace, resolveSession, topologyOf, type Target } from './resolve';

function open(ctx: CommandContext, spec: ReturnType<typeof shellTerminal>): void {
  ctx.ui.openTerminal(spec);
}

export async function openShell(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Open shell in namespace');
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, 'Open shell in namespace', { editable: false });
  open(ctx, shellTerminal(session.entry, ctx.settings(), ns));
}

/** Addresses worth pinging from `from`: every other interface address on the host, nearest namespaces first. */
export function pingCandidates(topology: Topology, from: Namespace): { address: string; where: string }[] {
  const out: { address: string; where: string }[] = [];
  for (const ns of topology.namespaces) {
    if (ns === from) continue;
    for (const iface of ns.interfaces) {
      if (iface.kind === 'loopback') continue;
      for (const cidr of iface.addresses) {
        const address = cidr.slice(0, cidr.indexOf('/'));
        if (address.startsWith('fe80:')) continue;
        out.push({ address, where: `${iface.name} in ${ns.root ? ROOT_NAMESPACE : ns.name}` });
      }
    }
  }
  return out;
}

export async function ping(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Ping from namespace');
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, 'Ping from namespace', { editable: false });
  const OTHER = '\u0000other';
  const picked = await ctx.ui.pick([
    ...pingCandidates(topology, ns).map((c) => ({ label: iconSafe(c.address), description: iconSafe(c.where), value: c.address })),
    { label: 'Other address…', value: OTHER },
  ], { title: `Ping from ${ns.root ? ROOT_NAMESPACE : ns.name}`, placeholder: 'Which address?' });
  if (picked === undefined) cancelled();
  let address = picked;
  if (picked === OTHER) {
    const typed = await ctx.ui.input({ title: `Ping from ${ns.root ? ROOT_NAMESPACE : ns.name}`, prompt: 'Address to ping', placeholder: 'e.g. 172.16.0.1', validate: ipValidator });
    if (typed === undefined) cancelled();
    address = typed.trim();
  }
  open(ctx, pingTerminal(session.entry, ctx.settings(), ns, address));
}

export async function capture(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Capture on interface');
  const topology = await topologyOf(ctx, session);
  const ns = await resolveNamespace(ctx, topology, target, 'Capture on interface', { editable: false });
  const iface = await resolveInterface(ctx, ns, target, 'Capture on interface');
  const filter = await ctx.ui.input({
    title: `Capture on ${iface.name}`, prompt: 'tcpdump filter (leave empty to see everything)', placeholder: 'e.g. icmp or port 80',
    validate: captureFilterValidator,
  });
  if (filter === undefined) cancelled();
  open(ctx, captureTerminal(session.entry, ctx.settings(), ns, iface.name, filter));
}
