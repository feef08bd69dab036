// What a user may type after --host: `local`, `[user@]host[:port]` (IPv6 in brackets), or a name from
// ~/.ssh/config. Pure: parsing and validation only, so that nothing odd ever reaches ssh's argv.

import { VnetError } from '../model/errors';
import { printable } from '../model/names';

export interface SshDestination {
  /** What ssh gets as its destination: a host name, an address or a ~/.ssh/config alias. */
  host: string;
  user: string | null;
  port: number | null;
}

export const LOCAL_TARGET = 'local';

export function isLocalTarget(target: string): boolean {
  return target === LOCAL_TARGET;
}

function invalid(target: string, why: string): VnetError {
  return new VnetError('VN-USAGE-HOST', `Host "${printable(target)}" is not a valid target: ${why}. Use local, [user@]host[:port] or an alias from ~/.ssh/config.`);
}

export function parseDestination(target: string): SshDestination {
  if (target.length === 0) throw invalid(target, 'it is empty');
  if (/[\s\u0000-\u001f\u007f]/.test(target)) throw invalid(target, 'it contains a space or a control character');
  if (target.startsWith('-')) throw invalid(target, 'it starts with "-"');
  let rest = target;
  let user: string | null = null;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!user) throw invalid(target, 'the user before "@" is empty');
    if (user.startsWith('-')) throw invalid(target, 'the user starts with "-"');
  }
  let host = rest;
  let port: number | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    port = bracketed[2] !== undefined ? Number(bracketed[2]) : null;
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    const colon = rest.indexOf(':');
    host = rest.slice(0, colon);
    const portText = rest.slice(colon + 1);
    if (!/^\d+$/.test(portText)) throw invalid(target, `"${portText}" is not a port number`);
    port = Number(portText);
  }
  // More than one colon without brackets: a bare IPv6 address, no port.
  if (!host) throw invalid(target, 'the host is empty');
  if (host.startsWith('-')) throw invalid(target, 'the host starts with "-"');
  if (/[@/\\'"`$;&|<>()]/.test(host)) throw invalid(target, 'the host contains a character no host name has');
  if (port !== null && (port < 1 || port > 65535)) throw invalid(target, `port ${port} is out of range`);
  return { host, user, port };
}
