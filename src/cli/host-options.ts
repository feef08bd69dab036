// The options every command that talks to a host shares (show, plan, apply, destroy, export, graph):
// --host, --identity, --ssh-option (repeatable) and --timeout, turned into one Transport.

import { VnetError } from '../model/errors';
import { createTransport } from '../host/connect';
import { DEFAULT_CONNECT_TIMEOUT_SEC, parseSshOption } from '../host/ssh-args';
import { LOCAL_TARGET, parseDestination } from '../host/ssh-destination';
import type { Transport } from '../host/transport';
import { probeHost } from '../host/probe';
import type { Topology } from '../model/topology';
import { flagValue, type FlagSpec, type ParsedArgs } from './args';

/** Spread into a command's flag spec: `{ ...HOST_FLAGS, json: {} }`. */
export const HOST_FLAGS: Record<string, FlagSpec> = {
  host: { value: true },
  identity: { value: true },
  'ssh-option': { value: true, repeatable: true },
  timeout: { value: true },
};

/** For a command's usage line. */
export const HOST_USAGE = '[--host TARGET] [--identity FILE] [--ssh-option KEY=VALUE]... [--timeout SECONDS]';

/** For `vnet help <command>`. */
export const HOST_HELP = [
  '  --host TARGET           local (default), [user@]host[:port], or a Host alias from ~/.ssh/config',
  '  --identity FILE         private key for ssh (as ssh -i)',
  '  --ssh-option KEY=VALUE  any ssh_config option, e.g. Port=2222 or ProxyJump=bastion (repeatable)',
  `  --timeout SECONDS       how long to wait for the host to answer (default ${DEFAULT_CONNECT_TIMEOUT_SEC})`,
].join('\n');

export interface HostArgs {
  target: string;
  identity: string | null;
  sshOptions: [string, string][];
  connectTimeoutSec: number;
}

/** Validates the host options (usage errors come out as VN-USAGE-*, exit code 2). */
export function hostArgsFrom(args: ParsedArgs, defaultTarget = LOCAL_TARGET): HostArgs {
  const target = flagValue(args, 'host') ?? defaultTarget;
  if (target !== LOCAL_TARGET) parseDestination(target);
  const timeoutText = flagValue(args, 'timeout');
  let connectTimeoutSec = DEFAULT_CONNECT_TIMEOUT_SEC;
  if (timeoutText !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(timeoutText) || Number(timeoutText) <= 0 || Number(timeoutText) > 3600) {
      throw new VnetError('VN-USAGE-TIMEOUT', `--timeout takes a number of seconds between 1 and 3600, not "${timeoutText}".`);
    }
    connectTimeoutSec = Math.max(1, Math.round(Number(timeoutText)));
  }
  const identity = flagValue(args, 'identity') ?? null;
  if (identity !== null && (!identity || /[\r\n\0]/.test(identity))) {
    throw new VnetError('VN-USAGE-IDENTITY', '--identity needs the path of a private key file.');
  }
  const sshOptions = (args.flags.get('ssh-option') ?? []).map(parseSshOption);
  if (target === LOCAL_TARGET && (identity !== null || sshOptions.length)) {
    throw new VnetError('VN-USAGE-HOST', '--identity and --ssh-option apply to ssh hosts; give --host as well.');
  }
  return { target, identity, sshOptions, connectTimeoutSec };
}

/** How long a whole call may take: the connection, then the work (probe, apply…) itself. */
export function callTimeoutMs(host: HostArgs, workSec = 60): number {
  return (host.connectTimeoutSec + workSec) * 1000;
}

export function transportFromArgs(args: ParsedArgs, options: { log?: (line: string) => void; defaultTarget?: string } = {}): Transport {
  const host = hostArgsFrom(args, options.defaultTarget);
  return createTransport(host.target, {
    identity: host.identity,
    sshOptions: host.sshOptions,
    connectTimeoutSec: host.connectTimeoutSec,
    defaultTimeoutMs: callTimeoutMs(host),
    log: options.log,
  });
}

/** Reads the live network of the host the options name, then closes the connection. */
export async function probeFromArgs(args: ParsedArgs, signal?: AbortSignal): Promise<Topology> {
  const host = hostArgsFrom(args);
  const transport = transportFromArgs(args);
  try {
    return await probeHost(transport, { signal, timeoutMs: callTimeoutMs(host) });
  } finally {
    await transport.close();
  }
}
