import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileVnet } from '../../src/language/index';
import { CODES } from '../../src/language/diagnostics';

const ROOT = join(__dirname, '..', '..');

function diagnostics(text: string) {
  return compileVnet(text).diagnostics;
}

function codes(text: string): string[] {
  return diagnostics(text).map((d) => d.code);
}

/** For every stable code, a file that makes exactly that mistake. */
const CASES: Record<string, string> = {
  'VN-SYNTAX-STRING': 'lab x\nnamespace "abc\n',
  'VN-SYNTAX-BRACE': 'lab x\n}\n',
  'VN-SYNTAX-UNCLOSED': 'lab x\nnamespace a {\n',
  'VN-SYNTAX-UNKNOWN': 'lab x\nnamespce a\n',
  'VN-SYNTAX-CONTEXT': 'lab x\nroute default via 10.0.0.1\n',
  'VN-SYNTAX-MISSING': 'lab x\nnamespace a\nveth a:x\n',
  'VN-SYNTAX-EXTRA': 'lab x extra\n',
  'VN-SYNTAX-VALUE': 'lab x\nhost { forwarding yes }\n',
  'VN-SYNTAX-ENDPOINT': 'lab x\nnamespace a\nveth a -- host:b\n',
  'VN-LAB-MISSING': 'namespace a\n',
  'VN-LAB-DUPLICATE': 'lab x\nlab y\n',
  'VN-LAB-SSH': 'lab x ssh root@h\nmachine a ssh root@a {\n  namespace n\n}\n',
  'VN-MACHINE-MIXED': 'lab x\nmachine a {\n}\nnamespace b\n',
  'VN-SSH-TARGET': 'lab x ssh -oProxyCommand=touch\n',
  'VN-SETTING-DUPLICATE': 'lab x\nhost {\n  forwarding on\n  forwarding off\n}\n',
  'VN-NAME-LAB': 'lab "bad name"\n',
  'VN-NAME-EMPTY': 'lab x\nnamespace ""\n',
  'VN-NAME-LONG': 'lab x\nnamespace a\nveth a:abcdefghijklmnop -- host:b\n',
  'VN-NAME-CHARS': 'lab x\nnamespace a\nveth a:"x y" -- host:b\n',
  'VN-NAME-CHAIN': 'lab x\nhost {\n  nat chain "bad chain"\n}\n',
  'VN-NAME-UNKNOWN': 'lab x\nveth nope:x -- host:y\n',
  'VN-NAME-DUPLICATE': 'lab x\nnamespace a\nnamespace a\n',
  'VN-NAME-RESERVED': 'lab x\nnamespace "host"\n',
  'VN-NAME-AMBIGUOUS': 'lab x\nhost { bridge a }\nnamespace n { bridge a }\nveth a:x -- host:y\n',
  'VN-NAME-SHADOWED': 'lab x\nhost { bridge a }\nnamespace a\nveth a:x -- host:y\n',
  'VN-NAME-EXTERNAL': 'lab x\nhost { route 10.0.0.0/8 dev eth0 }\n',
  'VN-LINK-REUSED': 'lab x\nnamespace a\nnamespace b\nveth a:x -- b:y\nveth a:x -- b:z\n',
  'VN-LINK-CONFLICT': 'lab x\nnamespace a {\n  link x mtu 1400\n  link x mtu 1500\n}\nveth a:x -- host:y\n',
  'VN-LINK-MTU': 'lab x\nnamespace a { link x mtu 20 }\nveth a:x -- host:y\n',
  'VN-ADDR-INVALID': 'lab x\nnamespace a { address x 10.0.0.1 }\nveth a:x -- host:y\n',
  'VN-ADDR-HOSTBITS': 'lab x\nnamespace a {\n  address x 10.0.0.2/24\n  route 10.1.0.5/16 via 10.0.0.1\n}\nnamespace b { address y 10.0.0.1/24\n forwarding on }\nveth a:x -- b:y\n',
  'VN-ADDR-NETWORK': 'lab x\nnamespace a { address x 10.0.0.0/24 }\nnamespace b { address y 10.0.0.1/24 }\nveth a:x -- b:y\n',
  'VN-ADDR-DUPLICATE': 'lab x\nnamespace a { address x 10.0.0.1/24 }\nnamespace b { address y 10.0.0.1/24 }\nveth a:x -- b:y\n',
  'VN-ADDR-FAMILY': 'lab x\nnamespace a {\n  address x 10.0.0.2/24\n  route fd00::/64 via 10.0.0.1\n}\nnamespace b { address y 10.0.0.1/24 }\nveth a:x -- b:y\n',
  'VN-ROUTE-SUBNET-SHARED': 'lab x\nnamespace a { address x 10.0.0.1/24\n address z 10.0.0.2/24 }\nnamespace b { address y 10.0.0.3/24 }\nnamespace c { address w 10.0.0.4/24 }\nveth a:x -- b:y\nveth a:z -- c:w\n',
  'VN-ROUTE-GATEWAY': 'lab x\nnamespace a {\n  address x 10.0.0.2/24\n  route default via 10.9.0.1\n}\nnamespace b { address y 10.0.0.1/24 }\nveth a:x -- b:y\n',
  'VN-ROUTE-GATEWAY-EXTERNAL': 'lab x\nhost { route 10.9.0.0/16 via 192.168.1.1 }\n',
  'VN-ROUTE-GATEWAY-SELF': 'lab x\nnamespace a {\n  address x 10.0.0.2/24\n  route default via 10.0.0.2\n}\nnamespace b { address y 10.0.0.1/24 }\nveth a:x -- b:y\n',
  'VN-ROUTE-DUPLICATE': 'lab x\nnamespace a {\n  address x 10.0.0.2/24\n  route default via 10.0.0.1\n  route default via 10.0.0.1\n}\nnamespace b { address y 10.0.0.1/24\n forwarding on }\nveth a:x -- b:y\n',
  'VN-ROUTE-NO-EGRESS': 'lab x\nhost {\n  forwarding on\n  address y 10.0.0.1/24\n  nat masquerade src 10.0.0.0/24\n}\nnamespace a { address x 10.0.0.2/24 }\nveth a:x -- host:y\n',
  'VN-FORWARDING-OFF': 'lab x\nhost {\n  address y 10.0.0.1/24\n  nat masquerade src 10.0.0.0/24\n}\nnamespace a {\n  address x 10.0.0.2/24\n  route default via 10.0.0.1\n}\nveth a:x -- host:y\n',
  'VN-FORWARD-POLICY-DROP': 'lab x\nhost {\n  forwarding on\n  forward-policy drop\n}\n',
  'VN-NAT-TO': 'lab x\nhost {\n  forwarding on\n  nat dnat tcp 80\n}\n',
  'VN-NAT-PORT': 'lab x\nhost {\n  forwarding on\n  address y 10.0.0.1/24\n  nat dnat tcp 99999 to 10.0.0.2:80\n}\nnamespace a { address x 10.0.0.2/24\n route default via 10.0.0.1 }\nveth a:x -- host:y\n',
  'VN-NAT-TARGET-AMBIGUOUS': 'lab x\nnamespace a\nhost {\n  forwarding on\n  nat dnat tcp 80 to a:80\n}\n',
  'VN-NAT-TARGET-SUBNET': 'lab x\nhost {\n  forwarding on\n  nat dnat tcp 80 to 8.8.8.8:80\n}\n',
  'VN-NAT-TARGET-UNUSED': 'lab x\nhost {\n  forwarding on\n  address y 10.0.0.1/24\n  nat dnat tcp 80 to 10.0.0.77:80\n}\nnamespace a { address x 10.0.0.2/24 }\nveth a:x -- host:y\n',
  'VN-NAT-DUPLICATE-PORT': 'lab x\nhost {\n  forwarding on\n  address y 10.0.0.1/24\n  nat dnat tcp 80 to 10.0.0.2:80\n  nat dnat tcp 80 to 10.0.0.2:8080\n}\nnamespace a { address x 10.0.0.2/24 }\nveth a:x -- host:y\n',
  'VN-BRIDGE-EMPTY': 'lab x\nhost { bridge br0 }\n',
  'VN-BRIDGE-ONE-PORT': 'lab x\nhost { bridge br0 }\nnamespace a\nveth a:x -- br0:p\n',
  'VN-IMPAIR-VALUE': 'lab x\nnamespace a\nveth a:x -- host:y { loss 150% }\n',
  'VN-IMPAIR-DUPLICATE': 'lab x\nnamespace a\nveth a:x -- host:y {\n  delay 1ms\n  -> delay 2ms\n}\n',
  'VN-IMPAIR-NEEDS': 'lab x\nnamespace a\nveth a:x -- host:y { -> jitter 1ms }\n',
  'VN-IMPAIR-EXTERNAL': 'lab x\nhost { impair eth0 delay 20ms }\n',
  'VN-BRIDGE-PORT-ADDRESS': 'lab x\nhost {\n  bridge br0\n  address p 10.0.0.1/24\n}\nnamespace a { address x 10.0.0.2/24 }\nnamespace b\nveth a:x -- br0:p\nveth b:x -- br0:q\n',
  'VN-EXPECT-UNKNOWN': 'lab x\nnamespace a\nexpect a reaches b\n',
  'VN-EXPECT-AMBIGUOUS': 'lab x\nmachine m1 {\n  namespace a\n}\nmachine m2 {\n  namespace a\n}\nexpect a reaches m2/a\n',
  'VN-EXPECT-ADDRESS': 'lab x\nnamespace a\nexpect a reaches 10.0.0.300\n',
  'VN-EXPECT-PORT': 'lab x\nnamespace a\nnamespace b\nexpect a reaches b:70000\n',
  'VN-EXPECT-LANDS': 'lab x\nnamespace a\nnamespace b\nexpect a reaches b lands on b\n',
  'VN-EXPECT-FAILS': 'lab x\nnamespace a { address x 10.0.0.1/24 }\nnamespace b { address y 10.0.0.2/24 }\nveth a:x -- b:y\nexpect a does not reach b\n',
  'VN-EXPECT-UNCERTAIN': 'lab x\nhost {\n  bridge br0 { address 10.0.0.1/24 }\n  address v 10.0.0.2/24\n}\nnamespace a { address x 10.0.0.3/24 }\nnamespace b { address y 10.0.0.4/24 }\nnamespace c { address z 10.0.0.5/24 }\nveth host:v -- a:x\nveth br0:p -- b:y\nveth br0:q -- c:z\nexpect b reaches host\n',
  'VN-EXPECT-UNCHECKED': 'lab x\nnamespace a { address x 10.0.0.1/24 }\nexpect 192.0.2.1 reaches a\n',
};

