// Document symbols (the outline): the lab, machines, host and namespaces with their bridges, dummies, routes and
// NAT rules, the veth pairs, and the expectations.

import { ROOT_NAMESPACE } from '../model/topology';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import { declaredKind } from '../language/interface-statements';
import type { VnetModel } from '../language/model';
import type { Span } from '../language/span';
import { isInterfaceStatement, type InterfaceStatement, type Statement } from '../language/syntax';
import { modelOf } from './analysis';

function symbol(model: VnetModel, name: string, detail: string, kind: SymbolKind, span: Span, selection: Span, children: DocumentSymbol[] = []): DocumentSymbol {
  return {
    name: name || '?',
    detail,
    kind,
    range: model.lines.range(span),
    selectionRange: model.lines.range(selection),
    children,
  };
}

function text(model: VnetModel, span: Span): string {
  return model.text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
}

/** `bridge br0`, `dummy d0`: a bridge is a struct (it holds ports), any other declared interface a field. */
function interfaceSymbol(model: VnetModel, s: InterfaceStatement): DocumentSymbol {
  const facts = INTERFACE_KINDS[declaredKind(s.kind)];
  const kind = facts.drawingRole === 'bridge' ? SymbolKind.Struct : SymbolKind.Field;
  return symbol(model, s.name?.text ?? s.kind, facts.label, kind, s.span, s.name?.span ?? s.keyword);
}

function symbolsOf(model: VnetModel, statements: Statement[]): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const s of statements) {
    if (isInterfaceStatement(s)) {
      out.push(interfaceSymbol(model, s));
      continue;
    }
    switch (s.kind) {
      case 'lab':
        out.push(symbol(model, `lab ${s.name?.text ?? ''}`, s.ssh ? `ssh ${s.ssh.text}` : '', SymbolKind.Package, s.span, s.name?.span ?? s.keyword));
        break;
      case 'machine':
        out.push(symbol(model, s.name?.text ?? 'machine', s.ssh ? `ssh ${s.ssh.text}` : 'machine', SymbolKind.Module, s.span, s.name?.span ?? s.keyword, symbolsOf(model, s.body?.statements ?? [])));
        break;
      case 'root-namespace':
        out.push(symbol(model, ROOT_NAMESPACE, 'root namespace', SymbolKind.Namespace, s.span, s.keyword, symbolsOf(model, s.body?.statements ?? [])));
        break;
      case 'namespace':
        out.push(symbol(model, s.name?.text ?? 'namespace', 'namespace', SymbolKind.Namespace, s.span, s.name?.span ?? s.keyword, symbolsOf(model, s.body?.statements ?? [])));
        break;
      case 'veth':
        out.push(symbol(model, text(model, { start: s.keyword.end, end: s.span.end }) || 'veth', 'veth pair', SymbolKind.Interface, s.span, s.keyword));
        break;
      case 'route':
        out.push(symbol(model, text(model, s.span), '', SymbolKind.Event, s.span, s.keyword));
        break;
      case 'nat':
        out.push(symbol(model, text(model, s.span), 'nat rule', SymbolKind.Function, s.span, s.keyword));
        break;
      case 'nat-chain':
        out.push(symbol(model, `nat chain ${s.name?.text ?? ''}`, 'nat chain', SymbolKind.Class, s.span, s.name?.span ?? s.keyword, symbolsOf(model, s.body?.statements ?? [])));
        break;
      case 'nat-rule':
        out.push(symbol(model, text(model, s.span), 'nat rule', SymbolKind.Function, s.span, s.keyword));
        break;
      case 'expect':
        out.push(symbol(model, text(model, { start: s.keyword.end, end: s.span.end }) || 'expect', 'expect', SymbolKind.Boolean, s.span, s.keyword));
        break;
      default:
        break;
    }
  }
  return out;
}

export function documentSymbols(document: TextDocument): DocumentSymbol[] {
  const model = modelOf(document);
  return symbolsOf(model, model.syntax.statements);
}
