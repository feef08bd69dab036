// Semantic tokens: names coloured by what they resolve to (namespace, bridge, interface, chain), their
// declarations marked, keywords, addresses and comments. Built from the lexer's tokens and the binder's
// occurrences, so a name inside `ns1:veth1` gets two tokens.

import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import { RESERVED_WORDS } from '../language/keywords';
import { lex } from '../language/lexer';
import type { VnetSymbol } from '../language/model';
import { modelOf } from './analysis';

const TOKEN_TYPES = ['keyword', 'namespace', 'struct', 'variable', 'function', 'number', 'string', 'comment', 'operator', 'type'] as const;
const TOKEN_MODIFIERS = ['declaration', 'readonly'] as const;

export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] };

type TokenType = (typeof TOKEN_TYPES)[number];

const SYMBOL_TYPE: Record<Exclude<VnetSymbol['kind'], 'interface'>, TokenType> = {
  lab: 'type', machine: 'type', namespace: 'namespace', chain: 'function',
};

/** An interface drawn as a box of its own (a bridge, which holds ports) is a struct; any other is a variable. */
function tokenTypeOf(symbol: VnetSymbol): TokenType {
  if (symbol.kind !== 'interface') return SYMBOL_TYPE[symbol.kind];
  return INTERFACE_KINDS[symbol.iface!.kind].drawingRole === 'bridge' ? 'struct' : 'variable';
}

interface Piece {
  start: number;
  end: number;
  type: TokenType;
  modifiers: number;
}

const VALUE = /^[0-9[]|^[0-9a-fA-F]*:[0-9a-fA-F:.]*(\/\d+)?$/;

export function semanticTokens(document: TextDocument): SemanticTokens {
  const model = modelOf(document);
  const pieces: Piece[] = [];
  for (const comment of model.syntax.comments) pieces.push({ start: comment.start, end: comment.end, type: 'comment', modifiers: 0 });
  const occurrences = model.occurrences;
  let o = 0;
  for (const token of lex(model.text).tokens) {
    if (token.kind !== 'word' && token.kind !== 'string') continue;
    while (o < occurrences.length && occurrences[o].span.end <= token.start) o++;
    let covered = false;
    let coveredTo = token.start;
    for (let i = o; i < occurrences.length && occurrences[i].span.start < token.end; i++) {
      const occurrence = occurrences[i];
      const start = Math.max(occurrence.span.start, token.start);
      const end = Math.min(occurrence.span.end, token.end);
      if (end <= start) continue;
      covered = true;
      coveredTo = Math.max(coveredTo, end);
      const symbol = occurrence.symbol;
      const modifiers = (occurrence.definition ? 1 : 0) | (symbol.renamable ? 0 : 2);
      pieces.push({ start, end, type: tokenTypeOf(symbol), modifiers });
    }
    if (covered) {
      // The port after a name (`blue:80` in an expect) is a number.
      const rest = /^:([0-9]+)$/.exec(token.text.slice(coveredTo - token.start));
      if (rest && token.kind === 'word') pieces.push({ start: coveredTo + 1, end: token.end, type: 'number', modifiers: 0 });
      continue;
    }
    if (token.kind === 'string') pieces.push({ start: token.start, end: token.end, type: 'string', modifiers: 0 });
    else if (token.text === '--') pieces.push({ start: token.start, end: token.end, type: 'operator', modifiers: 0 });
    else if (RESERVED_WORDS.has(token.text)) pieces.push({ start: token.start, end: token.end, type: 'keyword', modifiers: 0 });
    else if (VALUE.test(token.text)) pieces.push({ start: token.start, end: token.end, type: 'number', modifiers: 0 });
  }
  pieces.sort((a, b) => a.start - b.start);
  const data: number[] = [];
  let lastLine = 0;
  let lastChar = 0;
  let lastEnd = -1;
  for (const piece of pieces) {
    if (piece.start < lastEnd) continue;
    const start = model.lines.position(piece.start);
    const end = model.lines.position(piece.end);
    // A token never spans lines; clip to its first line.
    const length = end.line === start.line ? end.character - start.character : model.lines.lineEnd(start.line) - piece.start;
    if (length <= 0) continue;
    data.push(start.line - lastLine, start.line === lastLine ? start.character - lastChar : start.character, length, TOKEN_TYPES.indexOf(piece.type), piece.modifiers);
    lastLine = start.line;
    lastChar = start.character;
    lastEnd = piece.end;
  }
  return { data };
}
