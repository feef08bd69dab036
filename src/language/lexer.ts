// The lexer of .vnet. It never throws: every character of the input ends up in some token, a comment or
// a lexical problem. Words run until blank, newline, `{`, `}`, `;`, `#` or `"`; the parser glues words and
// strings that touch (no blank between) into one atom, which is how `"my ns":veth1` stays one endpoint.

import type { Span } from './span';

export type TokenKind = 'word' | 'string' | 'lbrace' | 'rbrace' | 'semi' | 'newline' | 'eof';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** The value: a word as written, a string with its quotes removed and escapes resolved. */
  text: string;
  /** True when no blank separates this token from the previous word or string. */
  glued: boolean;
}

export interface Comment extends Span {
  text: string;
}

export interface LexProblem extends Span {
  code: string;
  message: string;
}

export interface LexResult {
  tokens: Token[];
  comments: Comment[];
  problems: LexProblem[];
}

const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const VT = 11;
const FF = 12;
const HASH = 35;
const QUOTE = 34;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const SEMI = 59;

function isBlank(code: number): boolean {
  return code === SPACE || code === TAB || code === CR || code === VT || code === FF;
}

function endsWord(code: number): boolean {
  return isBlank(code) || code === LF || code === LBRACE || code === RBRACE || code === SEMI || code === HASH || code === QUOTE;
}

/**
 * Produces tokens one at a time. The parser pulls from it, so tokens die young instead of piling up in
 * an array for the whole file (which costs the garbage collector more than lexing itself).
 */
export class Lexer {
  readonly comments: Comment[] = [];
  readonly problems: LexProblem[] = [];
  private i = 0;
  // Whether the previous token was a word or string that nothing separates from the next one.
  private canGlue = false;

  constructor(private readonly text: string) {}

  next(): Token {
    const text = this.text;
    const length = text.length;
    let i = this.i;
    while (i < length) {
      const code = text.charCodeAt(i);
      if (isBlank(code)) { i++; this.canGlue = false; continue; }
      if (code === LF) {
        this.i = i + 1; this.canGlue = false;
        return { kind: 'newline', start: i, end: i + 1, text: '\n', glued: false };
      }
      if (code === HASH) {
        let end = text.indexOf('\n', i);
        if (end < 0) end = length;
        let contentEnd = end;
        if (contentEnd > i && text.charCodeAt(contentEnd - 1) === CR) contentEnd--;
        this.comments.push({ start: i, end: contentEnd, text: text.slice(i, contentEnd) });
        i = end; this.canGlue = false;
        continue;
      }
      if (code === LBRACE || code === RBRACE || code === SEMI) {
        const kind: TokenKind = code === LBRACE ? 'lbrace' : code === RBRACE ? 'rbrace' : 'semi';
        this.i = i + 1; this.canGlue = false;
        return { kind, start: i, end: i + 1, text: text[i], glued: false };
      }
      if (code === QUOTE) return this.string(i);
      const start = i;
      while (i < length && !endsWord(text.charCodeAt(i))) i++;
      const glued = this.canGlue;
      this.i = i; this.canGlue = true;
      return { kind: 'word', start, end: i, text: text.slice(start, i), glued };
    }
    this.i = length;
    return { kind: 'eof', start: length, end: length, text: '', glued: false };
  }

  private string(start: number): Token {
    const text = this.text;
    const length = text.length;
    let i = start + 1;
    let value = '';
    let closed = false;
    let chunkStart = i;
    while (i < length) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) { value += text.slice(chunkStart, i); i++; closed = true; break; }
      if (c === LF) break;
      if (c === BACKSLASH) {
        value += text.slice(chunkStart, i);
        const escaped = readEscape(text, i);
        if (escaped.problem) this.problems.push({ start: i, end: escaped.end, code: 'VN-SYNTAX-STRING', message: escaped.problem });
        value += escaped.value;
        i = escaped.end;
        chunkStart = i;
        continue;
      }
      i++;
    }
    if (!closed) {
      value += text.slice(chunkStart, i);
      // A CR of a CRLF line ending is not part of the string.
      if (value.endsWith('\r')) value = value.slice(0, -1);
      this.problems.push({
        start,
        end: i,
        code: 'VN-SYNTAX-STRING',
        message: 'This string is not closed. Add a " before the end of the line.',
      });
    }
    const glued = this.canGlue;
    this.i = i; this.canGlue = true;
    return { kind: 'string', start, end: i, text: value, glued };
  }
}

/** The whole token list at once, for the formatter, semantic tokens and tests. */
export function lex(text: string): LexResult {
  const lexer = new Lexer(text);
  const tokens: Token[] = [];
  for (;;) {
    const token = lexer.next();
    tokens.push(token);
    if (token.kind === 'eof') break;
  }
  return { tokens, comments: lexer.comments, problems: lexer.problems };
}

function readEscape(text: string, at: number): { value: string; end: number; problem?: string } {
  const next = text[at + 1];
  switch (next) {
    case '"': return { value: '"', end: at + 2 };
    case '\\': return { value: '\\', end: at + 2 };
    case 'n': return { value: '\n', end: at + 2 };
    case 't': return { value: '\t', end: at + 2 };
    case 'x': {
      const hex = text.slice(at + 2, at + 4);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) return { value: String.fromCharCode(parseInt(hex, 16)), end: at + 4 };
      return { value: 'x', end: at + 2, problem: 'Write \\x followed by two hex digits, e.g. \\x01.' };
    }
    case undefined: case '\n':
      return { value: '\\', end: at + 1, problem: 'A backslash at the end of a string escapes nothing. Write \\\\ for a backslash.' };
    default:
      return {
        value: next,
        end: at + 2,
        problem: `Unknown escape \\${next}. Inside "…" write \\" for a quote, \\\\ for a backslash, \\xNN for any byte.`,
      };
  }
}
