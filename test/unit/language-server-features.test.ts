// The language server's features as the pure functions they are: (document, position) in, LSP data out,
// without a process or VS Code. test/lsp/ drives the same functions through the real server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent, WorkspaceEdit } from 'vscode-languageserver';
import { completionsAt } from '../../src/server/completion';
import { hoverAt } from '../../src/server/hover';
import { IMPAIRMENT_SETTINGS } from '../../src/model/impairment';
import { definitionAt } from '../../src/server/definition';
import { referencesAt } from '../../src/server/references';
import { prepareRenameAt, renameAt } from '../../src/server/rename';
import { documentSymbols } from '../../src/server/symbols';
import { foldingRanges } from '../../src/server/folding';
import { formatDocument } from '../../src/server/formatting';
import { codeLenses } from '../../src/server/code-lens';
import { codeActionsFor } from '../../src/server/code-actions';
import { SNIPPETS } from '../../src/server/snippets';
import { compileVnet } from '../../src/language/index';

const ROOT = join(__dirname, '..', '..');
const A = readFileSync(join(ROOT, 'examples', 'a-bridge-nat.vnet'), 'utf8');
const G = readFileSync(join(ROOT, 'examples', 'g-two-hosts.vnet'), 'utf8');
let counter = 0;

function doc(text: string, version = 1, uri = `file:///unit-${++counter}.vnet`): TextDocument {
  return TextDocument.create(uri, 'vnet', version, text);
}

/** The document with `|` marking the cursor, and that position. */
function cursor(marked: string, uri?: string) {
  const offset = marked.indexOf('|');
  const document = doc(marked.slice(0, offset) + marked.slice(offset + 1), 1, uri);
  return { document, position: document.positionAt(offset) };
}

function labels(marked: string): string[] {
  const { document, position } = cursor(marked);
  return completionsAt(document, position).map((i) => i.label);
}

function hoverText(document: TextDocument, offset: number): string {
  return ((hoverAt(document, document.positionAt(offset))?.contents as MarkupContent | undefined)?.value) ?? '';
}

const NET = 'lab t\nhost {\n  forwarding on\n  bridge br0 { address 10.0.0.1/24 }\n  address up1 10.1.0.1/24\n  nat chain c1 { accept dst 10.0.0.0/24 }\n}\nnamespace ns1 { address v1 10.0.0.2/24 }\nnamespace ns2 { address v2 10.1.0.2/24 }\nveth ns1:v1 -- br0:p1\nveth ns2:v2 -- host:up1\n';

test('completion in NAT rules: actions, matches still missing, interfaces, targets', () => {
  const insert = (line: string) => NET.replace('  nat chain c1', `  ${line}\n  nat chain c1`);
  assert.deepEqual(labels(insert('nat |')).sort(), ['accept', 'chain', 'dnat', 'jump', 'masquerade', 'return', 'snat']);
  const matches = labels(insert('nat masquerade src 10.0.0.0/24 |'));
  assert.ok(matches.includes('not-out') && matches.includes('dst') && !matches.includes('src') && !matches.includes('to'));
  assert.deepEqual(labels(insert('nat masquerade not-out |')), ['br0', 'p1', 'up1']);
  const targets = labels(insert('nat dnat tcp 80 to |'));
  assert.deepEqual(targets, ['ns1:', '10.0.0.2', 'ns2:', '10.1.0.2']);
  assert.deepEqual(labels(insert('nat masquerade src |')), ['10.0.0.0/24', '10.1.0.0/24']);
  assert.deepEqual(labels(insert('nat jump |')), ['c1']);
  assert.deepEqual(labels(NET.replace('{ accept dst 10.0.0.0/24 }', '{\n    |\n  }')).sort(), ['accept', 'dnat', 'jump', 'masquerade', 'return', 'snat']);
});

