// `expect` statements: what they lower to, what the checks refuse, how a failed one is reported (hop,
// reason, related statement, quick fixes), and the editor features over them, as pure functions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { MarkupContent, WorkspaceEdit } from 'vscode-languageserver';
import { ExpectationJudge, analyze, compileVnet } from '../../src/language/index';
import { lower } from '../../src/language/lower';
import { scopeForExpectations } from '../../src/language/expect-scope';
import { judgeExpectation } from '../../src/trace/index';
import { generateLab } from '../../bench/language.bench';
import { printLab } from '../../src/language/print';
import { completionsAt } from '../../src/server/completion';
import { hoverAt } from '../../src/server/hover';
import { renameAt } from '../../src/server/rename';
import { codeLenses } from '../../src/server/code-lens';
import { codeActionsFor } from '../../src/server/code-actions';
import { diagnosticsOf } from '../../src/server/diagnostics';
import { semanticTokens, semanticTokensLegend } from '../../src/server/semantic-tokens';

let counter = 0;
function doc(text: string): TextDocument {
  return TextDocument.create(`file:///expect-${++counter}.vnet`, 'vnet', 1, text);
}

const ROUTER = `lab r
namespace ns1 {
  address v1 10.0.1.2/24
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
`;

test('each form lowers to the question and claim it says', () => {
  const lab = compileVnet(`${ROUTER}expect ns1 reaches ns2
expect ns1 does not reach 10.0.2.2:53 udp
expect host reaches ns2 tcp 22
expect 10.0.1.2 reaches ns2:8080 lands on ns2:80
expect ns1 reaches [fd00::1]:443
`).lab!;
  const plain = lab.expectations!.map(({ text: _t, ...rest }) => rest);
  assert.deepEqual(plain, [
    { from: 'ns1', to: 'ns2', protocol: 'icmp', port: null, reaches: true, landsOn: null, line: 14 },
    { from: 'ns1', to: '10.0.2.2', protocol: 'udp', port: 53, reaches: false, landsOn: null, line: 15 },
    { from: 'host', to: 'ns2', protocol: 'tcp', port: 22, reaches: true, landsOn: null, line: 16 },
    { from: '10.0.1.2', to: 'ns2', protocol: 'tcp', port: 8080, reaches: true, landsOn: { namespace: 'ns2', port: 80 }, line: 17 },
    { from: 'ns1', to: 'fd00::1', protocol: 'tcp', port: 443, reaches: true, landsOn: null, line: 18 },
  ]);
  assert.equal(lab.expectations![1].text, 'expect ns1 does not reach 10.0.2.2:53 udp');
  assert.equal(compileVnet(ROUTER).lab!.expectations, undefined, 'a file without expect carries no list');
});

test('in a file of machines, ends are MACHINE/NS; a name two machines have must say which', () => {
  const text = 'lab m\nmachine a {\n  namespace x\n  namespace only\n}\nmachine b {\n  namespace x\n}\n';
  const lab = compileVnet(`${text}expect a/x reaches b/x\nexpect only reaches b/host\n`).lab!;
  assert.deepEqual(lab.expectations!.map((e) => [e.from, e.to]), [['a/x', 'b/x'], ['a/only', 'b/host']]);
  const ambiguous = compileVnet(`${text}expect x reaches host\n`).diagnostics.filter((d) => d.code === 'VN-EXPECT-AMBIGUOUS');
  assert.equal(ambiguous.length, 2);
  assert.match(ambiguous[0].message, /"x" is on machines a and b\. Say which: `a\/x` or `b\/x`/);
  const unknown = compileVnet(`${text}expect c/x reaches a/y\n`).diagnostics.filter((d) => d.code === 'VN-EXPECT-UNKNOWN');
  assert.deepEqual(unknown.map((d) => d.message.slice(0, 40)), ['There is no machine "c" (did you mean a?', 'There is no namespace "y" on machine a (']);
});

