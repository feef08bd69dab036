// How a name is written in .vnet source: bare when that cannot be misread, otherwise as a "…" string.
// The printer, the formatter's rename edits and completion all write names through here.

import { RESERVED_WORDS } from './keywords';

const BARE = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

function needsQuotes(name: string): boolean {
  return !BARE.test(name) || RESERVED_WORDS.has(name);
}

function quoteString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function formatName(name: string): string {
  return needsQuotes(name) ? quoteString(name) : name;
}

/** An SSH target (`root@10.0.2.15`, `[fd00::1]:2222`) needs quotes less often than a name. */
export function formatTarget(target: string): string {
  return /^[A-Za-z0-9_.@:%+=,/[\]][A-Za-z0-9_.@:%+=,/[\]-]*$/.test(target) && !RESERVED_WORDS.has(target) ? target : quoteString(target);
}