test('every code in the table has a case, and every case raises its code', () => {
  assert.deepEqual(Object.keys(CASES).sort(), Object.keys(CODES).sort());
  for (const [code, text] of Object.entries(CASES)) {
    const found = diagnostics(text);
    const hit = found.find((d) => d.code === code);
    assert.ok(hit, `${code} not raised by:\n${text}\ngot: ${found.map((d) => d.code).join(', ')}`);
    assert.equal(hit.severity === 'error' || hit.severity === 'warning' || hit.severity === 'info', true);
    assert.ok(hit.message.length > 20, `${code} message says what to do`);
  }
});

test('docs/language.md documents every code', () => {
  const docs = readFileSync(join(ROOT, 'docs/language.md'), 'utf8');
  for (const code of [...Object.keys(CODES), 'VN-CHECK-READ']) assert.ok(docs.includes(code), `${code} missing from docs/language.md`);
});

test('the scenario examples check without errors', () => {
  for (const name of ['a-bridge-nat', 'b-bridge-gateway', 'c-net1', 'd-veth-pair', 'e-bridge-three', 'f-router', 'g-two-hosts', 'h-cni-chain']) {
    const text = readFileSync(join(ROOT, `examples/${name}.vnet`), 'utf8');
    const errors = diagnostics(text).filter((d) => d.severity === 'error');
    assert.deepEqual(errors, [], name);
  }
});

