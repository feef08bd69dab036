// Folding: every block that spans lines, and runs of two or more comment lines.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { VnetModel } from '../language/model';
import { bodyOf, type Statement } from '../language/syntax';
import { modelOf } from './analysis';

function blocks(model: VnetModel, statements: Statement[], out: FoldingRange[]): void {
  for (const s of statements) {
    const body = bodyOf(s);
    if (!body) continue;
    const startLine = model.lines.lineOf(body.open.start);
    const endLine = body.close ? model.lines.lineOf(body.close.start) : model.lines.lineOf(body.span.end);
    // Keep the closing brace visible, as editors do for C-like blocks.
    const last = body.close ? endLine - 1 : endLine;
    if (last > startLine) out.push({ startLine, endLine: last });
    blocks(model, body.statements, out);
  }
}

export function foldingRanges(document: TextDocument): FoldingRange[] {
  const model = modelOf(document);
  const out: FoldingRange[] = [];
  blocks(model, model.syntax.statements, out);
  let runStart = -1;
  let runEnd = -1;
  const flush = () => { if (runStart >= 0 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: FoldingRangeKind.Comment }); };
  for (const comment of model.syntax.comments) {
    const line = model.lines.lineOf(comment.start);
    const alone = /^\s*$/.test(model.text.slice(model.lines.lineStarts[line], comment.start));
    if (!alone) continue;
    if (line === runEnd + 1 && runStart >= 0) { runEnd = line; continue; }
    flush();
    runStart = line;
    runEnd = line;
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine);
}