test('checks: unknown names, bad ports and addresses, lands on without a port protocol; the statement is then left out', () => {
  const cases: [string, string, RegExp][] = [
    ['expect ns1 reaches nsx', 'VN-EXPECT-UNKNOWN', /no namespace "nsx" \(did you mean ns1\?\)/],
    ['expect ns1 reaches ns2:0', 'VN-EXPECT-PORT', /"0" is not a port/],
    ['expect ns1 reaches ns2:80 tcp 81', 'VN-EXPECT-PORT', /port 80 and the protocol port 81/],
    ['expect ns1 reaches ns2:80 icmp', 'VN-EXPECT-PORT', /icmp has no port/],
    ['expect ns1 reaches ns2 udp', 'VN-EXPECT-PORT', /udp needs a port/],
    ['expect ns1:22 reaches ns2', 'VN-EXPECT-PORT', /A source has no port/],
    ['expect ns1 reaches 10.0.2.256', 'VN-EXPECT-ADDRESS', /neither an address nor a namespace/],
    ['expect ns1 reaches ns2 lands on ns2', 'VN-EXPECT-LANDS', /needs `tcp PORT` or `udp PORT`/],
    ['expect ns1 does not reach ns2:80 lands on ns2:80', 'VN-EXPECT-LANDS', /must not reach its target lands nowhere/],
    ['expect ns1 reaches ns2:80 lands on 10.0.2.2:80', 'VN-EXPECT-LANDS', /names a namespace of the file/],
  ];
  for (const [line, code, message] of cases) {
    const result = compileVnet(`${ROUTER}${line}\n`);
    const found = result.diagnostics.find((d) => d.code === code);
    assert.ok(found, `${line}: ${result.diagnostics.map((d) => d.code).join(', ')}`);
    assert.equal(found.severity, 'error');
    assert.match(found.message, message, line);
    assert.equal(found.range.start.line, 14, line);
    assert.equal(result.lab!.expectations, undefined, `${line} is not judged`);
  }
});

test('recovery: a broken expect reports its own line only, and the file around it still binds', () => {
  const result = compileVnet(`${ROUTER}expect\nexpect ns1\nexpect ns1 reach ns2\nexpect ns1 does reach ns2\nexpect ns1 reaches ns2 tpc 80\nexpect ns1 reaches ns2\n`);
  const syntax = result.diagnostics.filter((d) => d.code.startsWith('VN-SYNTAX')).map((d) => [d.range.start.line, d.code]);
  assert.deepEqual(syntax, [[14, 'VN-SYNTAX-MISSING'], [15, 'VN-SYNTAX-MISSING'], [16, 'VN-SYNTAX-MISSING'], [17, 'VN-SYNTAX-MISSING'], [18, 'VN-SYNTAX-EXTRA']]);
  const typo = result.diagnostics.find((d) => d.code === 'VN-SYNTAX-EXTRA')!;
  assert.deepEqual(typo.fixes?.map((f) => f.title), ['Change to `tcp`']);
  assert.deepEqual(result.lab!.expectations!.map((e) => e.line), [18, 19]);
  const inMachine = compileVnet('lab m\nmachine a {\n  expect host reaches host\n}\n').diagnostics;
  assert.ok(inMachine.some((d) => d.code === 'VN-SYNTAX-CONTEXT' && /at the top level of the file/.test(d.message)));
});

