// The language server process: wires the connection (stdio or node-ipc, chosen by --stdio/--node-ipc)
// to the feature functions. Every feature is a pure function in its own file; this file only routes
// requests, debounces diagnostics and makes sure one failing request never takes the server down.

import {
  CodeActionKind, LSPErrorCodes, ProposedFeatures, ResponseError, TextDocumentSyncKind, TextDocuments, createConnection,
  type CancellationToken, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { forget } from './analysis';
import { codeActionsFor } from './code-actions';
import { codeLenses } from './code-lens';
import { completionsAt, type CompletionOptions } from './completion';
import { definitionAt } from './definition';
import { diagnosticsOf } from './diagnostics';
import { foldingRanges } from './folding';
import { formatDocument } from './formatting';
import { hoverAt } from './hover';
import { referencesAt } from './references';
import { prepareRenameAt, renameAt } from './rename';
import { semanticTokens, semanticTokensLegend } from './semantic-tokens';
import { documentSymbols } from './symbols';

interface InitOptions {
  /** Offer snippets in completion (default true). */
  snippets?: boolean;
  /** Milliseconds to wait after an edit before publishing diagnostics (default 150). */
  diagnosticsDelay?: number;
}

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
let completionOptions: CompletionOptions = {};
let diagnosticsDelay = 150;
const pending = new Map<string, NodeJS.Timeout>();

/** Runs a feature; a thrown error is logged and answered with `fallback`, so the server keeps serving. */
function guard<T>(name: string, token: CancellationToken | undefined, fallback: T, run: () => T): T {
  if (token?.isCancellationRequested) return fallback;
  try {
    return run();
  } catch (error) {
    connection.console.error(`vnet language server: ${name} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return fallback;
  }
}

function publish(uri: string): void {
  pending.delete(uri);
  const document = documents.get(uri);
  if (!document) return;
  const version = document.version;
  const diagnostics = guard('diagnostics', undefined, [], () => diagnosticsOf(document));
  connection.sendDiagnostics({ uri, version, diagnostics });
}

function schedule(uri: string, delay: number): void {
  clearTimeout(pending.get(uri));
  pending.set(uri, setTimeout(() => publish(uri), delay));
}

connection.onInitialize((params): InitializeResult => {
  const options = (params.initializationOptions ?? {}) as InitOptions;
  completionOptions = { snippets: options.snippets !== false };
  if (typeof options.diagnosticsDelay === 'number' && options.diagnosticsDelay >= 0) diagnosticsDelay = options.diagnosticsDelay;
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: [':'] },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      documentFormattingProvider: true,
      semanticTokensProvider: { legend: semanticTokensLegend, full: true },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      codeLensProvider: { resolveProvider: false },
    },
    serverInfo: { name: 'vnet-language-server' },
  };
});

documents.onDidOpen((event) => schedule(event.document.uri, 0));
documents.onDidChangeContent((event) => schedule(event.document.uri, diagnosticsDelay));
documents.onDidClose((event) => {
  clearTimeout(pending.get(event.document.uri));
  pending.delete(event.document.uri);
  forget(event.document.uri);
  connection.sendDiagnostics({ uri: event.document.uri, diagnostics: [] });
});

function withDocument<T>(uri: string, fallback: T, run: (document: TextDocument) => T): T {
  const document = documents.get(uri);
  return document ? run(document) : fallback;
}

connection.onCompletion((params, token) => guard('completion', token, [], () =>
  withDocument(params.textDocument.uri, [], (d) => completionsAt(d, params.position, completionOptions))));
connection.onHover((params, token) => guard('hover', token, null, () => withDocument(params.textDocument.uri, null, (d) => hoverAt(d, params.position))));
connection.onDefinition((params, token) => guard('definition', token, [], () => withDocument(params.textDocument.uri, [], (d) => definitionAt(d, params.position))));
connection.onReferences((params, token) => guard('references', token, [], () =>
  withDocument(params.textDocument.uri, [], (d) => referencesAt(d, params.position, params.context.includeDeclaration))));
connection.onPrepareRename((params, token) => {
  const result = guard('prepareRename', token, null, () => withDocument(params.textDocument.uri, null, (d) => prepareRenameAt(d, params.position)));
  if (result && 'error' in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
  return result;
});
connection.onRenameRequest((params, token) => {
  const result = guard('rename', token, null, () => withDocument(params.textDocument.uri, null, (d) => renameAt(d, params.position, params.newName)));
  if (result && 'error' in result) return new ResponseError(LSPErrorCodes.RequestFailed, result.error);
  return result;
});
connection.onDocumentSymbol((params, token) => guard('documentSymbol', token, [], () => withDocument(params.textDocument.uri, [], documentSymbols)));
connection.onFoldingRanges((params, token) => guard('foldingRange', token, [], () => withDocument(params.textDocument.uri, [], foldingRanges)));
connection.onDocumentFormatting((params, token) => guard('formatting', token, [], () =>
  withDocument(params.textDocument.uri, [], (d) => formatDocument(d, params.options))));
connection.languages.semanticTokens.on((params, token) => guard('semanticTokens', token, { data: [] }, () =>
  withDocument(params.textDocument.uri, { data: [] }, semanticTokens)));
connection.onCodeAction((params, token) => guard('codeAction', token, [], () =>
  withDocument(params.textDocument.uri, [], (d) => codeActionsFor(d, params.range, params.context.only))));
connection.onCodeLens((params, token) => guard('codeLens', token, [], () => withDocument(params.textDocument.uri, [], codeLenses)));

// Clients watch *.vnet files for us; each file is analysed on its own from its open text, so a change
// on disk to a file that is not open needs nothing.
connection.onDidChangeWatchedFiles(() => undefined);

documents.listen(connection);
connection.listen();
