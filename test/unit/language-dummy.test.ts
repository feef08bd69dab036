// The `dummy NAME { … }` statement end to end in the pure core: parsing (with recovery), binding, lowering,
// checks, formatting, and printing a live Topology back as source that compiles to the same Topology.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, compileVnet } from '../../src/language/index';
import { parse } from '../../src/language/parser';
import { printLab } from '../../src/language/print';
import { formatVnet } from '../../src/language/format';
import type { InterfaceStatement, PlaceStatement } from '../../src/language/syntax';
import { emptyNamespace, STATE_SCHEMA, type Lab, type Namespace, type NetInterface } from '../../src/model/topology';

function codes(text: string): string[] {
  return compileVnet(text).diagnostics.map((d) => d.code);
}

function messages(text: string, code: string): string[] {
  return compileVnet(text).diagnostics.filter((d) => d.code === code).map((d) => d.message);
}

function namespaceOf(lab: Lab, name: string): Namespace {
  const found = lab.hosts[0].topology.namespaces.find((n) => n.name === name);
  assert.ok(found, name);
  return found;
}

function dummy(name: string, extra: Partial<NetInterface> = {}): NetInterface {
  return { name, kind: 'dummy', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null, ...extra };
}

test('parses a dummy statement with its block, on one line or several', () => {
  const text = 'lab x\nnamespace n {\n  dummy d0 { address 10.0.0.1/24 fd00::1/64; mtu 1400; down }\n  dummy "d 1" {\n    up\n  }\n  dummy d2\n}\n';
  const doc = parse(text);
  assert.deepEqual(doc.problems, []);
  const body = (doc.statements[1] as PlaceStatement).body!.statements as InterfaceStatement[];
  assert.deepEqual(body.map((s) => [s.kind, s.name?.text, s.name?.quoted]), [['dummy', 'd0', false], ['dummy', 'd 1', true], ['dummy', 'd2', false]]);
  assert.deepEqual(body[0].body!.statements.map((s) => s.kind), ['address', 'mtu', 'state']);
  assert.equal(text.slice(body[0].span.start, body[0].span.end), 'dummy d0 { address 10.0.0.1/24 fd00::1/64; mtu 1400; down }');
  assert.deepEqual(body[1].body!.statements.map((s) => s.kind), ['state']);
  assert.equal(body[2].body, null);
});

test('a broken dummy statement is reported and the rest of the file still parses', () => {
  const missing = parse('lab x\nhost {\n  dummy\n  forwarding on\n}\n');
  assert.deepEqual(missing.problems.map((p) => [p.code, p.message]), [['VN-SYNTAX-MISSING', 'Missing the dummy interface name here. Write it as `dummy NAME`.']]);
  assert.deepEqual((missing.statements[1] as PlaceStatement).body!.statements.map((s) => s.kind), ['dummy', 'forwarding']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 extra }\n'), ['VN-SYNTAX-EXTRA']);
  const top = compileVnet('lab x\ndummy d0\n').diagnostics;
  assert.deepEqual(top.map((d) => d.code), ['VN-SYNTAX-CONTEXT']);
  assert.match(top[0].message, /`dummy` is not allowed here; it belongs inside a host \{ \} or namespace NAME \{ \} block/);
  const inBlock = compileVnet('lab x\nhost { dummy d0 { route default dev d0 } }\n').diagnostics;
  assert.deepEqual(inBlock.map((d) => d.code), ['VN-SYNTAX-CONTEXT']);
  assert.match(inBlock[0].message, /`route` is not allowed here/);
  const unknownInBlock = compileVnet('lab x\nhost { dummy d0 { adress 10.0.0.1/24 } }\n').diagnostics;
  assert.deepEqual(unknownInBlock.map((d) => [d.code, d.fixes?.[0]?.title]), [['VN-SYNTAX-UNKNOWN', 'Change to `address`']]);
  const unclosed = parse('lab x\nhost {\n  dummy d0 {\n    address 10.0.0.1/24\n');
  assert.deepEqual(unclosed.problems.map((p) => p.code), ['VN-SYNTAX-UNCLOSED', 'VN-SYNTAX-UNCLOSED']);
  const keyword = parse('lab x\nnamespace n {\n  dummy d0 {\n    address 10.0.0.1/24\n  }\n  nat masquerade out d0\n}\n');
  assert.deepEqual(keyword.problems, []);
  assert.deepEqual((keyword.statements[1] as PlaceStatement).body!.statements.map((s) => s.kind), ['dummy', 'nat']);
});