test('scenario A warns why it only partly works: one subnet on two interfaces, and no way out', () => {
  const text = readFileSync(join(ROOT, 'examples/a-bridge-nat.vnet'), 'utf8');
  const found = diagnostics(text);
  const shared = found.filter((d) => d.code === 'VN-ROUTE-SUBNET-SHARED');
  assert.equal(shared.length, 1);
  assert.equal(shared[0].severity, 'warning');
  assert.match(shared[0].message, /172\.16\.0\.0\/24 is on both br0 .* and veth1 in host/);
  const egress = found.filter((d) => d.code === 'VN-ROUTE-NO-EGRESS').map((d) => d.message);
  assert.equal(egress.length, 2);
  assert.match(egress[0], /netns1 .*route default via 172\.16\.0\.1`/);
  assert.match(egress[1], /netns3 .*route default via 172\.16\.0\.100`/);
});

test('scenario A states the tutorial\'s claims: two fail with the reason; the tie is the apply\'s order, and only rp_filter is assumed', () => {
  const text = readFileSync(join(ROOT, 'examples/a-bridge-nat.vnet'), 'utf8');
  const lines = text.split('\n');
  const found = diagnostics(text).filter((d) => d.code.startsWith('VN-EXPECT'));
  const on = (d: { range: { start: { line: number } } }) => lines[d.range.start.line].replace(/\s*#.*$/, '');
  const failed = found.filter((d) => d.code === 'VN-EXPECT-FAILS');
  assert.deepEqual(failed.map(on), ['expect netns1 reaches 10.0.1.26', 'expect netns3 reaches 10.0.1.26']);
  assert.match(failed[0].message, /dropped in netns1: no route to 10\.0\.1\.26/);
  assert.deepEqual(failed[0].fixes?.map((f) => f.title), ['Add `route default via 172.16.0.1` to netns1']);
  assert.deepEqual(failed[1].fixes?.map((f) => f.title), ['Add `route default via 172.16.0.100` to netns3']);
  const uncertain = found.filter((d) => d.code === 'VN-EXPECT-UNCERTAIN');
  // The two routes to 172.16.0.0/24 are in the order an apply makes them (veth1's first): no guess about
  // them; what is left assumed is rp_filter, for packets that come in by br0 and whose way back is veth1.
  assert.deepEqual(uncertain.map(on), ['expect netns2 reaches host', 'expect netns2 reaches 10.0.1.26']);
  for (const d of uncertain) {
    assert.match(d.message, /rp_filter strict: the route back to 172\.16\.0\.102 leaves by veth1, not by br0/);
    assert.doesNotMatch(d.message, /tie/);
  }
  assert.ok(!found.some((d) => /netns1 reaches host|host reaches netns1/.test(on(d))), 'netns1 and the host reach each other over veth1');
  assert.deepEqual(found.filter((d) => d.code === 'VN-EXPECT-UNCHECKED').map(on), ['expect 10.0.1.26 reaches host:8088 lands on netns2:80']);
  // netns2 ⇄ netns3 over br0 holds: no diagnostic on those lines.
  assert.ok(!found.some((d) => /netns2 reaches netns3|netns3 reaches netns2/.test(on(d))));
});

test('clean scenarios raise nothing but the expected notes', () => {
  // The expectations that leave the lab (the LAN peer, the other host) cannot be settled by a file: notes.
  const expect: Record<string, string[]> = {
    'b-bridge-gateway': ['VN-EXPECT-UNCHECKED', 'VN-EXPECT-UNCHECKED'],
    'd-veth-pair': [],
    'e-bridge-three': [],
    'f-router': [],
    'c-net1': ['VN-BRIDGE-ONE-PORT', 'VN-EXPECT-UNCHECKED', 'VN-EXPECT-UNCHECKED'],
    'h-cni-chain': ['VN-BRIDGE-ONE-PORT', 'VN-EXPECT-UNCHECKED'],
    'g-two-hosts': ['VN-ROUTE-GATEWAY-EXTERNAL', 'VN-ROUTE-GATEWAY-EXTERNAL', 'VN-EXPECT-UNCHECKED', 'VN-EXPECT-UNCHECKED'],
  };
  for (const [name, expected] of Object.entries(expect)) {
    const text = readFileSync(join(ROOT, `examples/${name}.vnet`), 'utf8');
    assert.deepEqual(codes(text), expected, name);
  }
});

test('messages name the problem and the way out', () => {
  const [long] = diagnostics(CASES['VN-NAME-LONG']).filter((d) => d.code === 'VN-NAME-LONG');
  assert.match(long.message, /16 bytes; Linux allows at most 15/);
  const [gateway] = diagnostics(CASES['VN-ROUTE-GATEWAY']).filter((d) => d.code === 'VN-ROUTE-GATEWAY');
  assert.match(gateway.message, /10\.9\.0\.1 is on none of a's subnets \(10\.0\.0\.0\/24 on x\)/);
  assert.match(gateway.message, /10\.0\.0\.1/);
  const [reused] = diagnostics(CASES['VN-LINK-REUSED']).filter((d) => d.code === 'VN-LINK-REUSED');
  assert.match(reused.message, /a:x is already an end of the veth pair on line 4/);
  const [unknown] = diagnostics('lab x\nnamespace red\nveth rde:x -- host:y\n').filter((d) => d.code === 'VN-NAME-UNKNOWN');
  assert.match(unknown.message, /did you mean red\?/);
});

test('ranges point at the offending text (0-based lines and characters)', () => {
  const [d] = diagnostics('lab x\nnamespce a\n').filter((x) => x.code === 'VN-SYNTAX-UNKNOWN');
  assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 8 } });
  const [hostBits] = diagnostics(CASES['VN-ADDR-HOSTBITS']).filter((x) => x.code === 'VN-ADDR-HOSTBITS');
  assert.deepEqual(hostBits.range, { start: { line: 3, character: 8 }, end: { line: 3, character: 19 } });
});

