// `expect` through the real server process: a failed expectation as a diagnostic (hop, reason, related
// information), hover with the trace, completion, code lens, quick fixes, rename, formatting, and hostile
// inputs that must never take the server down.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeActionRequest, CodeLensRequest, CompletionRequest, DocumentFormattingRequest, DocumentSymbolRequest, HoverRequest, RenameRequest,
  SemanticTokensRequest, type CompletionItem, type CompletionList, type MarkupContent, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient } from './client';

let client: LspClient;
let counter = 0;

before(async () => { client = await LspClient.start('stdio'); });
after(async () => { await client.stop(); });

async function openDoc(text: string): Promise<string> {
  const uri = `file:///tmp/expect-${++counter}.vnet`;
  await client.open(uri, text);
  return uri;
}

function position(text: string, needle: string, shift = 0): { line: number; character: number } {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `${needle} not found`);
  return TextDocument.create('x', 'vnet', 1, text).positionAt(index + shift);
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'vnet', 1, text), edits);
}

const ROUTED = `lab routed
namespace ns1 {
  address v1 10.0.1.2/24
  route default via 10.0.1.1
}
namespace ns2 {
  address v2 10.0.2.2/24
  route default via 10.0.2.1
}
namespace router {
  address r1 10.0.1.1/24
  address r2 10.0.2.1/24
}
veth ns1:v1 -- router:r1
veth ns2:v2 -- router:r2
expect ns1 reaches ns2
expect ns2 does not reach ns1:22
`;

test('a failed expectation is a warning on its line: the hop, the reason, and the statement behind it', async () => {
  const uri = await openDoc(ROUTED);
  const diagnostics = await client.waitForDiagnostics(uri);
  const failed = diagnostics.filter((d) => d.code === 'VN-EXPECT-FAILS');
  assert.equal(failed.length, 1, 'the negative one holds: router does not forward');
  const [d] = failed;
  assert.equal(d.severity, 2);
  assert.equal(d.source, 'vnet');
  assert.deepEqual(d.range, { start: { line: 15, character: 0 }, end: { line: 15, character: 22 } });
  assert.equal(d.message, 'Expected ns1 reaches ns2, but it is dropped in router (r1): router does not forward (net.ipv4.ip_forward = 0).');
  assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]), [
    [uri, 9, 'forwarding is off in router'],
    [uri, 11, 'the kernel makes the route 10.0.2.0/24 dev r2 from this address'],
  ]);
  await client.close(uri);
});

test('quick fixes: forwarding on where it is off, and the route to a single gateway', async () => {
  const uri = await openDoc(ROUTED);
  const diagnostics = await client.waitForDiagnostics(uri);
  const failed = diagnostics.find((d) => d.code === 'VN-EXPECT-FAILS')!;
  const actions = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: failed.range, context: { diagnostics: [failed] } });
  assert.deepEqual(actions?.map((a) => a.title), ['Turn forwarding on in router']);
  const fixed = applyEdits(ROUTED, (actions![0] as { edit: WorkspaceEdit }).edit.changes![uri]);
  assert.match(fixed, /namespace router \{\n {2}forwarding on\n {2}address r1/);
  await client.change(uri, fixed);
  const after = await client.waitForDiagnostics(uri);
  // ns1 reaches ns2 now; and, forwarding on, so does ns2 reach ns1:22, which the file says it must not.
  assert.deepEqual(after.filter((d) => String(d.code).startsWith('VN-EXPECT')).map((d) => [d.range.start.line, d.message]), [
    [17, 'Expected ns2 does not reach ns1:22, but it gets through, to ns1 10.0.1.2.'],
  ]);

  const noRoute = fixed.replace('  route default via 10.0.1.1\n', '');
  await client.change(uri, noRoute);
  const missing = (await client.waitForDiagnostics(uri)).find((d) => d.code === 'VN-EXPECT-FAILS')!;
  assert.match(missing.message as string, /dropped in ns1: no route to 10\.0\.2\.2/);
  const routeFixes = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing] } });
  assert.deepEqual(routeFixes?.map((a) => a.title), ['Add `route default via 10.0.1.1` to ns1', 'Add `route 10.0.2.0/24 via 10.0.1.1` to ns1']);
  await client.close(uri);
});

