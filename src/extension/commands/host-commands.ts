// Commands about the hosts themselves: add (offering the Host aliases of the ssh config), remove, refresh,
// retry, make active, copy, and export a host's live network as a .vnet file. Free of vscode.

import { VnetError } from '../../model/errors';
import { exportText, labNameFor } from '../../plan/export';
import { LOCAL_TARGET } from '../../host/ssh-destination';
import { hostTitle } from '../host-state';
import { destinationValidator } from '../input-validators';
import { withHostAdded, withHostRemoved } from '../settings';
import { describeSshConfigHost, type SshConfigHost } from '../ssh-config-hosts';
import { readSshConfigHosts } from '../ssh-config-reader';
import { iconSafe, plainText } from '../text-safety';
import type { CommandContext } from './context';
import { cancelled, resolveSession, type Target } from './resolve';

export interface HostCommandDeps {
  /** The aliases to offer; default: read the ssh config (vnet.ssh.configFile, else ~/.ssh/config). */
  readAliases?: (configFile: string | null) => Promise<SshConfigHost[]>;
}

type AddChoice = { kind: 'alias'; destination: string } | { kind: 'local' } | { kind: 'type' };

export async function addHost(ctx: CommandContext, deps: HostCommandDeps = {}): Promise<void> {
  const settings = ctx.settings();
  const present = new Set(ctx.hosts.list().map((s) => s.destination));
  const read = deps.readAliases ?? ((file) => readSshConfigHosts(file ?? undefined));
  const aliases = (await read(settings.sshConfigFile).catch(() => [])).filter((h) => !present.has(h.alias));
  const items: { label: string; description?: string; detail?: string; value: AddChoice }[] = [
    { label: '$(edit) Enter an ssh destination…', description: '[user@]host[:port]', value: { kind: 'type' } },
    ...aliases.map((h) => ({ label: `$(server) ${iconSafe(h.alias)}`, description: iconSafe(describeSshConfigHost(h)), detail: 'from your ssh config', value: { kind: 'alias' as const, destination: h.alias } })),
    ...(present.has(LOCAL_TARGET) ? [] : [{ label: '$(device-desktop) local', description: 'this machine', value: { kind: 'local' as const } }]),
  ];
  const choice = await ctx.ui.pick(items, { title: 'Add host', placeholder: aliases.length ? 'A Host alias from your ssh config, or type a destination' : 'Type an ssh destination' });
  if (!choice) cancelled();
  let destination: string;
  if (choice.kind === 'local') {
    await ctx.saveHosts({ showLocalHost: true });
    destination = LOCAL_TARGET;
  } else {
    if (choice.kind === 'alias') {
      destination = choice.destination;
    } else {
      const typed = await ctx.ui.input({
        title: 'Add host', prompt: 'ssh destination: [user@]host[:port] or a Host alias', placeholder: 'e.g. root@10.0.1.48',
        validate: (text) => destinationValidator(text) ?? (present.has(text.trim()) ? `${plainText(text.trim())} is already in the list.` : undefined),
      });
      if (typed === undefined) cancelled();
      destination = typed.trim();
    }
    if (destination === LOCAL_TARGET) await ctx.saveHosts({ showLocalHost: true });
    else await ctx.saveHosts({ hosts: withHostAdded(ctx.rawHosts(), { destination, label: null, identityFile: null }) });
  }
  ctx.setActiveHost(destination);
  ctx.hosts.get(destination)?.start();
}

export async function removeHost(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Remove host');
  const destination = session.destination;
  const hosts = withHostRemoved(ctx.rawHosts(), destination);
  // Removing a host only takes it out of the view; nothing on the host changes, so no dialog.
  await ctx.saveHosts(destination === LOCAL_TARGET ? { hosts, showLocalHost: false } : { hosts });
  void ctx.ui.info(plainText(`${hostTitle(session.entry)} was taken out of the Hosts view (nothing on the host changed).`));
}

/** Reads one host again (or every host): a host in error connects again. */
export async function refresh(ctx: CommandContext, target: Target): Promise<void> {
  const sessions = target.host ? [ctx.hosts.get(target.host)].filter((s) => s !== undefined) : ctx.hosts.list();
  ctx.hosts.startAll();
  await Promise.all(sessions.map((session) => {
    if (session.view().connection.state === 'error') { session.retry(); return Promise.resolve(); }
    return session.refresh().then(() => undefined, () => undefined);
  }));
}

export async function retry(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Retry');
  session.retry();
}

export async function selectActiveHost(ctx: CommandContext, target: Target): Promise<void> {
  const session = await resolveSession(ctx, target, 'Active host');
  ctx.setActiveHost(session.destination);
}

export async function copyText(ctx: CommandContext, arg: unknown, field: 'copyName' | 'copyAddress'): Promise<void> {
  const value = typeof arg === 'object' && arg !== null ? (arg as Record<string, unknown>)[field] : undefined;
  if (typeof value !== 'string' || !value) {
    throw new VnetError('VN-COPY-NONE', field === 'copyAddress' ? 'This element has no address to copy.' : 'This element has no name to copy.');
  }
  await ctx.ui.copy(value);
}

/** The host's live network as a .vnet file (what apply could reproduce), saved in the labs folder. */
export async function exportHost(ctx: CommandContext, target: Target, save: (fileName: string, text: string) => Promise<void>): Promise<void> {
  const session = await resolveSession(ctx, target, 'Export as .vnet');
  const topology = await ctx.ui.progress(`Reading ${hostTitle(session.entry)}`, (signal) => session.refresh(signal));
  const name = labNameFor(session.destination);
  await save(`${name}.vnet`, exportText(topology, { name }));
}
