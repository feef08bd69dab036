// The formatter: whitespace only, never words. It re-indents by brace depth, puts one blank between words,
// keeps words and strings that touch together, keeps comments (two blanks before a trailing one), and
// allows at most one empty line in a row. It works on tokens, so it formats a broken file too, and it is
// idempotent: formatting its own output changes nothing.

import { lex, type Token } from './lexer';

export interface FormatOptions {
  /** Spaces per level (default 2); ignored when insertSpaces is false. */
  tabSize?: number;
  insertSpaces?: boolean;
}

interface Item {
  kind: Token['kind'] | 'comment';
  text: string;
  glued: boolean;
}

export function formatVnet(text: string, options: FormatOptions = {}): string {
  const unit = options.insertSpaces === false ? '\t' : ' '.repeat(options.tabSize ?? 2);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const { tokens, comments } = lex(text);
  // Source lines as lists of items, comments merged in by position.
  const lines: Item[][] = [[]];
  let c = 0;
  const pushComment = (until: number) => {
    while (c < comments.length && comments[c].start < until) {
      lines[lines.length - 1].push({ kind: 'comment', text: comments[c].text.replace(/[ \t]+$/, ''), glued: false });
      c++;
    }
  };
  for (const token of tokens) {
    pushComment(token.start);
    if (token.kind === 'eof') break;
    if (token.kind === 'newline') { lines.push([]); continue; }
    lines[lines.length - 1].push({ kind: token.kind, text: text.slice(token.start, token.end).replace(/\r$/, ''), glued: token.glued });
  }
  pushComment(Infinity);

  const out: string[] = [];
  let depth = 0;
  for (const items of lines) {
    if (items.length === 0) {
      const last = out[out.length - 1];
      // One empty line at most, none at the start, none just inside a block's opening.
      if (out.length > 0 && last !== '' && !last.endsWith('{')) out.push('');
      continue;
    }
    const depthBefore = depth;
    const closesFirst = items[0].kind === 'rbrace';
    let line = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i > 0) {
        if (item.kind === 'comment') line += '  ';
        else if (!item.glued && item.kind !== 'semi') line += ' ';
      }
      line += item.text;
      if (item.kind === 'lbrace') depth++;
      if (item.kind === 'rbrace') depth = Math.max(0, depth - 1);
    }
    // No empty line just before a block's closing brace.
    if (closesFirst && out.length > 0 && out[out.length - 1] === '') out.pop();
    out.push(unit.repeat(Math.max(0, depthBefore - (closesFirst ? 1 : 0))) + line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : out.join(eol) + eol;
}