test('binding: a dummy is an interface symbol of its namespace, named by the kernel\'s rules, declared once', () => {
  const model = analyze('lab x\nnamespace n {\n  dummy d0 { address 10.0.0.1/24 }\n  address d0 10.0.1.1/24\n  route 10.9.0.0/16 dev d0\n}\n');
  const iface = model.machines[0].places.get('n')!.interfaces.get('d0')!;
  assert.equal(iface.kind, 'dummy');
  assert.equal(iface.symbol.kind, 'interface');
  assert.equal(iface.symbol.renamable, true);
  assert.equal(iface.declaration?.kind, 'dummy');
  assert.deepEqual(iface.addresses.map((a) => a.node.text), ['10.0.0.1/24', '10.0.1.1/24']);
  assert.equal(iface.symbol.references.length, 2, 'address and route dev refer to it');
  assert.deepEqual(model.problems, []);

  assert.deepEqual(messages('lab x\nhost {\n  dummy d0\n  dummy d0\n}\n', 'VN-NAME-DUPLICATE'),
    ['There is already a dummy interface "d0" in host (line 3). Give this dummy interface another name.']);
  assert.deepEqual(messages('lab x\nhost {\n  bridge d0\n  dummy d0\n}\n', 'VN-NAME-DUPLICATE'),
    ['There is already a bridge "d0" in host (line 3). Give this dummy interface another name.']);
  assert.deepEqual(messages('lab x\nhost { dummy d0 }\nnamespace n\nveth n:v -- host:d0\n', 'VN-NAME-DUPLICATE'),
    ['host already has a dummy interface called "d0". Give this veth end another name.']);
  assert.deepEqual(messages('lab x\nhost { dummy lo }\n', 'VN-NAME-RESERVED'), ['"lo" is the loopback interface of every namespace. Choose another dummy interface name.']);
  assert.deepEqual(codes('lab x\nhost { dummy abcdefghijklmnop }\n'), ['VN-NAME-LONG']);
  assert.deepEqual(codes('lab x\nhost { dummy "a b" }\n'), ['VN-NAME-CHARS']);
  assert.deepEqual(codes('lab x\nhost { dummy "a:b" }\n'), ['VN-NAME-CHARS']);
});

test('a veth end cannot be placed on a dummy: it is not a bridge', () => {
  for (const end of ['d0:p', 'n/d0:p']) {
    const found = compileVnet(`lab x\nnamespace n { dummy d0 }\nnamespace m\nveth m:v -- ${end}\n`).diagnostics;
    assert.deepEqual(found.map((d) => d.code), ['VN-NAME-UNKNOWN'], end);
    assert.equal(found[0].message, 'dummy interface d0 in n is not a bridge, so no veth end can be placed on it. Write `host`, a namespace or a bridge before the ":".');
  }
  // Go to definition still works from the place it was misused in.
  const text = 'lab x\nnamespace n { dummy d0 }\nnamespace m\nveth m:v -- d0:p\n';
  const model = analyze(text);
  const iface = model.machines[0].places.get('n')!.interfaces.get('d0')!;
  assert.deepEqual(iface.symbol.references.map((r) => text.slice(r.start, r.end)), ['d0']);
});

test('lowers to an interface of kind dummy: up unless written down, with its MTU and addresses; routes and NAT may name it', () => {
  const text = [
    'lab x',
    'host {',
    '  forwarding on',
    '  dummy svc0 { address 10.255.0.1/32 FD00:FF::1/128; mtu 1400 }',
    '  route 10.9.0.0/16 dev svc0',
    '  nat masquerade src 10.0.0.0/24 not-out svc0',
    '}',
    'namespace n {',
    '  dummy d0',
    '  dummy spare { down }',
    '  address d0 10.7.0.1/24',
    '  link d0 mtu 9000',
    '}',
  ].join('\n');
  const result = compileVnet(text);
  assert.deepEqual(result.diagnostics, []);
  const host = namespaceOf(result.lab!, 'host');
  assert.deepEqual(host.interfaces, [dummy('svc0', { mtu: 1400, addresses: ['10.255.0.1/32', 'fd00:ff::1/128'] })]);
  assert.deepEqual(host.routes, [{ to: '10.9.0.0/16', via: null, dev: 'svc0' }]);
  assert.deepEqual(host.nat.map((r) => r.rule), ['-A POSTROUTING -s 10.0.0.0/24 ! -o svc0 -j MASQUERADE']);
  const n = namespaceOf(result.lab!, 'n');
  assert.deepEqual(n.interfaces, [dummy('d0', { mtu: 9000, addresses: ['10.7.0.1/24'] }), dummy('spare', { state: 'down' })]);
});

test('checks on interfaces apply to dummies; bridge checks do not', () => {
  assert.deepEqual(codes('lab x\nhost { dummy d0 { mtu 40 } }\n'), ['VN-LINK-MTU']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 { address fd00::1/64; mtu 1200 } }\n'), ['VN-LINK-MTU']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 { mtu 1400; mtu 1500 } }\n'), ['VN-LINK-CONFLICT']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 { down }\n link d0 up }\n'), ['VN-LINK-CONFLICT']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 { address 10.0.0.0/24 } }\n'), ['VN-ADDR-NETWORK']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 { address 10.0.0.1 } }\n'), ['VN-ADDR-INVALID']);
  const overlap = 'lab x\nhost {\n  dummy d0 { address 10.0.0.1/24 }\n  dummy d1 { address 10.0.0.1/16 }\n}\n';
  assert.deepEqual(codes(overlap), ['VN-ADDR-DUPLICATE']);
  const shared = 'lab x\nnamespace n {\n  dummy d0 { address 10.0.0.1/24 }\n  address v 10.0.0.2/24\n}\nveth n:v -- host:w\n';
  assert.deepEqual(codes(shared), ['VN-ROUTE-SUBNET-SHARED']);
  assert.deepEqual(codes('lab x\nnamespace n {\n  dummy d0\n  route 10.0.0.0/8 dev d1\n}\n'), ['VN-NAME-UNKNOWN']);
  assert.deepEqual(codes('lab x\nhost { dummy d0 }\n'), [], 'a dummy with no ports is no empty bridge');
});

