// Hover on an `expect` statement: the verdict of the file's own network, and the whole trace behind it
// (renderTrace, as `vnet trace` prints it), so that "why" is one mouse move away.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { anyStatementInfo } from '../language/keywords';
import type { ExpectStatement } from '../language/syntax';
import { renderTrace, type ExpectationVerdict } from '../trace/index';
import { modelOf, verdictsOfDocument } from './analysis';

const OUTCOME_WORDS: Record<ExpectationVerdict['outcome'], string> = {
  holds: '✓ holds in this file',
  fails: '✗ fails in this file',
  uncertain: '? not settled by this file',
};

/** Markdown for an `expect` statement of the document's current text. */
export function expectHover(document: TextDocument, statement: ExpectStatement): string {
  const model = modelOf(document);
  const bound = model.expectations.find((e) => e.node.span.start === statement.span.start);
  const info = anyStatementInfo('expect')!;
  const syntax = `\`${info.syntax}\`\n\n${info.summary}`;
  const expectation = bound?.expectation;
  if (!expectation) return `**expect** — not checked: the statement has a problem (see its diagnostics).\n\n${syntax}`;
  const verdict = verdictsOfDocument(document).find((v) => v.expectation === expectation);
  if (!verdict) return syntax;
  const lines = [`**${OUTCOME_WORDS[verdict.outcome]}**: \`${expectation.text}\``];
  if (verdict.why) lines.push('', verdict.why);
  if (verdict.trace) lines.push('', '```text', renderTrace(verdict.trace).trimEnd().replace(/```/g, "'''"), '```');
  lines.push('', '“Check on host…” above the line runs it live.', '', '---', '', syntax);
  return lines.join('\n');
}