test('hover on an expect shows the verdict and the whole trace', async () => {
  const uri = await openDoc(ROUTED);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position(ROUTED, 'expect ns1', 2) });
  const value = (hover!.contents as MarkupContent).value;
  assert.match(value, /\*\*✗ fails in this file\*\*: `expect ns1 reaches ns2`/);
  assert.match(value, /```text\ntrace icmp from ns1 \(10\.0\.1\.2\) to ns2 \(10\.0\.2\.2\)\nrequest:\n/);
  assert.match(value, /\n {2}ns1 v1: routed out v1 to 10\.0\.1\.1 .*\n {6}by: default via 10\.0\.1\.1 dev v1\n/);
  assert.match(value, /router r1: dropped: router does not forward/);
  const holds = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position(ROUTED, 'does not reach', 3) });
  assert.match((holds!.contents as MarkupContent).value, /✓ holds in this file/);
  await client.close(uri);
});

test('completion inside an expect, the lens on each, and the outline', async () => {
  const text = `${ROUTED}expect ns1 \n`;
  const uri = await openDoc(text);
  const labels = async (line: number, character: number) => {
    const result = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } });
    const items: CompletionItem[] = Array.isArray(result) ? result : (result as CompletionList | null)?.items ?? [];
    return items.map((i) => i.label);
  };
  assert.deepEqual(await labels(17, 11), ['reaches', 'does not reach']);
  assert.deepEqual((await labels(17, 7)).sort(), ['host', 'ns1', 'ns2', 'router']);
  const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  assert.deepEqual(lenses?.filter((l) => l.command?.command === 'vnet.checkExpectationLive').map((l) => l.command!.arguments), [[uri, 15], [uri, 16]]);
  const symbols = await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
  assert.deepEqual(symbols?.slice(-3).map((s) => s.name), ['ns1 reaches ns2', 'ns2 does not reach ns1:22', 'ns1']);
  await client.close(uri);
});

test('rename follows into expectations; formatting leaves their words alone', async () => {
  const uri = await openDoc(ROUTED);
  const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position: position(ROUTED, 'expect ns2', 8), newName: 'web' }) as WorkspaceEdit;
  const renamed = applyEdits(ROUTED, edit.changes![uri]);
  assert.match(renamed, /namespace web \{[\s\S]*veth web:v2 -- router:r2\nexpect ns1 reaches web\nexpect web does not reach ns1:22\n$/);
  const messy = 'lab f\nnamespace a\n   expect   a    does not reach   host:80   udp  # why\n';
  await client.change(uri, messy);
  const formatting = await client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
  assert.equal(applyEdits(messy, formatting ?? []), 'lab f\nnamespace a\nexpect a does not reach host:80 udp  # why\n');
  await client.close(uri);
});

test('hostile expects: huge, odd, unknown, garbage — every request is answered and the server lives', async () => {
  const many = Array.from({ length: 3000 }, (_, i) => `expect ns${i % 7} reaches ns${(i * 3) % 11}:${(i % 65535) + 1}`).join('\n');
  const inputs = [
    `${ROUTED}expect ${'x'.repeat(100_000)} reaches ${'y:'.repeat(5000)}\n`,
    `${ROUTED}expect ns1 reaches ns2 ${'tcp 1 '.repeat(2000)} lands on ${'"'.repeat(301)}\n`,
    `${ROUTED}expect "\\x00\u{1F600}" does not reach "a/b":99999999999999999999 lands on [::1]:0\n`,
    `${ROUTED}expect nowhere reaches nobody\nexpect 300.1.1.1 reaches [zz]:80\nexpect ns1 reaches []:\nexpect ns1 reaches :80\nexpect /ns1 reaches a/\n`,
    `${ROUTED}expect } { ; expect expect expect\nexpect ns1 reaches ns2 lands lands on on ns2:80 tcp udp icmp\n`,
    `${ROUTED}${many}\n`,
    'expect ns1 reaches ns2\n',
    `lab m\nmachine a {\n  namespace x\n}\nmachine b {\n  namespace x\n}\nexpect x reaches x\nexpect a/x reaches b/x:70000 udp\n`,
  ];
  const uri = await openDoc(inputs[0]);
  for (const text of inputs) {
    await client.change(uri, text);
    const diagnostics = await client.waitForDiagnostics(uri, 30_000);
    assert.ok(Array.isArray(diagnostics));
    const last = text.trimEnd().split('\n').length - 1;
    const at = { line: last, character: 10 };
    const textDocument = { uri };
    await Promise.all([
      client.connection.sendRequest(HoverRequest.type, { textDocument, position: at }),
      client.connection.sendRequest(CompletionRequest.type, { textDocument, position: at }),
      client.connection.sendRequest(CodeLensRequest.type, { textDocument }),
      client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument }),
      client.connection.sendRequest(SemanticTokensRequest.type, { textDocument }),
      client.connection.sendRequest(CodeActionRequest.type, { textDocument, range: { start: at, end: at }, context: { diagnostics: [] } }),
      client.connection.sendRequest(DocumentFormattingRequest.type, { textDocument, options: { tabSize: 2, insertSpaces: true } }),
    ]);
  }
  // The 3000 generated expects name namespaces the file lacks: each is reported, none is traced.
  await client.change(uri, `${ROUTED}${many}\n`);
  const diagnostics = await client.waitForDiagnostics(uri, 30_000);
  assert.ok(diagnostics.filter((d) => d.code === 'VN-EXPECT-UNKNOWN').length >= 3000);
  assert.deepEqual(client.logs.filter((l) => l.includes('failed')), [], 'no feature threw');
  assert.equal(client.exited, false);
  await client.change(uri, ROUTED);
  assert.ok((await client.waitForDiagnostics(uri)).some((d) => d.code === 'VN-EXPECT-FAILS'), 'still correct afterwards');
  await client.close(uri);
});