test('the formatter indents a dummy block like any block', () => {
  const messy = 'lab x\nhost{\ndummy   d0{address 10.0.0.1/24 ;mtu   1400}\n   dummy d1 {\n down\n}\n}\n';
  const expected = 'lab x\nhost {\n  dummy d0 { address 10.0.0.1/24; mtu 1400 }\n  dummy d1 {\n    down\n  }\n}\n';
  assert.equal(formatVnet(messy), expected);
  assert.equal(formatVnet(expected), expected);
});

test('a live host with dummies prints as dummy statements that compile back to the same Topology', () => {
  const root = emptyNamespace('host', true);
  const ns = emptyNamespace('svc');
  root.interfaces = [
    dummy('svc0', { addresses: ['10.255.0.1/32', 'fd00:ff::1/128'], mtu: 1400 }),
    { name: 'br0', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: ['10.1.0.1/24'], master: null, peer: null },
    dummy('spare', { state: 'down' }),
  ];
  root.routes = [{ to: '10.9.0.0/16', via: null, dev: 'svc0' }];
  ns.interfaces = [dummy('dummy', { addresses: ['10.7.0.1/24'] }), dummy('d-1', { state: 'down', mtu: 9000, addresses: ['10.8.0.1/24'] })];
  const lab: Lab = { name: 'd', hosts: [{ name: 'host', target: null, topology: { schema: STATE_SCHEMA, host: 'host', namespaces: [root, ns] } }] };
  const text = printLab(lab);
  assert.match(text, /^ {2}dummy svc0 \{\n {4}address 10\.255\.0\.1\/32 fd00:ff::1\/128\n {4}mtu 1400\n {2}\}$/m);
  assert.match(text, /^ {2}dummy spare \{ down \}$/m);
  assert.match(text, /^ {2}dummy "dummy" \{ address 10\.7\.0\.1\/24 \}$/m, 'a name that is a keyword is quoted');
  assert.match(text, /^ {2}route 10\.9\.0\.0\/16 dev svc0$/m);
  assert.doesNotMatch(text, /not expressible/);
  const compiled = compileVnet(text);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), [], text);
  const sortByName = (list: NetInterface[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
  for (const original of [root, ns]) {
    const again = namespaceOf(compiled.lab!, original.name);
    assert.deepEqual(sortByName(again.interfaces), sortByName(original.interfaces), text);
    assert.deepEqual(again.routes, original.routes);
  }
  assert.equal(printLab(compiled.lab!), text, 'printing is stable');
  assert.equal(formatVnet(text), text, 'printed text is already formatted');
});

test('round trip: a file with dummies lowers, prints and parses back to the same Topology', () => {
  const text = 'lab rt\nhost {\n  forwarding on\n  dummy lb0 { address 192.0.2.10/32; mtu 1400 }\n  nat dnat tcp 80 to 192.0.2.10:8080 not-in lb0\n}\nnamespace n {\n  dummy d0 { down }\n  address d0 10.7.0.1/24\n  address v 10.1.0.2/24\n  route 10.8.0.0/16 dev d0\n}\nveth n:v -- host:w\n';
  const first = compileVnet(text);
  assert.deepEqual(first.diagnostics.filter((d) => d.severity === 'error'), []);
  const printed = printLab(first.lab!);
  const second = compileVnet(printed);
  assert.deepEqual(second.diagnostics.filter((d) => d.severity === 'error'), [], printed);
  const sorted = (lab: Lab) => lab.hosts[0].topology.namespaces.map((n) => ({ ...n, interfaces: [...n.interfaces].sort((a, b) => a.name.localeCompare(b.name)) }));
  assert.deepEqual(sorted(second.lab!), sorted(first.lab!), printed);
  assert.equal(namespaceOf(second.lab!, 'n').interfaces.find((i) => i.name === 'd0')!.state, 'down');
});

test('a dummy that is a port of a bridge prints with a note, as a bridge in a bridge does', () => {
  const root = emptyNamespace('host', true);
  root.interfaces = [
    { name: 'br0', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null },
    dummy('d0', { master: 'br0' }),
  ];
  const text = printLab({ name: 'p', hosts: [{ name: 'host', target: null, topology: { schema: STATE_SCHEMA, host: 'host', namespaces: [root] } }] });
  assert.match(text, /^ {2}dummy d0$/m);
  assert.match(text, /# dummy d0 is a port of br0; VNet cannot express that/);
});
