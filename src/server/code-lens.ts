// Code lens on the lab line: "Plan" and "Apply", commands the extension provides (vnet.plan, vnet.apply),
// each given the document's URI.

import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { modelOf } from './analysis';

export function codeLenses(document: TextDocument): CodeLens[] {
  const model = modelOf(document);
  const lab = model.lab;
  if (!lab) return [];
  const range = model.lines.range(lab.span);
  return [
    { range, command: { title: 'Plan', command: 'vnet.plan', arguments: [document.uri] } },
    { range, command: { title: 'Apply', command: 'vnet.apply', arguments: [document.uri] } },
  ];
}
