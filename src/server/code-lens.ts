// Code lens on the lab line: "Plan" and "Apply", commands the extension provides (vnet.plan, vnet.apply),
// each given the document's URI. On each `expect` line that can be checked: "Check on host…"
// (vnet.checkExpectationLive), given the document's URI and the statement's zero-based line.

import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { modelOf } from './analysis';

/** The extension command that runs one expectation live (with real traffic, as `vnet test` does). */
export const CHECK_EXPECTATION_LIVE = 'vnet.checkExpectationLive';

export function codeLenses(document: TextDocument): CodeLens[] {
  const model = modelOf(document);
  const lab = model.lab;
  if (!lab) return [];
  const range = model.lines.range(lab.span);
  const lenses: CodeLens[] = [
    { range, command: { title: 'Plan', command: 'vnet.plan', arguments: [document.uri] } },
    { range, command: { title: 'Apply', command: 'vnet.apply', arguments: [document.uri] } },
  ];
  for (const { node, expectation } of model.expectations) {
    if (!expectation) continue;
    lenses.push({
      range: model.lines.range(node.span),
      command: { title: 'Check on host…', command: CHECK_EXPECTATION_LIVE, arguments: [document.uri, expectation.line] },
    });
  }
  return lenses;
}
