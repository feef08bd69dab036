// Rename: prepareRename says whether the name under the cursor can be renamed (the root namespace and
// keywords cannot), rename rewrites the declaration and every reference, quoting the new name when it
// needs quotes. A new name the kernel or iptables would refuse, or one already taken, is refused here.

import { ROOT_NAMESPACE } from '../model/topology';
import type { Position, Range, WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { checkChainName, checkInterfaceName, checkLabName, checkNamespaceName } from '../model/names';
import { isBuiltinChain } from '../model/iptables';
import { occurrenceAt, type VnetSymbol } from '../language/model';
import { formatName } from '../language/quote';
import { modelOf, offsetOf } from './analysis';

export type PrepareRenameResult = { range: Range; placeholder: string } | { error: string };

export function prepareRenameAt(document: TextDocument, position: Position): PrepareRenameResult | null {
  const model = modelOf(document);
  const occurrence = occurrenceAt(model, offsetOf(model, position));
  if (!occurrence) return null;
  if (!occurrence.symbol.renamable) {
    return { error: occurrence.symbol.kind === 'namespace' ? 'host is the root namespace; it cannot be renamed.' : `${occurrence.symbol.name} cannot be renamed.` };
  }
  return { range: model.lines.range(occurrence.span), placeholder: occurrence.symbol.name };
}

function nameProblem(symbol: VnetSymbol, name: string): string | null {
  switch (symbol.kind) {
    case 'namespace':
      if (name === ROOT_NAMESPACE) return 'host is the root namespace; choose another name.';
      if (symbol.machine?.places.has(name)) return `There is already a namespace ${name}.`;
      return checkNamespaceName(name)?.message ?? null;
    case 'interface':
      if (name === 'lo') return 'lo is the loopback interface; choose another name.';
      if (symbol.place?.interfaces.has(name)) return `${symbol.place.name} already has an interface ${name}.`;
      return checkInterfaceName(name)?.message ?? null;
    case 'chain':
      if (isBuiltinChain('nat', name)) return `${name} is a built-in chain; choose another name.`;
      if (symbol.place?.chains.has(name)) return `There is already a chain ${name}.`;
      return checkChainName(name)?.message ?? null;
    case 'lab': case 'machine':
      return checkLabName(name)?.message ?? null;
  }
}

export type RenameResult = WorkspaceEdit | { error: string };

export function renameAt(document: TextDocument, position: Position, newName: string): RenameResult | null {
  const model = modelOf(document);
  const occurrence = occurrenceAt(model, offsetOf(model, position));
  if (!occurrence) return null;
  const symbol = occurrence.symbol;
  if (!symbol.renamable) return { error: `${symbol.name} cannot be renamed.` };
  if (newName === symbol.name) return { changes: { [document.uri]: [] } };
  const problem = nameProblem(symbol, newName);
  if (problem) return { error: problem };
  const text = formatName(newName);
  const spans = [...(symbol.definition ? [symbol.definition] : []), ...symbol.references];
  return {
    changes: {
      [document.uri]: spans.sort((a, b) => a.start - b.start).map((span) => ({ range: model.lines.range(span), newText: text })),
    },
  };
}