function applyFix(text: string, code: string, index = 0): string {
  const d = diagnostics(text).find((x) => x.code === code && x.fixes?.length);
  assert.ok(d, `no fix for ${code}`);
  const fix = d.fixes![index];
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const edits = [...fix.edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const edit of edits) out = out.slice(0, offset(edit.range.start)) + edit.newText + out.slice(offset(edit.range.end));
  return out;
}

test('quick fixes repair what they say', () => {
  assert.equal(codes(applyFix('lab x\nnamespce a\n', 'VN-SYNTAX-UNKNOWN')).length, 0);
  const fixedHostBits = applyFix(CASES['VN-ADDR-HOSTBITS'], 'VN-ADDR-HOSTBITS');
  assert.match(fixedHostBits, /route 10\.1\.0\.0\/16 via/);
  assert.ok(!codes(fixedHostBits).includes('VN-ADDR-HOSTBITS'));
  const forwarding = applyFix(CASES['VN-FORWARDING-OFF'], 'VN-FORWARDING-OFF');
  assert.deepEqual(codes(forwarding), []);
  const egress = applyFix(CASES['VN-ROUTE-NO-EGRESS'], 'VN-ROUTE-NO-EGRESS');
  assert.match(egress, /route default via 10\.0\.0\.1/);
  assert.deepEqual(codes(egress), []);
  const missingLab = applyFix('namespace a\n', 'VN-LAB-MISSING');
  assert.ok(missingLab.startsWith('lab my-lab\n'));
  assert.deepEqual(codes(missingLab), []);
  const unknownNs = applyFix('lab x\nveth nope:x -- host:y\n', 'VN-NAME-UNKNOWN');
  assert.deepEqual(codes(unknownNs), []);
  const prefix = applyFix(CASES['VN-ADDR-INVALID'], 'VN-ADDR-INVALID');
  assert.match(prefix, /address x 10\.0\.0\.1\/24/);
  const unclosed = applyFix(CASES['VN-SYNTAX-UNCLOSED'], 'VN-SYNTAX-UNCLOSED');
  assert.deepEqual(codes(unclosed), []);
  const natPrefix = applyFix('lab x\nhost {\n  forwarding on\n  masquerade src 10.0.0.0/8\n}\n', 'VN-SYNTAX-CONTEXT');
  assert.deepEqual(codes(natPrefix), []);
});

