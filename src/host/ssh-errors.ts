// Turns what OpenSSH, sudo and the wrapper print when a call fails into one VnetError with a stable code
// and a sentence that says what to do. Pure: it reads text only, and is tested on captured messages.

import { VnetError } from '../model/errors';
import { printable } from '../model/names';
import { NO_PRIVILEGE_MARK } from './remote-wrapper';

export interface FailedCall {
  /** The target as the user named it. */
  target: string;
  /** Host name and port, for the commands the message suggests. */
  host: string;
  port: number | null;
  exitCode: number;
  stderr: string;
  timedOut: boolean;
  timeoutMs: number;
  connectTimeoutSec: number;
  /** Whether this call went over ssh (exit 255 is then ssh's own failure). */
  overSsh: boolean;
  /** The script printed something: it ran, so sudo or the wrapper did not stop it. */
  producedOutput: boolean;
}

/** The lines worth showing: ssh's banner of @ signs and sudo's hostname grumbling say nothing useful. */
function meaningfulLines(stderr: string): string[] {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^@+$/.test(l) && !/unable to resolve host/.test(l));
}

function lastLine(stderr: string): string {
  const lines = meaningfulLines(stderr);
  return printable(lines[lines.length - 1] ?? '');
}

function keyscan(call: FailedCall): string {
  return `ssh-keyscan${call.port ? ` -p ${call.port}` : ''} ${call.host}`;
}

/** Null when the call did not fail in a way this module knows; the caller then reports the exit code. */
export function classifyFailure(call: FailedCall): VnetError | null {
  const { stderr, target } = call;
  const where = `"${printable(target)}"`;
  if (call.timedOut) {
    return new VnetError('VN-SSH-TIMEOUT', `${where} did not finish within ${Math.round(call.timeoutMs / 1000)} s; the call was stopped. Check that the host is up and not overloaded, or raise --timeout.`, stderr);
  }
  if (!call.producedOutput && stderr.includes(NO_PRIVILEGE_MARK)) {
    return new VnetError('VN-HOST-PRIVILEGE', `The user on ${where} is not root and the host has no sudo. Connect as root (root@host), or install sudo and allow this user to run sh without a password.`, stderr);
  }
  if (!call.producedOutput && /sudo: (a password is required|a terminal is required)/.test(stderr)) {
    return new VnetError('VN-HOST-SUDO-PASSWORD', `sudo on ${where} wants a password (or this user may not use sudo), and vnet never types one. Connect as root, or allow this user passwordless sudo (NOPASSWD) in /etc/sudoers.d.`, stderr);
  }
  if (!call.producedOutput && /is not in the sudoers file|is not allowed to (execute|run sudo)|may not run sudo|you must have a tty to run sudo/.test(stderr)) {
    return new VnetError('VN-HOST-PRIVILEGE', `sudo on ${where} refused: ${lastLine(stderr)}. Connect as root, or allow this user to run sh through sudo without a password.`, stderr);
  }
  if (!call.overSsh || call.exitCode !== 255) return null;

  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/.test(stderr)) {
    const offending = /Offending \S+ key in (\S+):(\d+)/.exec(stderr);
    const file = offending ? offending[1] : '~/.ssh/known_hosts';
    const at = offending ? ` (${printable(offending[1])} line ${offending[2]})` : '';
    return new VnetError('VN-SSH-HOSTKEY', `The host key of ${where} has CHANGED since it was recorded${at}: someone may be intercepting the connection, or the host was reinstalled. Only if you know why, remove the old key with: ssh-keygen -f "${printable(file)}" -R "${printable(call.host)}", then check the new key and connect again.`, stderr);
  }
  if (/Host key verification failed|No \S+ host key is known for|host key is not known/.test(stderr)) {
    return new VnetError('VN-SSH-HOSTKEY', `The host key of ${where} is not known, and vnet never accepts one blindly. Check its fingerprint, then add it to ~/.ssh/known_hosts (e.g. ${keyscan(call)} >> ~/.ssh/known_hosts, or connect once with ssh ${printable(target)}).`, stderr);
  }
  if (/Permission denied \(|Too many authentication failures|no matching (host key type|key exchange method|cipher) found|Authentication failed/.test(stderr)) {
    return new VnetError('VN-SSH-AUTH', `${where} refused the login: ${lastLine(stderr)}. Check the user and the key (--identity FILE, or IdentityFile in ~/.ssh/config); vnet uses keys or an agent, never passwords.`, stderr);
  }
  if (/Connection timed out|Operation timed out|timed out during banner exchange/.test(stderr)) {
    return new VnetError('VN-SSH-TIMEOUT', `${where} did not answer within ${call.connectTimeoutSec} s (${lastLine(stderr)}). Check the address and that the host is up and reachable, or raise --timeout.`, stderr);
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname|Temporary failure in name resolution/.test(stderr)) {
    return new VnetError('VN-SSH-UNREACHABLE', `Cannot resolve ${where}: ${lastLine(stderr)}. Check the name, or add a Host entry to ~/.ssh/config.`, stderr);
  }
  if (/Connection refused|No route to host|Network is unreachable|Connection reset|Connection closed|kex_exchange_identification|connect to host|Broken pipe|Host is down|ProxyCommand|Connection to .* closed/.test(stderr)) {
    return new VnetError('VN-SSH-UNREACHABLE', `Cannot reach ${where}: ${lastLine(stderr)}. Check the address and port, and that sshd runs there.`, stderr);
  }
  if (/Bad configuration option|Bad owner or permissions|bad configuration|Unsupported option|command-line line|garbage at end of line/i.test(stderr)) {
    return new VnetError('VN-SSH-CONFIG', `ssh refused its configuration for ${where}: ${lastLine(stderr)}. Check ~/.ssh/config and the --ssh-option values.`, stderr);
  }
  if (!lastLine(stderr)) {
    return new VnetError('VN-SSH-UNREACHABLE', `The connection to ${where} closed without a word (the network dropped it, or the host's sshd ended it). Check that the host is up, then try again.`, stderr);
  }
  return new VnetError('VN-SSH-FAILED', `ssh to ${where} failed: ${lastLine(stderr)}.`, stderr);
}
