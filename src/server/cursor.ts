// Where the cursor is, in the terms completion needs: the blocks it is in (and the machine and namespace
// they name), and the words of the statement typed so far. Read from the current text alone, with one
// pass of the lexer, so that it is right even while the last full analysis is a keystroke behind.

import { isInterfaceKeyword } from '../language/interface-statements';
import type { BlockContext } from '../language/keywords';
import { lex } from '../language/lexer';
import type { MachineModel, PlaceModel, VnetModel } from '../language/model';
import { bodyOf, type Block, type Statement } from '../language/syntax';

export interface OpenBlock {
  /** The statement's words before its `{`, e.g. ['namespace', 'ns1'] or ['nat', 'chain', 'c1']. */
  words: string[];
}

export interface CursorContext {
  context: BlockContext;
  machine: MachineModel | null;
  place: PlaceModel | null;
  blocks: OpenBlock[];
  /** Words of the current statement before the word under the cursor (quotes resolved). */
  words: string[];
  /** The word under construction, as written, and where it starts. */
  partial: string;
  partialStart: number;
  inComment: boolean;
}

function contextOf(block: OpenBlock, parent: BlockContext): BlockContext {
  const [keyword, second] = block.words;
  if (isInterfaceKeyword(keyword)) return 'interface';
  switch (keyword) {
    case 'machine': return 'machine';
    case 'root-namespace': case 'namespace': return 'place';
    case 'nat': return second === 'chain' ? 'chain' : parent;
    case 'veth': return 'link';
    default: return parent === 'top' || parent === 'machine' ? 'place' : parent;
  }
}

/**
 * Where lexing can start: the last top-level statement that starts before the cursor, found in the
 * model's tree, which is exact for text before `unchangedBefore`. No block is open where it starts.
 */
function anchorOf(model: VnetModel, offset: number, unchangedBefore: number): number {
  const at = Math.min(offset, unchangedBefore);
  const statements = model.syntax.statements;
  let low = 0;
  let high = statements.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (statements[mid].span.start <= at) { found = mid; low = mid + 1; } else high = mid - 1;
  }
  // Lexing from the start of that statement also covers a cursor just past its last word.
  return found < 0 ? 0 : statements[found].span.start;
}

export function cursorContext(text: string, offset: number, model: VnetModel, unchangedBefore = model.text.length): CursorContext {
  const anchor = anchorOf(model, offset, unchangedBefore);
  const prefix = text.slice(anchor, offset);
  const lexed = lex(prefix);
  const tokens = lexed.tokens;
  const comments = lexed.comments;
  const blocks: OpenBlock[] = [];
  // Atoms of the statement in progress: words and strings that touch are one atom.
  let atoms: { text: string; start: number; end: number }[] = [];
  for (const token of tokens) {
    switch (token.kind) {
      case 'word': case 'string': {
        const last = atoms[atoms.length - 1];
        if (token.glued && last) { last.text += token.text; last.end = token.end; } else atoms.push({ text: token.text, start: token.start, end: token.end });
        break;
      }
      case 'lbrace': blocks.push({ words: atoms.map((a) => a.text) }); atoms = []; break;
      case 'rbrace': blocks.pop(); atoms = []; break;
      case 'newline': case 'semi': atoms = []; break;
      default: break;
    }
  }
  const lastComment = comments[comments.length - 1];
  const inComment = lastComment !== undefined && lastComment.end === prefix.length;
  const last = atoms[atoms.length - 1];
  const typing = last !== undefined && last.end === prefix.length && !inComment;
  const partialAtom = typing ? atoms.pop()! : null;

  let context: BlockContext = 'top';
  let machine: MachineModel | null = model.multiMachine ? null : model.machines[0] ?? null;
  let place: PlaceModel | null = null;
  for (const block of blocks) {
    context = contextOf(block, context);
    const [keyword, name] = block.words;
    if (keyword === 'machine') machine = model.machines.find((m) => m.name === name) ?? null;
    if (keyword === 'host') place = machine?.root ?? null;
    if (keyword === 'namespace') place = (name !== undefined && name !== 'host' ? machine?.places.get(name) : undefined) ?? null;
  }
  return {
    context,
    machine,
    place,
    blocks,
    words: atoms.map((a) => a.text),
    partial: partialAtom ? prefix.slice(partialAtom.start, partialAtom.end) : '',
    partialStart: partialAtom ? anchor + partialAtom.start : offset,
    inComment,
  };
}

function inBlock(block: Block, offset: number): boolean {
  return offset >= block.open.end && (block.close ? offset <= block.close.start : true);
}

/** The statements of a tree that contain an offset, outermost first. */
export function statementPath(statements: Statement[], offset: number): Statement[] {
  const path: Statement[] = [];
  let list = statements;
  for (;;) {
    const found = list.find((s) => offset >= s.span.start && offset <= s.span.end);
    if (!found) return path;
    path.push(found);
    const body = bodyOf(found);
    if (!body || !inBlock(body, offset)) return path;
    list = body.statements;
  }
}
