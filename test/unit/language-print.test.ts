import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { compileVnet } from '../../src/language/index';
import { printLab } from '../../src/language/print';
import { formatVnet } from '../../src/language/format';
import { parseNatRule, renderNatRule } from '../../src/model/nat';
import { emptyNamespace, STATE_SCHEMA, type Lab, type NatRule, type NetInterface } from '../../src/model/topology';

const ROOT = join(__dirname, '..', '..');

/**
 * Labs compare "modulo ordering": namespaces, interfaces and chains sorted; rules kept in chain order.
 * An expectation's line and text say where and how it was written, not what it says: left out.
 */
function normalise(lab: Lab): Lab {
  const copy: Lab = JSON.parse(JSON.stringify(lab));
  for (const expectation of copy.expectations ?? []) { expectation.line = null; expectation.text = ''; }
  for (const host of copy.hosts) {
    host.topology.namespaces.sort((a, b) => a.name.localeCompare(b.name));
    for (const ns of host.topology.namespaces) {
      ns.interfaces.sort((a, b) => a.name.localeCompare(b.name));
      ns.natChains.sort();
      ns.nat.sort((a, b) => a.chain.localeCompare(b.chain)); // stable: keeps order within a chain
      // The kernel's own routes follow from the interfaces (lowering derives them); a lab built by hand has none.
      delete ns.kernelRoutes;
    }
  }
  return copy;
}

function roundTrip(lab: Lab): string {
  const text = printLab(lab);
  const result = compileVnet(text);
  assert.deepEqual(normalise(result.lab!), normalise(lab), text);
  assert.equal(formatVnet(text), text, 'printed text is already formatted');
  assert.equal(printLab(result.lab!), text, 'printing is stable');
  return text;
}

test('every example survives compile → print → compile', () => {
  const dir = join(ROOT, 'examples/');
  const files = readdirSync(dir).filter((f) => f.endsWith('.vnet'));
  assert.equal(files.length, 8);
  for (const file of files) roundTrip(compileVnet(readFileSync(join(dir, file), 'utf8')).lab!);
});

function veth(name: string, peerNs: string, peer: string, extra: Partial<NetInterface> = {}): NetInterface {
  return { name, kind: 'veth', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: { namespace: peerNs, interface: peer }, ...extra };
}

function rule(line: string): NatRule {
  const parsed = parseNatRule(line)!;
  return { ...parsed, rule: renderNatRule(parsed) };
}