test('a failed expectation names the hop and reason, links the statement behind it, and offers the obvious cure', () => {
  // router does not forward: the fix turns it on.
  const text = `${ROUTER.replace('namespace ns1 {\n', 'namespace ns1 {\n  route default via 10.0.1.1\n')}expect ns1 reaches ns2\n`;
  const document = doc(text);
  const failed = diagnosticsOf(document).find((d) => d.code === 'VN-EXPECT-FAILS')!;
  assert.equal(failed.range.start.line, 15);
  assert.equal(failed.message, 'Expected ns1 reaches ns2, but it is dropped in router (r1): router does not forward (net.ipv4.ip_forward = 0).');
  assert.deepEqual(failed.relatedInformation!.map((r) => [r.location.range.start.line, r.message]), [
    [9, 'forwarding is off in router'],
    [11, 'the kernel makes the route 10.0.2.0/24 dev r2 from this address'],
  ]);
  const actions = codeActionsFor(document, failed.range);
  assert.deepEqual(actions.map((a) => a.title), ['Turn forwarding on in router']);
  const fixed = TextDocument.applyEdits(document, actions[0].edit!.changes![document.uri]);
  assert.match(fixed, /namespace router \{\n {2}forwarding on\n/);
  assert.deepEqual(compileVnet(fixed).diagnostics.filter((d) => d.code.startsWith('VN-EXPECT')), [], 'then it holds');

  // With forwarding on, ns1 has no route: the single forwarding neighbour is the gateway.
  const noRoute = `${ROUTER.replace('namespace router {\n', 'namespace router {\n  forwarding on\n')}expect ns1 reaches ns2\n`;
  const d2 = doc(noRoute);
  const missing = diagnosticsOf(d2).find((d) => d.code === 'VN-EXPECT-FAILS')!;
  assert.match(missing.message as string, /dropped in ns1: no route to 10\.0\.2\.2/);
  const titles = codeActionsFor(d2, missing.range).map((a) => a.title);
  assert.deepEqual(titles, ['Add `route default via 10.0.1.1` to ns1', 'Add `route 10.0.2.0/24 via 10.0.1.1` to ns1']);
  for (const action of codeActionsFor(d2, missing.range)) {
    const after = TextDocument.applyEdits(d2, action.edit!.changes![d2.uri]);
    assert.deepEqual(compileVnet(after).diagnostics.filter((d) => d.severity !== 'info'), [], action.title);
  }
});

test('no quick fix when the gateway is not obvious; a negative expectation that gets through says where it lands', () => {
  const text = `lab t
host {
  forwarding on
  bridge br0 { address 10.0.0.1/24 }
}
namespace gw {
  forwarding on
  address g1 10.0.0.254/24
}
namespace a { address x 10.0.0.2/24 }
veth gw:g1 -- br0:p1
veth a:x -- br0:p2
expect a reaches 192.0.2.1
expect a does not reach gw
`;
  const document = doc(text);
  const found = diagnosticsOf(document).filter((d) => d.code === 'VN-EXPECT-FAILS');
  assert.equal(found.length, 2);
  assert.match(found[0].message as string, /dropped in a: no route to 192\.0\.2\.1/);
  assert.deepEqual(codeActionsFor(document, found[0].range), [], 'two forwarding neighbours: no obvious gateway');
  assert.equal(found[1].message, 'Expected a does not reach gw, but it gets through, to gw 10.0.0.254.');
  assert.deepEqual(found[1].relatedInformation!.map((r) => r.message), ['gw, where it lands']);
});

test('the judge traces only what is new while the network is unchanged, and everything when it changes', () => {
  const text = `${ROUTER}expect ns1 reaches ns2\nexpect ns2 reaches ns1\n`;
  const judge = new ExpectationJudge();
  const first = lower(analyze(text))!;
  judge.judge(first, first.expectations!);
  assert.equal(judge.traced, 2);
  const moreExpects = lower(analyze(`# a comment\n${text}expect ns1 reaches router\n`))!;
  const verdicts = judge.judge(moreExpects, moreExpects.expectations!);
  assert.equal(judge.traced, 3, 'only the new expectation is traced');
  assert.deepEqual(verdicts.map((v) => v.expectation.line), [15, 16, 17], 'verdicts carry the current lines');
  const changed = lower(analyze(text.replace('namespace router {\n', 'namespace router {\n  forwarding on\n')))!;
  judge.judge(changed, changed.expectations!);
  assert.equal(judge.traced, 5);
});

test('rename of a namespace or a machine updates the expectations that name it', () => {
  const text = `${ROUTER}expect ns1 reaches ns2:80 lands on ns2:80\n`;
  const document = doc(text);
  const edit = renameAt(document, document.positionAt(text.indexOf('namespace ns2') + 11), 'web') as WorkspaceEdit;
  const renamed = TextDocument.applyEdits(document, edit.changes![document.uri]);
  assert.match(renamed, /expect ns1 reaches web:80 lands on web:80\n$/);
  const g = 'lab m\nmachine a {\n  namespace x\n}\nmachine b {\n  namespace y\n}\nexpect a/x reaches b/y\n';
  const gd = doc(g);
  const fromExpect = renameAt(gd, gd.positionAt(g.indexOf('a/x')), 'alpha') as WorkspaceEdit;
  assert.match(TextDocument.applyEdits(gd, fromExpect.changes![gd.uri]), /machine alpha \{[\s\S]*expect alpha\/x reaches b\/y/);
  const namespaceInExpect = renameAt(gd, gd.positionAt(g.indexOf('b/y') + 2), 'y/2') as { error?: string };
  assert.ok(namespaceInExpect.error, 'a name the kernel refuses is refused');
});

function labelsAt(text: string): string[] {
  const offset = text.indexOf('|');
  const document = doc(text.slice(0, offset) + text.slice(offset + 1));
  return completionsAt(document, document.positionAt(offset)).map((c) => c.label);
}

test('completion: where from, the verb, the target, then protocols and lands on', () => {
  assert.deepEqual(labelsAt(`${ROUTER}expect |`).sort(), ['host', 'ns1', 'ns2', 'router']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 |`), ['reaches', 'does not reach']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 does |`), ['not reach']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 reaches |`).sort(), ['host', 'ns1', 'ns2', 'router']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 reaches ns2 |`), ['icmp', 'tcp', 'udp', 'lands on']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 reaches ns2 tcp 80 |`), ['lands on']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 does not reach ns2 |`), ['icmp', 'tcp', 'udp']);
  assert.deepEqual(labelsAt(`${ROUTER}expect ns1 reaches ns2:80 lands |`), ['on']);
  assert.ok(labelsAt(`${ROUTER}|`).includes('expect'));
  assert.deepEqual(labelsAt('lab m\nmachine a {\n  namespace x\n}\nmachine b {\n}\nexpect |').sort(), ['a/host', 'a/x', 'b/host']);
});

