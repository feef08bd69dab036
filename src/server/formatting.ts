// Formatting: one edit that replaces the document with its formatted text, or none when it already is.

import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { formatVnet } from '../language/format';

export function formatDocument(document: TextDocument, options: Partial<FormattingOptions> = {}): TextEdit[] {
  const text = document.getText();
  const formatted = formatVnet(text, { tabSize: options.tabSize, insertSpaces: options.insertSpaces });
  if (formatted === text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
}
