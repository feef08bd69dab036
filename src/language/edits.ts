// Edits that quick fixes share: adding a line to a namespace's block, wherever and however it is written.

import type { PlaceModel, VnetModel } from './model';
import type { TextEdit } from './syntax';

function indentOf(model: VnetModel, offset: number): string {
  return /^[ \t]*/.exec(model.lines.lineText(model.lines.lineOf(offset)))![0];
}

/** Inserts `line` as the first statement of a place's block, creating the block when there is none. */
export function insertIntoPlace(model: VnetModel, place: PlaceModel, line: string): TextEdit {
  const withBody = place.statements.find((s) => s.body);
  if (withBody?.body) {
    const indent = indentOf(model, withBody.span.start);
    const open = withBody.body.open;
    const rest = model.text.slice(open.end, model.lines.lineEnd(model.lines.lineOf(open.end)));
    // A one-line block (`namespace a { address … }`) stays one line.
    if (/^\s*[^\s#]/.test(rest)) return { span: { start: open.end, end: open.end }, newText: ` ${line};` };
    return { span: { start: open.end, end: open.end }, newText: `\n${indent}  ${line}` };
  }
  const declared = place.statements[0];
  if (declared) {
    const indent = indentOf(model, declared.span.start);
    const at = declared.span.end;
    return { span: { start: at, end: at }, newText: ` {\n${indent}  ${line}\n${indent}}` };
  }
  // The root namespace of a file without a host block: add one before the machine's first statement.
  const machine = place.machine;
  const statements = machine.container ? machine.container.statements : model.syntax.statements.filter((s) => s.kind !== 'lab');
  const first = statements[0];
  if (first) {
    const indent = indentOf(model, first.span.start);
    const lineStart = model.lines.lineStarts[model.lines.lineOf(first.span.start)];
    return { span: { start: lineStart, end: lineStart }, newText: `${indent}host {\n${indent}  ${line}\n${indent}}\n\n` };
  }
  const end = model.text.length;
  return { span: { start: end, end }, newText: `${model.text.endsWith('\n') || end === 0 ? '' : '\n'}host {\n  ${line}\n}\n` };
}