test('a gateway behind a namespace with forwarding off is reported, and forwarding on fixes it', () => {
  const text = 'lab x\nnamespace r {\n  address r1 10.0.1.1/24\n  address r2 10.0.2.1/24\n}\nnamespace a {\n  address x 10.0.1.2/24\n  route 10.0.2.0/24 via 10.0.1.1\n}\nnamespace b {\n  address y 10.0.2.2/24\n  route 10.0.1.0/24 via 10.0.2.1\n}\nveth a:x -- r:r1\nveth b:y -- r:r2\n';
  const found = diagnostics(text).filter((d) => d.code === 'VN-FORWARDING-OFF');
  assert.equal(found.length, 2);
  assert.match(found[0].message, /a routes through r \(10\.0\.1\.1\), but forwarding is off in r/);
  assert.deepEqual(codes(applyFix(text, 'VN-FORWARDING-OFF')), []);
});

test('a gateway on the right subnet but another link is caught', () => {
  const text = 'lab x\nhost {\n  forwarding on\n  bridge br0 { address 10.0.0.100/24 }\n  address v1 10.0.0.1/24\n}\nnamespace a {\n  address x 10.0.0.2/24\n  route default via 10.0.0.100\n}\nnamespace b { address y 10.0.0.3/24 }\nnamespace c { address z 10.0.0.4/24 }\nveth a:x -- host:v1\nveth b:y -- br0:p1\nveth c:z -- br0:p2\n';
  const found = diagnostics(text).filter((d) => d.code === 'VN-ROUTE-GATEWAY');
  assert.equal(found.length, 1);
  assert.match(found[0].message, /10\.0\.0\.100 belongs to bridge br0 in host, which is not on the same link as x/);
});

