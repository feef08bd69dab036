// The tables of src/model that every face reads: interface kinds, NAT targets, built-in chains, ports and
// NAT addresses. Each row must parse back what it renders, and each check must refuse what the kernel does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECLARABLE_KINDS, INTERFACE_KINDS, interfaceKindName, interfaceKindOf } from '../../src/model/interface-kinds';
import { BUILTIN_CHAINS, isBuiltinChain } from '../../src/model/iptables';
import { natRuleKey, parseNatRule, renderNatRule } from '../../src/model/nat';
import { natAddressIp, parseNatAddress } from '../../src/model/nat-address';
import { NAT_TARGETS, defaultNatChain, natTargetKindOf, natTargetTokens, parseNatTarget, type NatAction } from '../../src/model/nat-targets';
import { shortNatRule, wordNatRule } from '../../src/model/nat-wording';
import { validPort } from '../../src/model/ports';
import { emptyTopology, type InterfaceKind, type NatTarget } from '../../src/model/topology';
import { renderTopologyTree } from '../../src/model/topology-tree';

test('interface kinds: the kernel kinds VNet models map to their rows, the rest are other', () => {
  for (const kind of ['veth', 'bridge', 'dummy', 'vxlan'] as const) assert.equal(interfaceKindOf(kind), kind);
  for (const unknown of ['macvlan', 'wireguard', '', null, undefined]) assert.equal(interfaceKindOf(unknown), 'other');
  assert.equal(interfaceKindName({ kind: 'other', linkKind: 'macvlan' }), 'macvlan');
  assert.equal(interfaceKindName({ kind: 'bridge' }), 'bridge');
});

test('interface kinds: what VNet creates alone has ip link add arguments; a file declares bridge and dummy', () => {
  for (const [kind, facts] of Object.entries(INTERFACE_KINDS) as [InterfaceKind, (typeof INTERFACE_KINDS)[InterfaceKind]][]) {
    assert.equal(facts.linkAddArgs !== null, facts.creation === 'alone', `${kind}: ip link add arguments exactly when created alone`);
    if (facts.statement) assert.equal(facts.creation, 'alone', `${kind} is declarable but cannot be created alone`);
  }
  assert.deepEqual([...DECLARABLE_KINDS].sort(), ['bridge', 'dummy']);
  assert.deepEqual(INTERFACE_KINDS.dummy.linkAddArgs, ['type', 'dummy']);
  assert.equal(INTERFACE_KINDS.loopback.creation, 'with-namespace');
});

test('NAT targets: every row renders tokens that parse back to the same target', () => {
  const samples: NatTarget[] = [
    { kind: 'MASQUERADE' }, { kind: 'SNAT', to: '10.1.0.1' }, { kind: 'DNAT', to: '172.16.0.102:80' },
    { kind: 'jump', chain: 'chain-myns' }, { kind: 'ACCEPT' }, { kind: 'RETURN' }, { kind: 'other', name: 'REDIRECT', args: '--to-ports 3128' },
  ];
  assert.deepEqual(new Set(samples.map((t) => t.kind)), new Set(Object.keys(NAT_TARGETS)), 'a sample for every row');
  for (const target of samples) {
    const [flag, name, ...args] = natTargetTokens(target);
    const back = parseNatTarget(flag, name, target.kind === 'other' ? [target.args] : args);
    assert.deepEqual(back, target.kind === 'other' ? { ...target, args: target.args } : target);
  }
  // A built-in target with options VNet does not model is kept as other, never half-read.
  assert.deepEqual(parseNatTarget('-j', 'MASQUERADE', ['--random']), { kind: 'other', name: 'MASQUERADE', args: '--random' });
  assert.deepEqual(parseNatTarget('-j', 'DROP', []), { kind: 'other', name: 'DROP', args: '' });
  assert.deepEqual(parseNatTarget('-g', 'somewhere', []), { kind: 'other', name: 'somewhere', args: '' });
});