test('odd but legal live state prints as source that compiles back to it', () => {
  const root = emptyNamespace('host', true);
  const odd = emptyNamespace('my "odd" ns#1');
  const other = emptyNamespace('br0'); // a namespace named like a bridge: ports must be qualified
  const tricky = emptyNamespace('ns:with/colon'.replace('/', '-'));
  root.forwarding = true;
  root.forwardPolicy = 'DROP';
  root.interfaces = [
    { name: 'lo', kind: 'loopback', state: 'up', mtu: null, mac: null, addresses: ['127.0.0.1/8', '::1/128'], master: null, peer: null },
    { name: 'br0', kind: 'bridge', state: 'up', mtu: 1400, mac: null, addresses: ['10.1.0.1/24', 'fd00:1::1/64'], master: null, peer: null },
    veth('p1', 'my "odd" ns#1', 'e 1', { master: 'br0' }),
    veth('host', 'br0', 'x', { addresses: ['10.2.0.1/30'], state: 'down', mtu: 9000 }),
  ];
  root.routes = [{ to: '10.9.0.0/16', via: '10.1.0.2', dev: null }, { to: 'fd00:9::/64', via: null, dev: 'br0' }];
  root.natChains = ['user chain', 'c2'];
  root.nat = [
    rule('-A POSTROUTING -s 10.1.0.0/24 ! -o br0 -j MASQUERADE'),
    rule('-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8000:8010 -j DNAT --to-destination 10.1.0.2:80'),
    rule('-A PREROUTING -p udp -m udp --dport 53 -j DNAT --to-destination 10.1.0.2'),
    rule('-A OUTPUT -d 10.9.9.9/32 -j DNAT --to-destination 10.1.0.2:80'),
    rule('-A user\\ chain -p icmp -j ACCEPT'.replace('user\\ chain', '"user chain"')),
    rule('-A "user chain" -s 10.1.0.0/24 -j RETURN'),
    rule('-A POSTROUTING -s 10.1.0.2/32 -j "user chain"'),
    rule('-A POSTROUTING -o eth+ -j SNAT --to-source 192.0.2.1'),
  ];
  odd.interfaces = [
    { name: 'lo', kind: 'loopback', state: 'down', mtu: null, mac: null, addresses: [], master: null, peer: null },
    veth('e 1', 'host', 'p1', { addresses: ['10.1.0.2/24', 'fd00:1::2/64'] }),
  ];
  odd.routes = [{ to: 'default', via: '10.1.0.1', dev: 'e 1' }];
  other.interfaces = [
    { name: 'br0', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null },
    veth('x', 'host', 'host', { master: 'br0', addresses: [] }),
  ];
  tricky.forwarding = true;
  const lab: Lab = { name: 'odd-lab', hosts: [{ name: 'host', target: 'me@[fd00::1]', topology: { schema: STATE_SCHEMA, host: 'me@[fd00::1]', namespaces: [root, odd, other, tricky] } }] };
  const text = roundTrip(lab);
  assert.match(text, /namespace "my \\"odd\\" ns#1"/);
  assert.match(text, /veth "my \\"odd\\" ns#1":"e 1" -- host\/br0:p1/);
  assert.match(text, /nat chain "user chain" \{/);
  assert.match(text, /host \{\n  forwarding on\n  forward-policy drop\n  loopback up\n  address lo 127\.0\.0\.1\/8 ::1\/128\n/);
  assert.match(text, /nat chain OUTPUT \{\n {4}dnat to 10\.1\.0\.2:80 dst 10\.9\.9\.9\n/);
});

test('a namespace named like a bridge: its own ends print plainly, the bridge\'s ports in full, and the file has no errors', () => {
  const root = emptyNamespace('host', true);
  const named = emptyNamespace('br0');
  const n1 = emptyNamespace('n1');
  root.interfaces = [
    { name: 'br0', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null },
    veth('p1', 'n1', 'e1', { master: 'br0' }),
    veth('to-ns', 'br0', 'e0'),
  ];
  named.interfaces = [veth('e0', 'host', 'to-ns')];
  n1.interfaces = [veth('e1', 'host', 'p1')];
  const lab: Lab = { name: 'shadow', hosts: [{ name: 'host', target: null, topology: { schema: STATE_SCHEMA, host: 'host', namespaces: [root, named, n1] } }] };
  const text = roundTrip(lab);
  assert.match(text, /veth br0:e0 -- host:to-ns/);
  assert.match(text, /veth host\/br0:p1 -- n1:e1|veth n1:e1 -- host\/br0:p1/);
  const diagnostics = compileVnet(text).diagnostics;
  assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), [], text);
  assert.ok(diagnostics.some((d) => d.code === 'VN-NAME-SHADOWED' && d.severity === 'warning'), 'the reader is told which one it means');
});

test('multi-host labs print as machine blocks', () => {
  const a = emptyNamespace('host', true);
  a.forwarding = true;
  const lab: Lab = {
    name: 'two',
    hosts: [
      { name: 'a', target: 'root@10.0.2.15', topology: { schema: STATE_SCHEMA, host: 'root@10.0.2.15', namespaces: [a, emptyNamespace('ns1')] } },
      { name: 'b', target: null, topology: { schema: STATE_SCHEMA, host: 'b', namespaces: [emptyNamespace('host', true)] } },
    ],
  };
  const text = roundTrip(lab);
  assert.match(text, /^lab two\n\nmachine a ssh root@10\.0\.2\.15 \{\n {2}host \{\n {4}forwarding on\n {2}\}\n\n {2}namespace ns1\n\}\n\nmachine b \{\n\}\n$/);
});

test('what the language cannot express stays visible as a comment', () => {
  const root = emptyNamespace('host', true);
  root.interfaces = [
    { name: 'vx0', kind: 'vxlan', state: 'up', mtu: null, mac: null, addresses: ['10.5.0.1/24'], master: null, peer: null },
    { name: 'wg0', kind: 'other', linkKind: 'wireguard', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null },
    veth('vethabc', 'gone', 'eth0'),
  ];
  root.nat = [parseNatRule('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER')!, parseNatRule('-A POSTROUTING -j LOG --log-prefix x')!];
  root.natChains = ['DOCKER'];
  const text = printLab({ name: 'live', hosts: [{ name: 'host', target: null, topology: { schema: STATE_SCHEMA, host: 'local', namespaces: [root] } }] });
  assert.match(text, /# VXLAN tunnel vx0 \(10\.5\.0\.1\/24\): not expressible in \.vnet/);
  assert.match(text, /# wireguard interface wg0: not expressible in \.vnet/);
  assert.match(text, /# veth vethabc: its peer gone:eth0 is not among the namespaces read/);
  assert.match(text, /# not expressible in \.vnet: -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER/);
  assert.match(text, /# not expressible in \.vnet: -A POSTROUTING -j LOG --log-prefix x/);
  const compiled = compileVnet(text);
  assert.deepEqual(compiled.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(compiled.lab!.hosts[0].topology.namespaces[0].natChains, ['DOCKER']);
});