test('DNAT to a namespace resolves to its address; families and duplicate ports are checked', () => {
  const ambiguous = 'lab x\nhost {\n  forwarding on\n  nat dnat tcp 80 to a:80\n}\nnamespace a {\n  address x 10.0.0.2/24 10.0.0.3/24\n}\nveth a:x -- host:y\n';
  assert.match(diagnostics(ambiguous).find((d) => d.code === 'VN-NAT-TARGET-AMBIGUOUS')!.message, /several IPv4 addresses \(10\.0\.0\.2, 10\.0\.0\.3\)/);
  assert.ok(codes('lab x\nhost {\n  forwarding on\n  nat masquerade src fd00::/64\n}\n').includes('VN-ADDR-FAMILY'));
  assert.ok(codes('lab x\nhost {\n  forwarding on\n  nat dnat to 10.0.0.2:80\n}\n').includes('VN-NAT-PORT'));
  const differentIn = 'lab x\nhost {\n  forwarding on\n  address y 10.0.0.1/24\n  nat dnat tcp 80 to 10.0.0.2:80 in eth0\n  nat dnat tcp 80 to 10.0.0.2:80 in eth1\n}\nnamespace a { address x 10.0.0.2/24\n route default via 10.0.0.1 }\nveth a:x -- host:y\n';
  assert.deepEqual(codes(differentIn), []);
});

test('IPv4/IPv6 on the two ends of one link is a mismatch; dual stack is fine', () => {
  assert.ok(codes('lab x\nnamespace a { address x 10.0.0.1/24 }\nnamespace b { address y fd00::2/64 }\nveth a:x -- b:y\n').includes('VN-ADDR-FAMILY'));
  assert.deepEqual(codes('lab x\nnamespace a { address x 10.0.0.1/24 fd00::1/64 }\nnamespace b { address y fd00::2/64 }\nveth a:x -- b:y\n'), []);
});

test('names: quoted names may hold anything the kernel takes, and are checked like bare ones', () => {
  const text = 'lab x\nnamespace "my ns" { address "v#1" 10.0.0.1/24 }\nnamespace "a:b" { address v2 10.0.0.2/24 }\nveth "my ns":"v#1" -- "a:b":v2\n';
  assert.deepEqual(codes(text), []);
  assert.ok(codes('lab x\nnamespace "a/b"\n').includes('VN-NAME-CHARS'));
  assert.ok(codes('lab x\nnamespace a\nveth a:"x\\x01" -- host:y\n').includes('VN-NAME-CHARS'));
});
