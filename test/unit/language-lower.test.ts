import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileVnet } from '../../src/language/index';
import { natRuleKey, parseNatRule } from '../../src/model/nat';
import type { Lab, Namespace } from '../../src/model/topology';

const ROOT = join(__dirname, '..', '..');

function example(name: string): Lab {
  const result = compileVnet(readFileSync(join(ROOT, `examples/${name}.vnet`), 'utf8'));
  assert.ok(result.lab, name);
  return result.lab;
}

function ns(lab: Lab, name: string, host = 0): Namespace {
  const found = lab.hosts[host].topology.namespaces.find((n) => n.name === name);
  assert.ok(found, `namespace ${name}`);
  return found;
}

function iface(namespace: Namespace, name: string) {
  const found = namespace.interfaces.find((i) => i.name === name);
  assert.ok(found, `${namespace.name}:${name}`);
  return found;
}

/** The tutorial's iptables rules, as natRuleKey sees them, must be what the file lowers to. */
function assertRules(namespace: Namespace, tutorial: string[]): void {
  assert.deepEqual(
    namespace.nat.map((r) => natRuleKey(r)).sort(),
    tutorial.map((line) => natRuleKey(parseNatRule(line)!)).sort(),
  );
  for (const rule of namespace.nat) {
    assert.equal(rule.comment, null);
    assert.deepEqual({ ...parseNatRule(rule.rule)!, rule: rule.rule }, rule, 'a lowered rule reads back as itself');
  }
}

test('scenario A lowers to the tutorial network', () => {
  const lab = example('a-bridge-nat');
  assert.equal(lab.name, 'a-bridge-nat');
  assert.equal(lab.hosts.length, 1);
  assert.equal(lab.hosts[0].name, 'host');
  assert.equal(lab.hosts[0].target, null);
  const topology = lab.hosts[0].topology;
  assert.deepEqual(topology.namespaces.map((n) => [n.name, n.root]), [['host', true], ['netns1', false], ['netns2', false], ['netns3', false]]);
  const host = ns(lab, 'host');
  assert.equal(host.forwarding, true);
  assert.deepEqual(iface(host, 'br0'), { name: 'br0', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: ['172.16.0.100/24'], master: null, peer: null });
  assert.deepEqual(iface(host, 'veth1'), { name: 'veth1', kind: 'veth', state: 'up', mtu: null, mac: null, addresses: ['172.16.0.1/24'], master: null, peer: { namespace: 'netns1', interface: 'veth1-peer' } });
  assert.deepEqual(iface(host, 'veth2'), { name: 'veth2', kind: 'veth', state: 'up', mtu: null, mac: null, addresses: [], master: 'br0', peer: { namespace: 'netns2', interface: 'veth2-peer' } });
  assert.deepEqual(iface(ns(lab, 'netns2'), 'veth2-peer').peer, { namespace: 'host', interface: 'veth2' });
  assert.ok(!host.interfaces.some((i) => i.name === 'lo'), 'no lo unless the file says loopback up');
  assert.deepEqual(ns(lab, 'netns2').routes, [{ to: 'default', via: '172.16.0.100', dev: null }]);
  assert.deepEqual(ns(lab, 'netns1').routes, []);
  assertRules(host, [
    '-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE',
    '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80',
  ]);
  assert.deepEqual(host.natChains, []);
  assert.equal(host.forwardPolicy, null);
});

test('scenarios B, C and H lower to their tutorial NAT rules', () => {
  assertRules(ns(example('b-bridge-gateway'), 'host'), [
    '-A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE',
    '-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.168.15.2:80',
  ]);
  const c = ns(example('c-net1'), 'host');
  assertRules(c, [
    '-A POSTROUTING -s 192.168.0.0/24 ! -o br0 -j MASQUERADE',
    '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 192.168.0.2:80',
  ]);
  assert.equal(c.forwardPolicy, 'ACCEPT');
  const h = example('h-cni-chain');
  const hostH = ns(h, 'host');
  assert.deepEqual(hostH.natChains, ['chain-myns']);
  assertRules(hostH, [
    '-A chain-myns -d 10.85.0.0/16 -j ACCEPT',
    '-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE',
    '-A POSTROUTING -s 10.85.0.254/32 -j chain-myns',
  ]);
  assert.deepEqual(hostH.nat.filter((r) => r.chain === 'chain-myns').map((r) => r.target.kind), ['ACCEPT', 'MASQUERADE'], 'chain order kept');
  assert.deepEqual(iface(ns(h, 'myns'), 'lo'), { name: 'lo', kind: 'loopback', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null });
});

