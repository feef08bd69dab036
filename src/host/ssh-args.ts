// The argv of every ssh call. Pure, so that what we ask of OpenSSH is visible and tested.
//
// Precedence matters: OpenSSH keeps the FIRST value it sees for an option, and reads the command line
// before ~/.ssh/config. So the user's --ssh-option come first (they win over everything), then our
// defaults (they win over the config files, which is what we want for BatchMode and the control socket).
// Host key checking is deliberately not set: OpenSSH's own default ("ask", which BatchMode turns into a
// refusal) or the user's configured policy applies.

import { createHash } from 'node:crypto';
import { VnetError } from '../model/errors';
import { printable } from '../model/names';
import type { SshDestination } from './ssh-destination';

export interface SshSettings {
  /** `-F FILE`: an ssh config file used instead of ~/.ssh/config. */
  configFile?: string | null;
  /** `-i FILE`. */
  identity?: string | null;
  /** `-o KEY=VALUE`, in the order given. */
  options?: ReadonlyArray<readonly [string, string]>;
  /** Seconds to wait for the TCP connection and the SSH handshake. */
  connectTimeoutSec: number;
  /** Seconds the shared connection stays open after the last call. */
  controlPersistSec: number;
  /** Directory (0700) for the control sockets; null turns multiplexing off. */
  controlDir: string | null;
}

/**
 * Part of the control socket's name. OpenSSH's %C hashes only user, resolved host and port, but the same
 * address can be a different machine behind another ProxyCommand or ProxyJump (two labs, two testbeds),
 * and two aliases of one address may carry different settings: calls that differ in the destination as
 * typed or in any option must never share a connection.
 */
function controlTag(destination: SshDestination, settings: Pick<SshSettings, 'identity' | 'options' | 'configFile'>): string {
  const key = JSON.stringify([destination.host, destination.user, destination.port, settings.identity ?? null, settings.options ?? [], settings.configFile ?? null]);
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export const DEFAULT_CONNECT_TIMEOUT_SEC = 10;
export const DEFAULT_CONTROL_PERSIST_SEC = 60;

/** Checks one `KEY=VALUE` from --ssh-option and splits it. */
export function parseSshOption(text: string): [string, string] {
  const eq = text.indexOf('=');
  const key = eq > 0 ? text.slice(0, eq).trim() : '';
  const value = eq > 0 ? text.slice(eq + 1).trim() : '';
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) {
    throw new VnetError('VN-USAGE-SSH-OPTION', `--ssh-option "${printable(text)}" must look like KEY=VALUE (e.g. Port=2222), as in ssh_config(5).`);
  }
  if (/[\r\n\0]/.test(value)) {
    throw new VnetError('VN-USAGE-SSH-OPTION', `--ssh-option ${key} contains a line break.`);
  }
  return [key, value];
}

function hasOption(settings: SshSettings, key: string): boolean {
  return (settings.options ?? []).some(([k]) => k.toLowerCase() === key.toLowerCase());
}

/** Options shared by every call to one destination (the control socket must match between calls). */
function sshBaseArgs(destination: SshDestination, settings: SshSettings): string[] {
  // -F first: it replaces ~/.ssh/config, and later -o options still take precedence over it.
  const args: string[] = settings.configFile ? ['-F', settings.configFile] : [];
  for (const [key, value] of settings.options ?? []) args.push('-o', `${key}=${value}`);
  if (settings.identity) {
    args.push('-i', settings.identity);
    if (!hasOption(settings, 'IdentitiesOnly')) args.push('-o', 'IdentitiesOnly=yes');
  }
  args.push(
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${Math.max(1, Math.round(settings.connectTimeoutSec))}`,
    // A dead connection is noticed within ~15 s instead of the TCP timeout.
    '-o', 'ServerAliveInterval=5',
    '-o', 'ServerAliveCountMax=3',
    '-T',
  );
  if (settings.controlDir) {
    args.push(
      '-o', 'ControlMaster=auto',
      '-o', `ControlPath=${settings.controlDir}/${controlTag(destination, settings)}-%C`,
      '-o', `ControlPersist=${Math.max(1, Math.round(settings.controlPersistSec))}`,
    );
  } else {
    args.push('-o', 'ControlMaster=no', '-o', 'ControlPath=none');
  }
  if (destination.user !== null) args.push('-l', destination.user);
  if (destination.port !== null) args.push('-p', String(destination.port));
  return args;
}

/** `ssh … -- destination command`. */
export function sshExecArgs(destination: SshDestination, settings: SshSettings, remoteCommand: string): string[] {
  return [...sshBaseArgs(destination, settings), '--', destination.host, remoteCommand];
}

/**
 * `ssh -O stop|exit|check …`. `stop` lets the shared connection finish the sessions it carries (another
 * vnet process may be using it) and then end; `exit` ends it at once.
 */
export function sshControlArgs(destination: SshDestination, settings: SshSettings, command: 'stop' | 'exit' | 'check'): string[] {
  return [...sshBaseArgs(destination, settings), '-O', command, '--', destination.host];
}
