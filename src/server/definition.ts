// Go to definition: from any use of a name to where it is declared. The root namespace has no declaring
// name, so its definition is its host block.

import type { Location, Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { occurrenceAt } from '../language/model';
import { modelOf, offsetOf } from './analysis';

export function definitionAt(document: TextDocument, position: Position): Location[] {
  const model = modelOf(document);
  const occurrence = occurrenceAt(model, offsetOf(model, position));
  if (!occurrence) return [];
  const symbol = occurrence.symbol;
  if (symbol.definition) return [{ uri: document.uri, range: model.lines.range(symbol.definition) }];
  // `host` is declared by its block(s), if the file writes one.
  const blocks = symbol.place?.statements ?? [];
  return blocks.map((s) => ({ uri: document.uri, range: model.lines.range(s.keyword) }));
}
