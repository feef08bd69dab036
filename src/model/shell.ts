// The one quoting function of the project. Every command sent to a host is built from validated names
// joined with these helpers; nothing is ever pasted into shell text.

/** Quotes one argument for POSIX sh. */
export function shellQuote(arg: string): string {
  if (arg.includes('\0')) throw new Error('A NUL byte cannot be passed to a shell command.');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Joins argv into one sh command line. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Quotes one token for `ip -batch`. iproute2 splits batch lines on blanks and understands one level of
 * '…' or "…" quoting with no escapes; its line reader cuts every line at its first # (quoted or not) and
 * joins a line ending in a backslash with the next. A token it cannot carry (#, a backslash, both quote
 * kinds, or a line break) returns null: run that command as its own process instead.
 */
export function ipBatchQuote(token: string): string | null {
  if (/[\r\n\0#\\]/.test(token)) return null;
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  if (!token.includes('"')) return `"${token}"`;
  if (!token.includes("'")) return `'${token}'`;
  return null;
}

/** Quotes one token for iptables-restore, whose parser understands "…" with backslash escapes. */
export function iptablesRestoreQuote(token: string): string {
  if (/[\r\n\0]/.test(token)) throw new Error('An iptables argument cannot contain a line break.');
  if (/^[A-Za-z0-9_@%+=:,./!-]+$/.test(token)) return token;
  return `"${token.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
