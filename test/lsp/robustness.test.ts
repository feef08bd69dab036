// The running server, fed thousands of mutated documents with requests of every kind at random places.
// Nothing may make it fail a request or die, and afterwards it must still answer correctly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest, CodeLensRequest, CompletionRequest, DefinitionRequest, DocumentFormattingRequest, DocumentSymbolRequest,
  FoldingRangeRequest, HoverRequest, LSPErrorCodes, PrepareRenameRequest, ReferencesRequest, ResponseError, SemanticTokensRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, ROOT } from './client';
import { mutations, seededRandom } from '../unit/language-fuzz';

const CORPUS = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.vnet')).map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'));

test('thousands of mutated documents and random requests: the server answers every one and survives', async () => {
  const seed = Number(process.env.VNET_FUZZ_SEED ?? 7);
  const random = seededRandom(seed);
  const client = await LspClient.start('stdio', { diagnosticsDelay: 0 });
  try {
    const uri = 'file:///tmp/fuzz.vnet';
    const inputs = mutations(CORPUS, random, 2000);
    await client.open(uri, inputs[0]);
    const c = client.connection;
    let answered = 0;
    for (let batch = 0; batch < inputs.length; batch += 20) {
      const pending: Promise<unknown>[] = [];
      for (const text of inputs.slice(batch, batch + 20)) {
        await client.change(uri, text);
        const document = TextDocument.create(uri, 'vnet', 1, text);
        const position = document.positionAt(Math.floor(random() * (text.length + 1)));
        const textDocument = { uri };
        pending.push(
          c.sendRequest(CompletionRequest.type, { textDocument, position }),
          c.sendRequest(HoverRequest.type, { textDocument, position }),
          c.sendRequest(DefinitionRequest.type, { textDocument, position }),
          c.sendRequest(ReferencesRequest.type, { textDocument, position, context: { includeDeclaration: true } }),
          // prepareRename may refuse (the root namespace); a refusal is an answer, not a failure.
          c.sendRequest(PrepareRenameRequest.type, { textDocument, position }).catch((error: unknown) => {
            if (error instanceof ResponseError && error.code === LSPErrorCodes.RequestFailed) return null;
            throw error;
          }),
          c.sendRequest(CodeActionRequest.type, { textDocument, range: { start: position, end: position }, context: { diagnostics: [] } }),
        );
      }
      const textDocument = { uri };
      pending.push(
        c.sendRequest(DocumentSymbolRequest.type, { textDocument }),
        c.sendRequest(FoldingRangeRequest.type, { textDocument }),
        c.sendRequest(SemanticTokensRequest.type, { textDocument }),
        c.sendRequest(DocumentFormattingRequest.type, { textDocument, options: { tabSize: 2, insertSpaces: true } }),
        c.sendRequest(CodeLensRequest.type, { textDocument }),
      );
      await Promise.all(pending);
      answered += pending.length;
    }
    assert.ok(answered > 12_000, `${answered} requests answered`);
    assert.deepEqual(client.logs.filter((l) => l.includes('failed')), [], 'no feature threw');
    assert.equal(client.exited, false);

    // Still correct afterwards.
    const a = CORPUS.find((t) => t.includes('lab a-bridge-nat'))!;
    await client.change(uri, a);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.deepEqual(diagnostics.filter((d) => !String(d.code).startsWith('VN-EXPECT')).map((d) => d.code), ['VN-ROUTE-SUBNET-SHARED', 'VN-ROUTE-NO-EGRESS', 'VN-ROUTE-NO-EGRESS']);
    assert.equal(diagnostics.filter((d) => d.code === 'VN-EXPECT-FAILS').length, 2, 'scenario A\'s two failed expectations');
    const position = TextDocument.create(uri, 'vnet', 1, a).positionAt(a.indexOf('namespace netns2') + 12);
    const hover = await c.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    assert.match((hover!.contents as MarkupContent).value, /namespace netns2/);
  } finally {
    await client.stop();
  }
});
