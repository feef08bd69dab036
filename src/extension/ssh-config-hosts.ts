// The Host aliases of an OpenSSH client config (~/.ssh/config), for "Add host…". Pure: the text in, the
// aliases and the Include lines out (the caller reads included files and parses them too). Only concrete
// names are aliases: patterns (`*`, `?`) and negations (`!name`) match hosts but name none.

export interface SshConfigHost {
  alias: string;
  hostName: string | null;
  user: string | null;
  port: string | null;
}

export interface SshConfigParse {
  hosts: SshConfigHost[];
  /** Arguments of Include lines, as written (may hold globs and ~). */
  includes: string[];
}

/** Splits a config line into words the way ssh does: blanks separate, "…" groups. */
function splitConfigWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quoted = false;
  for (const ch of line) {
    if (quoted) {
      if (ch === '"') quoted = false;
      else current += ch;
      continue;
    }
    if (ch === '"') { quoted = true; inWord = true; continue; }
    if (ch === ' ' || ch === '\t') {
      if (inWord) { words.push(current); current = ''; inWord = false; }
      continue;
    }
    current += ch;
    inWord = true;
  }
  if (inWord) words.push(current);
  return words;
}

/** `Keyword value…` or `Keyword=value…`; null for blank and comment lines. */
function keywordAndArgs(line: string): { keyword: string; args: string[] } | null {
  const trimmed = line.trim();
  if (!trimmed || trimmed.startsWith('#')) return null;
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(trimmed);
  if (!m) return null;
  return { keyword: m[1].toLowerCase(), args: splitConfigWords(m[2]) };
}

function isConcreteAlias(pattern: string): boolean {
  return pattern.length > 0 && !/[*?!,]/.test(pattern) && !/[\s\u0000-\u001f\u007f]/.test(pattern) && !pattern.startsWith('-');
}

export function parseSshConfigHosts(text: string): SshConfigParse {
  const hosts = new Map<string, SshConfigHost>();
  const includes: string[] = [];
  // The aliases the current Host block names; settings apply to each (the first value wins, as in ssh).
  let current: SshConfigHost[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parsed = keywordAndArgs(line);
    if (!parsed) continue;
    const { keyword, args } = parsed;
    if (keyword === 'host') {
      current = [];
      for (const pattern of args) {
        if (!isConcreteAlias(pattern)) continue;
        let host = hosts.get(pattern);
        if (!host) {
          host = { alias: pattern, hostName: null, user: null, port: null };
          hosts.set(pattern, host);
        }
        current.push(host);
      }
      continue;
    }
    if (keyword === 'match') { current = []; continue; }
    if (keyword === 'include') { includes.push(...args); continue; }
    const value = args[0] ?? null;
    if (value === null) continue;
    for (const host of current) {
      if (keyword === 'hostname') host.hostName ??= value;
      else if (keyword === 'user') host.user ??= value;
      else if (keyword === 'port') host.port ??= value;
    }
  }
  return { hosts: [...hosts.values()], includes };
}

/** What the alias stands for, for a quick pick's description: `root@10.0.1.48:2222`. */
export function describeSshConfigHost(host: SshConfigHost): string {
  if (!host.hostName && !host.user && !host.port) return '';
  const name = host.hostName ?? host.alias;
  return `${host.user ? `${host.user}@` : ''}${name}${host.port ? `:${host.port}` : ''}`;
}
