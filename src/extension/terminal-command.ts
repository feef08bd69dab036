// The command lines of "Open shell in namespace", "Ping from namespace…" and "Capture on interface", built
// as argv and joined only with the shared quoting (src/model/shell.ts). A local command runs without any
// shell in between; over ssh, the remote command is one quoted line, as ssh hands it to the remote shell.
// Pure.

import { VnetError } from '../model/errors';
import { shellCommand } from '../model/shell';
import { ROOT_NAMESPACE, type Namespace } from '../model/topology';
import { parseDestination } from '../host/ssh-destination';
import type { ExtensionSettings, HostEntry, SudoMode } from './settings';
import type { TerminalSpec } from './ui';

/** Runs argv inside a namespace: as is in the root one, `ip netns exec` in a named one, `nsenter` otherwise. */
function inNamespaceArgv(ns: Namespace, argv: readonly string[]): string[] {
  if (ns.root) return [...argv];
  if (!ns.anonymous) return ['ip', 'netns', 'exec', ns.name, ...argv];
  if (!ns.path) {
    throw new VnetError('VN-TERMINAL-NS', `The anonymous namespace ${ns.name} has no path to enter it by. Refresh the view and try again.`);
  }
  // `pid:1234` namespaces are held by a process: enter through its /proc entry (the probe records it as the path).
  return ['nsenter', `--net=${ns.path}`, '--', ...argv];
}

/** Becomes root for an interactive command: sudo may ask for a password here, in the terminal. */
function asRoot(argv: readonly string[], sudo: SudoMode): string[] {
  switch (sudo) {
    case 'never': return [...argv];
    case 'always': return ['sudo', '--', ...argv];
    case 'auto':
      return ['sh', '-c', 'if [ "$(id -u)" = 0 ]; then exec "$@"; else exec sudo -- "$@"; fi', 'sh', ...argv];
  }
}

/** An interactive shell: bash where there is one, else sh. */
const INTERACTIVE_SHELL = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -i; else exec sh -i; fi'];

/** ssh's argv for an interactive terminal on a host, with the user's settings, ending in the remote command line. */
function sshTerminalArgs(entry: HostEntry, settings: ExtensionSettings, remoteArgv: readonly string[]): string[] {
  const destination = parseDestination(entry.destination);
  const args = ['-t'];
  if (settings.sshConfigFile) args.push('-F', settings.sshConfigFile);
  for (const [key, value] of settings.sshOptions) args.push('-o', `${key}=${value}`);
  if (entry.identityFile) args.push('-i', entry.identityFile);
  if (destination.user !== null) args.push('-l', destination.user);
  if (destination.port !== null) args.push('-p', String(destination.port));
  args.push('--', destination.host, shellCommand(remoteArgv));
  return args;
}

/** A terminal that runs argv as root inside a namespace of a host (this machine for `local`). */
function terminalSpec(entry: HostEntry, settings: ExtensionSettings, ns: Namespace, argv: readonly string[], name: string): TerminalSpec {
  const command = asRoot(inNamespaceArgv(ns, argv), settings.useSudo);
  if (entry.destination === 'local') {
    return { name, shellPath: command[0], shellArgs: command.slice(1), commandLine: shellCommand(command) };
  }
  const args = sshTerminalArgs(entry, settings, command);
  return { name, shellPath: settings.sshPath, shellArgs: args, commandLine: shellCommand([settings.sshPath, ...args]) };
}

function placeName(ns: Namespace): string {
  return ns.root ? ROOT_NAMESPACE : ns.name;
}

export function shellTerminal(entry: HostEntry, settings: ExtensionSettings, ns: Namespace): TerminalSpec {
  return terminalSpec(entry, settings, ns, INTERACTIVE_SHELL, `${placeName(ns)} @ ${entry.label ?? entry.destination}`);
}

export function pingTerminal(entry: HostEntry, settings: ExtensionSettings, ns: Namespace, address: string): TerminalSpec {
  // -c keeps it finite; the terminal stays open to read the result.
  return terminalSpec(entry, settings, ns, ['ping', '-c', '5', '--', address], `ping ${address} from ${placeName(ns)}`);
}

export function captureTerminal(entry: HostEntry, settings: ExtensionSettings, ns: Namespace, iface: string, filter: string): TerminalSpec {
  // -l: line-buffered, so packets show as they come; -n: no DNS lookups from inside a lab namespace.
  const argv = ['tcpdump', '-l', '-n', '-i', iface, ...(filter.trim() ? ['--', filter.trim()] : [])];
  return terminalSpec(entry, settings, ns, argv, `tcpdump ${iface} @ ${placeName(ns)}`);
}
