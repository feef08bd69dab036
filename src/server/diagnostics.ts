// Diagnostics: the language's problems as LSP diagnostics. Quick fixes travel in `data`, so that a
// client can show them without asking again (code-actions.ts recomputes them anyway).

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { toDiagnostic } from '../language/index';
import { modelOf, problemsOfDocument } from './analysis';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export function diagnosticsOf(document: TextDocument): Diagnostic[] {
  const model = modelOf(document);
  return problemsOfDocument(document).map((problem) => {
    const d = toDiagnostic(model, problem);
    const diagnostic: Diagnostic = { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: 'vnet', message: d.message };
    if (d.fixes) diagnostic.data = { fixes: d.fixes };
    if (d.related) diagnostic.relatedInformation = d.related.map((r) => ({ location: { uri: document.uri, range: r.range }, message: r.message }));
    return diagnostic;
  });
}