test('scenario G gives one LabHost per machine, each with its ssh target', () => {
  const lab = example('g-two-hosts');
  assert.deepEqual(lab.hosts.map((h) => [h.name, h.target, h.topology.host]), [['a', 'root@10.0.2.15', 'root@10.0.2.15'], ['b', 'root@10.0.2.16', 'root@10.0.2.16']]);
  assert.deepEqual(ns(lab, 'host', 0).routes, [{ to: '192.168.2.0/24', via: '10.0.2.16', dev: null }]);
  assert.deepEqual(ns(lab, 'host', 1).routes, [{ to: '192.168.1.0/24', via: '10.0.2.15', dev: null }]);
  assert.deepEqual(iface(ns(lab, 'ns1', 1), 'veth-ns1').addresses, ['192.168.2.2/24']);
  assert.equal(iface(ns(lab, 'host', 1), 'veth-ns1-br').master, 'br0');
});

test('scenarios D, E and F lower their links and routes', () => {
  const d = example('d-veth-pair');
  assert.deepEqual(iface(ns(d, 'ns1'), 'veth-ns1').peer, { namespace: 'ns2', interface: 'veth-ns2' });
  assert.deepEqual(ns(d, 'host').interfaces, []);
  const e = example('e-bridge-three');
  const bridge = iface(ns(e, 'host'), 'virtual-bridge');
  assert.deepEqual(bridge.addresses, []);
  assert.deepEqual(ns(e, 'host').interfaces.filter((i) => i.master === 'virtual-bridge').map((i) => i.name), ['veth-ns1-br', 'veth-ns2-br', 'veth-ns3-br']);
  const f = example('f-router');
  assert.equal(ns(f, 'ns-router').forwarding, true);
  assert.equal(ns(f, 'ns1').forwarding, false);
  assert.deepEqual(ns(f, 'ns2').routes, [{ to: '192.168.1.0/24', via: '192.168.2.1', dev: null }]);
});

test('settings lower exactly: mtu, down, IPv6 canonical, dev routes, snat, lab ssh target', () => {
  const text = [
    'lab t ssh admin@h1',
    'host {',
    '  forwarding on',
    '  forward-policy drop',
    '  bridge br0 {',
    '    address 10.0.0.1/24 FD00:0:0::1/64',
    '    mtu 9000',
    '    down',
    '  }',
    '  route 10.9.0.0/16 dev br0',
    '  nat snat to 192.0.2.7 src 10.0.0.0/24 out eth0',
    '}',
    'namespace n {',
    '  loopback down',
    '  address v 10.0.0.2/24 fd00::2/64',
    '  link v mtu 1400 down',
    '  route default via FD00::1',
    '}',
    'veth n:v -- br0:p',
  ].join('\n');
  const result = compileVnet(text);
  const lab = result.lab!;
  assert.equal(lab.hosts[0].target, 'admin@h1');
  const host = ns(lab, 'host');
  assert.deepEqual(iface(host, 'br0'), { name: 'br0', kind: 'bridge', state: 'down', mtu: 9000, mac: null, addresses: ['10.0.0.1/24', 'fd00::1/64'], master: null, peer: null });
  assert.equal(host.forwardPolicy, 'DROP');
  assert.deepEqual(host.routes, [{ to: '10.9.0.0/16', via: null, dev: 'br0' }]);
  assert.deepEqual(host.nat.map((r) => r.rule), ['-A POSTROUTING -s 10.0.0.0/24 -o eth0 -j SNAT --to-source 192.0.2.7']);
  const n = ns(lab, 'n');
  assert.deepEqual(iface(n, 'v'), { name: 'v', kind: 'veth', state: 'down', mtu: 1400, mac: null, addresses: ['10.0.0.2/24', 'fd00::2/64'], master: null, peer: { namespace: 'host', interface: 'p' } });
  assert.deepEqual(iface(n, 'lo').state, 'down');
  assert.deepEqual(n.routes, [{ to: 'default', via: 'fd00::1', dev: null }]);
});

test('no usable lab name means no lab; lowering is pure', () => {
  assert.equal(compileVnet('namespace a\n').lab, null);
  assert.equal(compileVnet('lab "bad name"\n').lab, null);
  const text = readFileSync(join(ROOT, 'examples/a-bridge-nat.vnet'), 'utf8');
  const first = compileVnet(text).lab;
  const second = compileVnet(text).lab;
  assert.deepEqual(first, second);
  assert.notEqual(first, second);
});
