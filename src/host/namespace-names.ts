// Names for the namespaces the probe found. A namespace is keyed by its inode (nsids are relative to the
// viewer, names are optional); its name is, in order of preference:
//   the root namespace      → `host`
//   a file in /run/netns    → that file's name (what `ip netns` calls it)
//   another nsfs bind mount → the mount path, e.g. /run/docker/netns/4b1f… (anonymous)
//   only processes in it    → `pid:<lowest pid>` (anonymous)
// Pure.

import { ROOT_NAMESPACE } from '../model/topology';

export interface NamespaceIdentity {
  inode: number;
  name: string;
  root: boolean;
  anonymous: boolean;
  /** Where it was found: /run/netns/NAME, a bind-mount path, or /proc/PID/ns/net. */
  path: string | null;
}

export interface NsfsMount {
  inode: number;
  path: string;
}

const NAMED_DIRS = ['/run/netns/', '/var/run/netns/'];

/** The kernel writes space, tab, newline and backslash in mountinfo paths as \ooo. */
export function unescapeMountPath(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** nsfs mounts of network namespaces, from /proc/self/mountinfo lines. */
export function parseNsfsMounts(lines: readonly string[]): NsfsMount[] {
  const mounts: NsfsMount[] = [];
  for (const line of lines) {
    const fields = line.split(' ');
    const separator = fields.indexOf('-');
    if (separator < 0 || fields[separator + 1] !== 'nsfs') continue;
    const m = /^net:\[(\d+)\]$/.exec(fields[3] ?? '');
    if (!m || !fields[4]) continue;
    mounts.push({ inode: Number(m[1]), path: unescapeMountPath(fields[4]) });
  }
  return mounts;
}

function namedIn(path: string): string | null {
  for (const dir of NAMED_DIRS) {
    if (path.startsWith(dir)) {
      const rest = path.slice(dir.length);
      if (rest && !rest.includes('/')) return rest;
    }
  }
  return null;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface NamingResult {
  identities: Map<number, NamespaceIdentity>;
  warnings: string[];
}

/**
 * Names every inode in `inodes`. Names are unique: when two namespaces would share one (a file
 * /run/netns/host, say), the later one is told apart by its inode and a warning says so.
 */
export function nameNamespaces(
  rootInode: number,
  inodes: readonly number[],
  mounts: readonly NsfsMount[],
  processes: readonly { pid: number; inode: number }[],
): NamingResult {
  const identities = new Map<number, NamespaceIdentity>();
  const warnings: string[] = [];
  const taken = new Set<string>();
  const candidates: NamespaceIdentity[] = [];
  const pathsOf = new Map<number, string[]>();
  for (const m of mounts) pathsOf.set(m.inode, [...(pathsOf.get(m.inode) ?? []), m.path]);
  const lowestPid = new Map<number, number>();
  for (const p of processes) lowestPid.set(p.inode, Math.min(p.pid, lowestPid.get(p.inode) ?? Infinity));
  for (const inode of inodes) {
    if (inode === rootInode) {
      candidates.push({ inode, name: ROOT_NAMESPACE, root: true, anonymous: false, path: null });
      continue;
    }
    const paths = [...new Set(pathsOf.get(inode) ?? [])].sort(byText);
    const named = paths.map((p) => [p, namedIn(p)] as const).filter(([, n]) => n !== null);
    if (named.length) {
      candidates.push({ inode, name: named[0][1]!, root: false, anonymous: false, path: named[0][0] });
      continue;
    }
    if (paths.length) {
      candidates.push({ inode, name: paths[0], root: false, anonymous: true, path: paths[0] });
      continue;
    }
    const pid = lowestPid.get(inode);
    if (pid !== undefined) {
      candidates.push({ inode, name: `pid:${pid}`, root: false, anonymous: true, path: `/proc/${pid}/ns/net` });
      continue;
    }
    candidates.push({ inode, name: `inode:${inode}`, root: false, anonymous: true, path: null });
  }
  // The root first, then named namespaces, so that they keep their names in a clash.
  candidates.sort((a, b) => Number(b.root) - Number(a.root) || Number(a.anonymous) - Number(b.anonymous) || byText(a.name, b.name));
  for (const identity of candidates) {
    if (taken.has(identity.name)) {
      const unique = `${identity.name}#${identity.inode}`;
      warnings.push(`Two namespaces are called "${identity.name}"; the one with inode ${identity.inode} is shown as "${unique}".`);
      identity.name = unique;
    }
    taken.add(identity.name);
    identities.set(identity.inode, identity);
  }
  return { identities, warnings };
}
