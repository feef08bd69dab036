// Reads the user's ssh config (and what it Includes) for the Host aliases "Add host…" offers. Asynchronous
// file reads only; a file that cannot be read is skipped (there may simply be no ~/.ssh/config).

import { readdir, readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSshConfigHosts, type SshConfigHost } from './ssh-config-hosts';

/** OpenSSH's own limit on nested Includes. */
const MAX_DEPTH = 16;

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}

/** Include arguments as ssh resolves them: ~ is home, relative paths are under ~/.ssh; globs in the last part. */
async function expandInclude(pattern: string, home: string): Promise<string[]> {
  const absolute = pattern.startsWith('~/') ? path.join(home, pattern.slice(2))
    : path.isAbsolute(pattern) ? pattern : path.join(home, '.ssh', pattern);
  const dir = path.dirname(absolute);
  const base = path.basename(absolute);
  if (!/[*?]/.test(base)) return [absolute];
  const matcher = globToRegExp(base);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => matcher.test(name)).sort().map((name) => path.join(dir, name));
}

/** The Host aliases of `file` (default ~/.ssh/config) and the files it includes, each alias once. */
export async function readSshConfigHosts(file?: string, home = os.homedir()): Promise<SshConfigHost[]> {
  const found = new Map<string, SshConfigHost>();
  const visited = new Set<string>();
  const visit = async (current: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || visited.has(current)) return;
    visited.add(current);
    const text = await readFile(current, 'utf8').catch(() => null);
    if (text === null) return;
    const parsed = parseSshConfigHosts(text);
    for (const host of parsed.hosts) if (!found.has(host.alias)) found.set(host.alias, host);
    for (const include of parsed.includes) {
      for (const included of await expandInclude(include, home)) await visit(included, depth + 1);
    }
  };
  await visit(file ?? path.join(home, '.ssh', 'config'), 0);
  return [...found.values()];
}