test('completion for routes, links, settings and bridge blocks', () => {
  const inNs1 = (line: string) => NET.replace('namespace ns1 { address v1 10.0.0.2/24 }', `namespace ns1 {\n  address v1 10.0.0.2/24\n  ${line}\n}`);
  assert.deepEqual(labels(inNs1('route |')), ['default', '10.0.0.0/24', '10.1.0.0/24']);
  assert.deepEqual(labels(inNs1('route default |')), ['via', 'dev']);
  assert.deepEqual(labels(inNs1('route default via |')), ['10.0.0.1']);
  assert.deepEqual(labels(inNs1('route default via 10.0.0.1 dev |')), ['v1']);
  assert.deepEqual(labels(inNs1('link v1 |')), ['mtu', 'up', 'down']);
  assert.deepEqual(labels(inNs1('link v1 down |')), ['mtu']);
  assert.deepEqual(labels(inNs1('forwarding |')), ['on', 'off']);
  assert.deepEqual(labels(inNs1('loopback |')), ['up', 'down']);
  assert.deepEqual(labels(inNs1('forward-policy |')), ['accept', 'drop']);
  assert.deepEqual(labels(NET.replace('bridge br0 { address 10.0.0.1/24 }', 'bridge br0 {\n    |\n  }')), ['address', 'mtu', 'down', 'up', ...IMPAIRMENT_SETTINGS]);
  assert.deepEqual(labels(NET.replace('  forwarding on', '  # a comment |')), []);
  assert.deepEqual(labels('lab t ssh |'), []);
  assert.deepEqual(labels('lab t |'), ['ssh']);
});

test('dummies: completed where interfaces are named, never as a veth place; their block offers its keywords', () => {
  const net = 'lab t\nhost {\n  dummy lb0 { address 192.0.2.10/32 }\n  address up1 10.1.0.1/24\n  LINE\n}\nnamespace ns1 { address v1 10.1.0.2/24 }\nveth ns1:v1 -- host:up1\n';
  const inHost = (line: string) => net.replace('LINE', line);
  assert.deepEqual(labels(inHost('route 10.9.0.0/16 dev |')), ['lb0', 'up1']);
  assert.deepEqual(labels(inHost('link |')), ['lb0', 'up1']);
  assert.deepEqual(labels(inHost('nat masquerade out |')), ['lb0', 'up1']);
  const { document, position } = cursor(inHost('address |'));
  assert.deepEqual(completionsAt(document, position).map((i) => [i.label, i.detail]), [['lb0', 'dummy interface'], ['up1', 'veth end, peer ns1:v1']]);
  assert.deepEqual(labels(`${inHost('')}veth |`).sort(), ['host', 'ns1']);
  assert.deepEqual(labels(inHost('dummy d1 {\n    |\n  }')), ['address', 'mtu', 'down', 'up', ...IMPAIRMENT_SETTINGS]);
  const text = inHost('dummy d1 { mtu 1400 }');
  assert.match(hoverText(doc(text), text.indexOf('mtu 1400') + 1), /MTU of the interface/);
  assert.match(hoverText(doc(text), text.indexOf('d1 {') + 1), /\*\*dummy interface d1\*\* in host[\s\S]*- mtu 1400\n- state up/);
});

test('completion knows each machine of a multi-host lab apart', () => {
  const marked = G.replace('  veth ns2:veth-ns2 -- br0:veth-ns2-br\n}\n\nmachine b', '  veth ns2:veth-ns2 -- br0:veth-ns2-br\n  veth ns1:|\n}\n\nmachine b');
  assert.deepEqual(labels(marked), ['veth-ns1']);
  const places = labels(G.replace('machine b ssh root@10.0.2.16 {\n', 'machine b ssh root@10.0.2.16 {\n  veth |\n'));
  assert.deepEqual(places.sort(), ['br0', 'host', 'ns1', 'ns2']);
  assert.deepEqual(labels('lab g\nmachine a {\n}\nveth |'), [], 'no machine, no places');
});

