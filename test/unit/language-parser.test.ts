import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../src/language/parser';
import { lex } from '../../src/language/lexer';
import type { Statement, VethStatement, NatStatement, NatChainStatement, PlaceStatement } from '../../src/language/syntax';

function slice(text: string, s: { start: number; end: number }): string {
  return text.slice(s.start, s.end);
}

test('lexes words, strings with escapes, braces and comments', () => {
  const { tokens, comments, problems } = lex('veth "a \\"b\\"\\x01":x -- host:y # note\n}');
  assert.deepEqual(tokens.map((t) => [t.kind, t.text, t.glued]), [
    ['word', 'veth', false], ['string', 'a "b"\u0001', false], ['word', ':x', true], ['word', '--', false], ['word', 'host:y', false],
    ['newline', '\n', false], ['rbrace', '}', false], ['eof', '', false],
  ]);
  assert.deepEqual(comments.map((c) => c.text), ['# note']);
  assert.deepEqual(problems, []);
  assert.equal(lex('"open\nnext').problems[0].code, 'VN-SYNTAX-STRING');
  assert.equal(lex('"bad \\q"').problems[0].code, 'VN-SYNTAX-STRING');
});

test('parses the statements of a lab with their parts and spans', () => {
  const text = 'lab demo ssh root@10.0.0.1\nhost {\n  bridge br0 { address 10.0.0.1/24 }\n  nat dnat tcp 8080 to ns1:80 not-in br0\n}\nnamespace "my ns" {\n  route default via 10.0.0.1 dev v1\n}\nveth "my ns":v1 -- host/br0:p1\n';
  const doc = parse(text);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(doc.statements.map((s) => s.kind), ['lab', 'root-namespace', 'namespace', 'veth']);
  const lab = doc.statements[0] as Statement & { kind: 'lab' };
  assert.equal(lab.name!.text, 'demo');
  assert.equal(lab.ssh!.text, 'root@10.0.0.1');
  const host = doc.statements[1] as PlaceStatement;
  assert.deepEqual(host.body!.statements.map((s) => s.kind), ['bridge', 'nat']);
  const nat = host.body!.statements[1] as NatStatement;
  assert.equal(nat.rule.action!.text, 'dnat');
  assert.deepEqual(nat.rule.matchers.map((m) => [m.kind, m.negated, m.value?.text, m.port?.text ?? null]), [['proto', false, 'tcp', '8080'], ['in', true, 'br0', null]]);
  assert.equal(nat.rule.to!.namespace!.text, 'ns1');
  assert.equal(nat.rule.to!.port!.text, '80');
  const ns = doc.statements[2] as PlaceStatement;
  assert.equal(ns.name!.text, 'my ns');
  assert.equal(ns.name!.quoted, true);
  const veth = doc.statements[3] as VethStatement;
  assert.equal(veth.left!.place!.text, 'my ns');
  assert.equal(slice(text, veth.left!.place!.span), '"my ns"');
  assert.equal(slice(text, veth.left!.iface!.span), 'v1');
  assert.equal(veth.right!.scope!.text, 'host');
  assert.equal(slice(text, veth.right!.place!.span), 'br0');
  assert.equal(slice(text, veth.right!.iface!.span), 'p1');
});

test('an address to translate to is told apart from a namespace', () => {
  const to = (value: string) => ((parse(`host {\nnat dnat tcp 1 to ${value}\n}`).statements[0] as PlaceStatement).body!.statements[0] as NatStatement).rule.to!;
  assert.equal(to('10.0.0.2:80').namespace, null);
  assert.equal(to('10.0.0.2').namespace, null);
  assert.equal(to('10.0.0.2-10.0.0.9:80-90').namespace, null);
  assert.equal(to('[fd00::2]:80').namespace, null);
  assert.equal(to('fd00::2').namespace, null);
  assert.equal(to('net1:80').namespace!.text, 'net1');
  assert.equal(to('"a:b":80').namespace!.text, 'a:b');
  assert.equal(to('net1').namespace!.text, 'net1');
});

test('recovers after a broken line and inside an unclosed block', () => {
  const text = 'lab x\nnamespace a {\n  adress v 1.2.3.4/24\n  route default via 10.0.0.1\n  @@@ {\n    forwarding on\n  }\n  forwarding on\n';
  const doc = parse(text);
  const codes = doc.problems.map((p) => p.code);
  assert.ok(codes.includes('VN-SYNTAX-UNKNOWN'));
  assert.ok(codes.includes('VN-SYNTAX-UNCLOSED'));
  const ns = doc.statements[1] as PlaceStatement;
  assert.deepEqual(ns.body!.statements.map((s) => s.kind), ['error', 'route', 'error', 'forwarding']);
  assert.equal(ns.body!.close, null);
});

test('nat chain blocks hold rules without the nat prefix', () => {
  const doc = parse('host {\n  nat chain c1 {\n    accept dst 10.0.0.0/8\n    masquerade not-dst 224.0.0.0/4\n  }\n  nat jump c1 src 10.0.0.5\n}\n');
  assert.deepEqual(doc.problems, []);
  const host = doc.statements[0] as PlaceStatement;
  const chain = host.body!.statements[0] as NatChainStatement;
  assert.equal(chain.name!.text, 'c1');
  assert.deepEqual(chain.body!.statements.map((s) => s.kind === 'nat-rule' && s.action!.text), ['accept', 'masquerade']);
  const jump = host.body!.statements[1] as NatStatement;
  assert.equal(jump.rule.chain!.text, 'c1');
});

test('statements in the wrong block say where they belong', () => {
  const doc = parse('route default via 10.0.0.1\nhost {\n  veth a:b -- c:d\n}\n');
  const messages = doc.problems.filter((p) => p.code === 'VN-SYNTAX-CONTEXT').map((p) => p.message);
  assert.equal(messages.length, 2);
  assert.match(messages[0], /`route` is not allowed here; it belongs inside a host \{ \} or namespace NAME \{ \} block/);
  assert.match(messages[1], /`veth` is not allowed here; it belongs at the top level of the file, or inside a machine/);
});

/** Every object with a span in the tree, with the span of the node that holds it. */
function* spans(node: unknown, parent: { start: number; end: number } | null): Generator<[{ start: number; end: number }, { start: number; end: number } | null]> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const item of node) yield* spans(item, parent); return; }
  const record = node as Record<string, unknown>;
  const own = record.span as { start: number; end: number } | undefined;
  if (own) yield [own, parent];
  for (const [key, value] of Object.entries(record)) {
    if (key === 'span' || key === 'problems' || key === 'comments') continue;
    yield* spans(value, own ?? parent);
  }
}

test('every node has a span inside its parent and inside the text', () => {
  const text = 'lab x\nhost {\n  bridge br0 { address 10.0.0.1/24; mtu 1400; down }\n  nat chain c { masquerade out eth0 }\n}\nnamespace n { address v 10.0.0.2/24 }\nveth n:v -- br0:p\n';
  const doc = parse(text);
  let count = 0;
  for (const [s, parent] of spans(doc, null)) {
    count++;
    assert.ok(s.start >= 0 && s.start <= s.end && s.end <= text.length, JSON.stringify(s));
    if (parent) assert.ok(s.start >= parent.start && s.end <= parent.end, `${JSON.stringify(s)} outside ${JSON.stringify(parent)}`);
  }
  assert.ok(count > 30);
});
