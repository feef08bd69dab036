// Code actions: the quick fixes of the diagnostics that touch the requested range, recomputed from the
// document (so they do not depend on what the client echoes back).

import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { diagnosticsOf } from './diagnostics';
import type { VnetQuickFix } from '../language/diagnostics';

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function touches(a: Range, b: Range): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

export function codeActionsFor(document: TextDocument, range: Range, only?: string[]): CodeAction[] {
  if (only && !only.some((kind) => CodeActionKind.QuickFix.startsWith(kind))) return [];
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnosticsOf(document)) {
    if (!touches(diagnostic.range, range)) continue;
    const fixes = (diagnostic.data as { fixes?: VnetQuickFix[] } | undefined)?.fixes ?? [];
    fixes.forEach((fix, index) => {
      const { data: _data, ...plain } = diagnostic;
      void _data;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [plain as Diagnostic],
        isPreferred: index === 0,
        edit: { changes: { [document.uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    });
  }
  return actions;
}