test('completion offers snippets of the block, and every snippet is valid .vnet there', () => {
  const top = completionsAt(doc('lab t\n'), { line: 1, character: 0 });
  assert.ok(top.some((i) => i.label === 'namespace block' && i.insertTextFormat === 2));
  assert.ok(!completionsAt(doc('lab t\n'), { line: 1, character: 0 }, { snippets: false }).some((i) => i.kind === 15));
  for (const snippet of SNIPPETS) {
    const body = snippet.body.join('\n').replace(/\$\{\d+\|([^,|]+)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
    const text = snippet.contexts.includes('top') ? (snippet.name === 'lab' ? body : `lab t\n${body}\n`) : `lab t\nhost {\n${body}\n}\n`;
    const syntax = compileVnet(text).diagnostics.filter((d) => d.code.startsWith('VN-SYNTAX'));
    assert.deepEqual(syntax, [], `${snippet.name}:\n${text}`);
  }
});

test('after an edit, completion reads the context from the new text and names from the last analysis', () => {
  const uri = 'file:///stale-completion.vnet';
  const before = doc(A, 1, uri);
  completionsAt(before, { line: 0, character: 0 }); // analysed, as on open
  const marked = A.replace('  address veth3-peer 172.16.0.103/24', '  address veth3-peer 172.16.0.103/24\n  route default via |');
  const { document, position } = cursor(marked, uri);
  const items = completionsAt(document, position);
  assert.deepEqual(items.map((i) => i.label).sort(), ['172.16.0.100', '172.16.0.102']);
  assert.equal(items[0].textEdit && 'range' in items[0].textEdit ? items[0].textEdit.range.start.line : -1, position.line);
});

test('hover after an edit elsewhere maps its range into the new text', () => {
  const uri = 'file:///stale-hover.vnet';
  const before = doc(A, 1, uri);
  hoverAt(before, { line: 0, character: 0 });
  const edited = A.replace('host {\n', 'host {\n  # a new comment line\n');
  const document = doc(edited, 2, uri);
  const offset = edited.indexOf('namespace netns3') + 'namespace '.length + 2;
  const hover = hoverAt(document, document.positionAt(offset))!;
  assert.match((hover.contents as MarkupContent).value, /\*\*namespace netns3\*\*/);
  assert.deepEqual(hover.range, { start: document.positionAt(offset - 2), end: document.positionAt(offset + 4) });
  // On the edited line itself the server analyses the new text.
  const inEdit = hoverText(doc(edited.replace('# a new comment line', 'forwarding off'), 3, uri), edited.indexOf('# a new') + 2);
  assert.match(inEdit, /forwarding on\|off/);
});

test('hover on chains, the lab, machines, addresses and NAT targets', () => {
  const h = readFileSync(join(ROOT, 'examples', 'h-cni-chain.vnet'), 'utf8');
  const d = doc(h);
  assert.match(hoverText(d, h.indexOf('chain-myns {') + 1), /nat chain chain-myns\*\* in host\n\n2 rules; jumped to from 1 rule \(POSTROUTING\)/);
  assert.match(hoverText(d, h.indexOf('lab h-cni-chain') + 5), /marked `vnet:h-cni-chain`/);
  assert.match(hoverText(d, h.indexOf('10.85.0.254/16') + 3), /subnet 10\.85\.0\.0\/16[\s\S]*Also on this subnet: `10\.85\.0\.1` bridge cni0 in host/);
  assert.match(hoverText(d, h.indexOf('masquerade not-dst') + 2), /MASQUERADE/);
  assert.match(hoverText(d, h.indexOf('not-dst') + 2), /Destination is not this address/);
  const g = doc(G);
  assert.match(hoverText(g, G.indexOf('machine b') + 8), /machine b\*\* reached with `ssh root@10\.0\.2\.16`/);
  const c = readFileSync(join(ROOT, 'examples', 'c-net1.vnet'), 'utf8');
  assert.match(hoverText(doc(c), c.indexOf('to net1:80') + 4), /namespace net1/);
  assert.match(hoverText(doc(c), c.indexOf('dnat tcp') + 1), /`dnat \[tcp\|udp PORT\]/);
});

test('definition of host is its block; references of a chain', () => {
  const d = doc(A);
  const defs = definitionAt(d, d.positionAt(A.indexOf('host:veth1') + 1));
  assert.deepEqual(defs.map((l) => l.range.start), [d.positionAt(A.indexOf('host {'))]);
  const h = readFileSync(join(ROOT, 'examples', 'h-cni-chain.vnet'), 'utf8');
  const hd = doc(h);
  const refs = referencesAt(hd, hd.positionAt(h.indexOf('jump chain-myns') + 6), true);
  assert.equal(refs.length, 2);
  assert.deepEqual(definitionAt(hd, hd.positionAt(h.indexOf('jump chain-myns') + 6))[0].range.start, hd.positionAt(h.indexOf('chain-myns {')));
});

function applyRename(document: TextDocument, edit: WorkspaceEdit): string {
  return TextDocument.applyEdits(document, edit.changes![document.uri]);
}

test('rename: chains, bridges used as places, the lab; refusals say why', () => {
  const h = readFileSync(join(ROOT, 'examples', 'h-cni-chain.vnet'), 'utf8');
  const hd = doc(h);
  const renamedChain = applyRename(hd, renameAt(hd, hd.positionAt(h.indexOf('chain-myns {')), 'nat-myns') as WorkspaceEdit);
  assert.match(renamedChain, /nat chain nat-myns \{[\s\S]*nat jump nat-myns src/);
  assert.deepEqual(compileVnet(renamedChain).diagnostics.map((d) => d.code), ['VN-BRIDGE-ONE-PORT', 'VN-EXPECT-UNCHECKED']);
  const renamedBridge = applyRename(hd, renameAt(hd, hd.positionAt(h.indexOf('cni0:') + 1), 'cni1') as WorkspaceEdit);
  assert.match(renamedBridge, /bridge cni1 \{[\s\S]*-- cni1:myveth-host/);
  const ad = doc(A);
  assert.deepEqual(renameAt(ad, ad.positionAt(A.indexOf('namespace netns1') + 11), 'netns2'), { error: 'There is already a namespace netns2.' });
  assert.deepEqual(renameAt(ad, ad.positionAt(A.indexOf('veth1-peer 172')), 'lo'), { error: 'lo is the loopback interface; choose another name.' });
  assert.match((renameAt(ad, ad.positionAt(A.indexOf('lab a-bridge') + 5), 'bad name') as { error: string }).error, /Lab name "bad name"/);
  assert.equal(prepareRenameAt(ad, ad.positionAt(A.indexOf('forwarding'))), null, 'keywords are not renamable');
  const prepared = prepareRenameAt(ad, ad.positionAt(A.indexOf('veth1-peer 172') + 2));
  assert.deepEqual(prepared && 'placeholder' in prepared ? prepared.placeholder : null, 'veth1-peer');
});

test('outline of a multi-host lab, folding of blocks and comment runs', () => {
  const symbols = documentSymbols(doc(G));
  assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [
    ['lab g-two-hosts', ''], ['a', 'ssh root@10.0.2.15'], ['b', 'ssh root@10.0.2.16'],
    ['a/ns1 reaches b/ns1', 'expect'], ['b/ns1 reaches a/ns1', 'expect'],
  ]);
  assert.deepEqual(symbols[1].children!.map((s) => s.name), ['host', 'ns1', 'ns2', 'ns1:veth-ns1 -- br0:veth-ns1-br', 'ns2:veth-ns2 -- br0:veth-ns2-br']);
  const folds = foldingRanges(doc(G));
  assert.deepEqual(folds[0], { startLine: 0, endLine: 1, kind: 'comment' });
  assert.ok(folds.some((f) => f.startLine === 4 && f.endLine === 19), JSON.stringify(folds));
});

test('formatting, code actions and code lens', () => {
  assert.deepEqual(formatDocument(doc(A)), []);
  const edits = formatDocument(doc('lab t\nhost{\nforwarding on}\n'), { tabSize: 4, insertSpaces: true });
  assert.equal(edits[0].newText, 'lab t\nhost {\n    forwarding on }\n');
  assert.deepEqual(codeLenses(doc('namespace a\n')), []);
  const d = doc(A);
  const at = d.positionAt(A.indexOf('namespace netns3') + 12);
  const actions = codeActionsFor(d, { start: at, end: at });
  assert.deepEqual(actions.map((a) => a.title), ['Add route default via 172.16.0.100']);
  const fixed = TextDocument.applyEdits(d, actions[0].edit!.changes![d.uri]);
  assert.deepEqual(compileVnet(fixed).diagnostics.filter((x) => x.code === 'VN-ROUTE-NO-EGRESS').length, 1, 'netns1 still lacks its route');
  assert.deepEqual(codeActionsFor(d, { start: d.positionAt(0), end: d.positionAt(1) }, ['refactor']), []);
});