test('NAT targets: each .vnet action has a target and a default chain, dnat before routing and the rest after', () => {
  const actions: NatAction[] = ['masquerade', 'snat', 'dnat', 'jump', 'accept', 'return'];
  for (const action of actions) assert.equal(NAT_TARGETS[natTargetKindOf(action)].action, action);
  assert.equal(defaultNatChain('dnat'), 'PREROUTING');
  for (const action of actions.filter((a) => a !== 'dnat')) assert.equal(defaultNatChain(action), 'POSTROUTING');
});

test('NAT rules: the long and the short wording come from one reading of the rule', () => {
  const rule = parseNatRule('-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80')!;
  assert.equal(wordNatRule(rule), 'tcp :8088 → 172.16.0.102:80 arriving by any but br0');
  assert.equal(shortNatRule(rule), 'DNAT → 172.16.0.102:80 not in br0, tcp 8088');
  const jump = parseNatRule('-A POSTROUTING -s 10.85.0.254/32 -j chain-myns')!;
  assert.equal(shortNatRule(jump), '→ chain-myns from 10.85.0.254');
  const inChain = parseNatRule('-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE')!;
  assert.equal(shortNatRule(inChain), 'chain-myns: MASQ not to 224.0.0.0/4');
  assert.equal(renderNatRule(rule), rule.rule);
  assert.equal(natRuleKey(rule), natRuleKey(parseNatRule(rule.rule)!));
});

test('built-in chains per table', () => {
  assert.deepEqual(BUILTIN_CHAINS.nat, ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING']);
  assert.ok(isBuiltinChain('filter', 'FORWARD'));
  assert.ok(!isBuiltinChain('nat', 'FORWARD'));
  assert.ok(!isBuiltinChain('nat', 'DOCKER'));
});

test('ports: 1 to 65535, ranges low to high, in the spelling of their place', () => {
  for (const ok of ['1', '80', '65535', '1000:2000']) assert.ok(validPort(ok, ':'), ok);
  for (const bad of ['0', '65536', '99999', '00000', '2000:1000', '1:2:3', '', 'http', '-1', '80-90']) assert.ok(!validPort(bad, ':'), bad);
  assert.ok(validPort('80-90', '-'));
  assert.ok(!validPort('80:90', '-'));
});

test('NAT addresses: ports, ranges and IPv6 in brackets; the landing address is the first of a range', () => {
  const ok = (text: string) => { const parsed = parseNatAddress(text); assert.ok(!('error' in parsed), text); return parsed; };
  assert.equal(ok('172.16.0.102:80').canonical, '172.16.0.102:80');
  assert.equal(ok('10.0.0.2-10.0.0.9:80-90').port, '80-90');
  assert.equal(ok('[fd00::2]:80').canonical, '[fd00::2]:80');
  assert.equal(natAddressIp('10.0.0.2-10.0.0.9:80'), '10.0.0.2');
  assert.equal(natAddressIp('[fd00::2]:80'), 'fd00::2');
  for (const bad of ['172.16.0.102:0', '172.16.0.102:99999', 'host:80', '[fd00::2', '10.0.0.1-fd00::1']) {
    assert.ok('error' in parseNatAddress(bad), bad);
  }
  assert.equal(natAddressIp('not-an-address'), null);
});

test('a veth whose other end no namespace of the host holds reads as outside this host, never as a guess', () => {
  const topology = emptyTopology('h');
  topology.namespaces[0].interfaces.push({
    name: 'eth0', kind: 'veth', state: 'up', mtu: 1500, mac: null, addresses: ['10.0.1.48/24'], master: null, peer: null, peerOutside: true,
  });
  assert.match(renderTopologyTree(topology), /eth0 {2}veth {2}up {2}10\.0\.1\.48\/24 {2}⇄ outside this host/);
  topology.namespaces[0].interfaces[0].peerOutside = undefined;
  assert.doesNotMatch(renderTopologyTree(topology), /outside this host/);
});
