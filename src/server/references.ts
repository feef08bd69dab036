// Find references: every place a name is used, and its declaration when asked.

import type { Location, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { occurrenceAt } from '../language/model';
import { modelOf, offsetOf } from './analysis';

export function referencesAt(document: TextDocument, position: Position, includeDeclaration: boolean): Location[] {
  const model = modelOf(document);
  const occurrence = occurrenceAt(model, offsetOf(model, position));
  if (!occurrence) return [];
  const symbol = occurrence.symbol;
  const spans = [...(includeDeclaration && symbol.definition ? [symbol.definition] : []), ...symbol.references];
  return spans
    .sort((a, b) => a.start - b.start)
    .map((span) => ({ uri: document.uri, range: model.lines.range(span) }));
}