test('hover on an expect shows its verdict and the whole trace; a code lens checks it on the host', () => {
  const text = `${ROUTER}expect ns1 reaches ns2\n`;
  const document = doc(text);
  const hover = hoverAt(document, document.positionAt(text.indexOf('reaches')))!;
  const value = (hover.contents as MarkupContent).value;
  assert.match(value, /✗ fails in this file/);
  assert.match(value, /```text\ntrace icmp from ns1 to ns2 \(10\.0\.2\.2\)\nrequest:\n/);
  assert.match(value, /dropped in ns1: no route to 10\.0\.2\.2/);
  const onName = hoverAt(document, document.positionAt(text.lastIndexOf('ns2') + 1))!;
  assert.match((onName.contents as MarkupContent).value, /\*\*namespace ns2\*\*/, 'a name still hovers as what it names');
  const lenses = codeLenses(document).filter((l) => l.command?.command === 'vnet.checkExpectationLive');
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.arguments]), [[14, 'Check on host…', [document.uri, 14]]]);
  assert.deepEqual(codeLenses(doc(`${ROUTER}expect ns1 reaches nowhere\n`)).filter((l) => l.command?.command === 'vnet.checkExpectationLive'), [], 'no lens on a broken expect');
});

test('semantic tokens: expect words are keywords, its names namespaces', () => {
  const text = 'lab t\nnamespace a\nexpect a does not reach host:80\n';
  const data = semanticTokens(doc(text)).data;
  const types = semanticTokensLegend.tokenTypes;
  const tokens: [number, string][] = [];
  let line = 0;
  let char = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
    if (line === 2) tokens.push([char, types[data[i + 3]]]);
  }
  assert.deepEqual(tokens, [[0, 'keyword'], [7, 'namespace'], [9, 'keyword'], [14, 'keyword'], [18, 'keyword'], [24, 'namespace'], [29, 'number']]);
});

test('printing a lab writes its expectations back, and they compile to the same', () => {
  const text = `${ROUTER}expect ns1 reaches ns2\nexpect ns1 does not reach "ns2":53 udp\nexpect host reaches 10.0.2.2 tcp 22 lands on ns2:22\n`;
  const lab = compileVnet(text).lab!;
  const printed = printLab(lab);
  assert.match(printed, /\n\nexpect ns1 reaches ns2\nexpect ns1 does not reach ns2:53 udp\nexpect host reaches 10\.0\.2\.2:22 lands on ns2:22\n$/);
  const again = compileVnet(printed).lab!;
  assert.deepEqual(again.expectations!.map(({ line: _l, text: _t, ...rest }) => rest), lab.expectations!.map(({ line: _l, text: _t, ...rest }) => rest));
});

test('each trace runs on the part of the network its question can touch, with the same verdict as on the whole', () => {
  const dir = join(__dirname, '..', '..', 'examples');
  const labs = readdirSync(dir).filter((f) => f.endsWith('.vnet')).map((f) => compileVnet(readFileSync(join(dir, f), 'utf8')).lab!);
  // A generated lab: namespaces on bridges, published ports, a router namespace off one of them.
  const text = `${generateLab(300)}namespace edge {\n  forwarding on\n  address e0 10.0.0.250/16\n  address e1 172.31.0.1/24\n}\nnamespace far { address f0 172.31.0.2/24\n route default via 172.31.0.1 }\nveth edge:e0 -- br0:pe\nveth far:f0 -- edge:e1\n`;
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const a = (i * 37) % 300;
    const b = (i * 53 + 11) % 300;
    lines.push([`expect ns${a} reaches ns${b}`, `expect host reaches ns${b}:${10000 + (b - (b % 10))} lands on ns${b - (b % 10)}:80`,
      `expect ns${a} reaches 10.0.0.1:${10000 + (b - (b % 10))}`, `expect ns${a} does not reach ns${b}:22 udp`, `expect far reaches ns${a}`, `expect ns${b} reaches far:80`][i % 6]);
  }
  labs.push(compileVnet(`${text}${lines.join('\n')}\n`).lab!);
  let compared = 0;
  for (const lab of labs) {
    for (const expectation of lab.expectations ?? []) {
      const scoped = scopeForExpectations(lab, [expectation]);
      assert.deepEqual(judgeExpectation(scoped, expectation), judgeExpectation(lab, expectation), `${lab.name}: ${expectation.text}`);
      compared++;
    }
  }
  assert.ok(compared > 80, `${compared} expectations compared`);
  const big = labs[labs.length - 1];
  const scoped = scopeForExpectations(big, big.expectations!.slice(0, 1));
  assert.ok(scoped.hosts[0].topology.namespaces.length < big.hosts[0].topology.namespaces.length / 5, 'most of the network is left out of one question');
});

test('past 1,000 expectations, the rest are left to vnet test, said once', () => {
  const base = 'lab x\nnamespace a { address x 10.0.0.1/24 }\nnamespace b { address y 10.0.0.2/24 }\nveth a:x -- b:y\n';
  const result = compileVnet(`${base}${Array.from({ length: 1005 }, (_, i) => `expect a reaches b:${i + 1}`).join('\n')}\n`);
  assert.deepEqual(result.diagnostics.map((d) => [d.range.start.line, d.code]), [[1004, 'VN-EXPECT-UNCHECKED']]);
  assert.match(result.diagnostics[0].message, /this and the 4 expectations after it are beyond the first 1000/);
  assert.equal(result.lab!.expectations!.length, 1005, 'all of them are in the lab, for vnet test');
});
