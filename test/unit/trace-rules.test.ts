// The parts of the kernel's path the scenarios do not exercise: chains that jump, go to and return,
// policy rules and other tables, DNAT at OUTPUT, native nft NAT, and how a rule's conditions are read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProbeOutput } from '../../src/host/probe-parse';
import { parseNatRule } from '../../src/model/nat';
import type { PolicyRule } from '../../src/model/routing';
import { trace } from '../../src/trace/index';
import { asLive, scenarioB, scenarioD, scenarioF } from './fixtures/scenario-topologies';
import { filterTable, nftFacts, nftTable, nsOf, q } from './trace-support';

const b = () => asLive(scenarioB(), '192.168.1.2/24');

test('jump, RETURN and the policy: a user chain returns red to FORWARD, whose policy drops it; blue is accepted', () => {
  const topology = b();
  nsOf(topology, 'host').iptables = [filterTable([
    '-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    '-A FORWARD -j USER',
    '-A USER -s 192.168.15.1/32 -j RETURN',
    '-A USER -j ACCEPT',
  ], { FORWARD: 'DROP' }, ['USER'])];
  assert.equal(trace(topology, q('red', '192.168.1.3')).drop?.rule, ':FORWARD DROP (iptables nft)');
  const blue = trace(topology, q('blue', '192.168.1.3'));
  assert.equal(blue.reachable, true);
  assert.equal(blue.hops.find((h) => h.step === 'filter-forward')?.by, '-A USER -j ACCEPT');
});

test('goto: when the chain gone to returns, the calling chain is done too', () => {
  const topology = b();
  nsOf(topology, 'host').iptables = [filterTable([
    '-A FORWARD -g G',
    '-A FORWARD -j ACCEPT',
    '-A G -j RETURN',
  ], { FORWARD: 'DROP' }, ['G'])];
  assert.equal(trace(topology, q('blue', '192.168.1.3')).drop?.rule, ':FORWARD DROP (iptables nft)');
});

test('REJECT, LOG and matches on protocol, port and interface', () => {
  const topology = b();
  nsOf(topology, 'host').iptables = [filterTable([
    '-A INPUT -j LOG --log-prefix "in: "',
    '-A INPUT -i v-net-0 -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset',
    '-A INPUT -i v-net-0 -p udp -m multiport --dports 53,67:68 -j DROP',
  ])];
  assert.equal(trace(topology, q('red', 'host', 'tcp', 22)).drop?.reason, 'filter INPUT rejects it (NEW)');
  assert.equal(trace(topology, q('red', 'host', 'tcp', 443)).reachable, true);
  assert.equal(trace(topology, q('red', 'host', 'udp', 67)).drop?.rule, '-A INPUT -i v-net-0 -p udp -m multiport --dports 53,67:68 -j DROP');
  assert.equal(trace(topology, q('red', 'host', 'udp', 69)).reachable, true);
  assert.equal(trace(topology, q('red', 'host')).reachable, true);
});

test('a match on the sender\'s ephemeral port cannot be told: uncertain', () => {
  const topology = b();
  nsOf(topology, 'host').iptables = [filterTable(['-A INPUT -p tcp -m tcp --sport 1024:65535 -j DROP'])];
  const result = trace(topology, q('red', 'host', 'tcp', 443));
  assert.equal(result.uncertain, true);
  assert.match(result.assumptions[0].assumed, /the port is picked by the sender: assumed the rule does not match/);
});

test('addrtype LOCAL: a Docker-style published port matches only addresses of the host', () => {
  const topology = b();
  const host = nsOf(topology, 'host');
  host.nat = [
    parseNatRule('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER')!,
    parseNatRule('-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.15.2:80')!,
  ];
  host.natChains = ['DOCKER'];
  const published = trace(topology, q('192.168.1.3', '192.168.1.2', 'tcp', 8080));
  assert.deepEqual(published.deliveredTo, { host: 'host', namespace: 'blue', address: '192.168.15.2', port: 80 });
  assert.equal(published.reachable, true);
  assert.equal(published.uncertain, false);
});

test('marks, as CNI\'s portmap uses them: the published packet is marked, and only marked packets are masqueraded', () => {
  const topology = b();
  const host = nsOf(topology, 'host');
  host.nat = [
    parseNatRule('-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT')!,
    parseNatRule('-A POSTROUTING -j CNI-HOSTPORT-MASQ')!,
    parseNatRule('-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE')!,
    parseNatRule('-A CNI-HOSTPORT-DNAT -p tcp -m tcp --dport 8081 -j CNI-HOSTPORT-SETMARK')!,
    parseNatRule('-A CNI-HOSTPORT-DNAT -p tcp -m tcp --dport 8081 -j DNAT --to-destination 192.168.15.2:80')!,
    parseNatRule('-A CNI-HOSTPORT-SETMARK -j MARK --set-xmark 0x2000/0x2000')!,
  ];
  host.natChains = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK'];
  const published = trace(topology, q('192.168.1.3', '192.168.1.2', 'tcp', 8081));
  assert.deepEqual([published.reachable, published.uncertain], [true, false], published.drop?.reason);
  assert.equal(published.hops.find((h) => h.step === 'nat-postrouting')?.says, 'masquerade to 192.168.15.5');
  assert.equal(published.hops.find((h) => h.step === 'nat-postrouting')?.by, '-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE');
  // Unmarked: blue's own packet to the LAN is not masqueraded by that rule, and its reply has no way back.
  const out = trace(topology, q('blue', '192.168.1.3'));
  assert.equal(out.hops.some((h) => h.step === 'nat-postrouting'), false);
  assert.equal(out.leftBy?.source, '192.168.15.2');
  assert.match(out.assumptions.map((a) => a.rule).join(' '), /^reply to 192\.168\.15\.2 by eth0$/);
});

test('DNAT in OUTPUT: the host\'s own connection to a published port is translated before it is routed', () => {
  const topology = b();
  nsOf(topology, 'host').nat.push(parseNatRule('-A OUTPUT -d 192.168.1.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192.168.15.1:80')!);
  const result = trace(topology, q('host', '192.168.1.2', 'tcp', 8080));
  assert.deepEqual(result.deliveredTo, { host: 'host', namespace: 'red', address: '192.168.15.1', port: 80 });
  assert.equal(result.reachable, true, result.drop?.reason);
});

test('native nft NAT: a netavark-style dnat chain and masquerade at their hook priorities', () => {
  const topology = b();
  const host = nsOf(topology, 'host');
  host.nat = [];
  host.nftTables = [nftTable('inet', 'netavark', [
    { name: 'PREROUTING', type: 'nat', hook: 'prerouting', priority: -100, policy: 'accept', rules: [
      { text: 'fib daddr type local tcp dport 8080 dnat ip to 192.168.15.2:80', handle: 1, comment: null, facts: nftFacts({ fibDaddrLocal: true, l4proto: 'tcp', dport: ['8080'], verdict: { kind: 'dnat', to: '192.168.15.2:80' } }) },
    ] },
    { name: 'POSTROUTING', type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept', rules: [
      { text: 'ip saddr 192.168.15.0/24 oifname != "v-net-0" masquerade', handle: 2, comment: null, facts: nftFacts({ saddr: { value: '192.168.15.0/24', negated: false }, oifname: { value: 'v-net-0', negated: true }, verdict: { kind: 'masquerade' } }) },
    ] },
  ])];
  assert.deepEqual(trace(topology, q('192.168.1.3', '192.168.1.2', 'tcp', 8080)).deliveredTo, { host: 'host', namespace: 'blue', address: '192.168.15.2', port: 80 });
  const out = trace(topology, q('red', '192.168.1.3'));
  assert.equal(out.reachable, true);
  assert.equal(out.leftBy?.source, '192.168.1.2');
  assert.equal(out.hops.find((h) => h.step === 'nat-postrouting')?.by, 'ip saddr 192.168.15.0/24 oifname != "v-net-0" masquerade');
});

function rule(priority: number, fields: Partial<PolicyRule>): PolicyRule {
  return { family: 4, priority, from: null, to: null, iif: null, oif: null, fwmark: null, invert: false, action: 'lookup', table: 'main', text: `${priority}: ${fields.text ?? ''}`, ...fields };
}

test('policy rules: a rule for red\'s source sends it by another table; a blackhole rule refuses', () => {
  const f = scenarioF();
  const router = nsOf(f, 'ns-router');
  router.policyRules = [rule(0, { table: 'local', text: 'from all lookup local' }), rule(100, { from: '192.168.1.2', table: '100', text: 'from 192.168.1.2 lookup 100' }), rule(32766, { text: 'from all lookup main' })];
  router.routeTables = [{ table: '100', routes: [{ to: '192.168.2.0/24', via: null, dev: 'veth-ns1-router', type: 'unicast' }] }];
  const viaTable = trace(f, q('ns1', 'ns2'));
  assert.ok(viaTable.hops.some((h) => h.says.includes('(table 100)')), 'table 100 decided');
  assert.equal(viaTable.drop?.reason, 'no neighbour answers for 192.168.2.2 on veth-ns1-router');
  router.policyRules = [rule(50, { to: '192.168.2.0/24', action: 'blackhole', table: null, text: 'from all to 192.168.2.0/24 blackhole' }), rule(32766, { text: 'from all lookup main' })];
  const refused = trace(f, q('ns1', 'ns2'));
  assert.equal(refused.drop?.reason, 'policy rule says blackhole');
  assert.equal(refused.drop?.rule, 'from all to 192.168.2.0/24 blackhole');
});

test('routes: the longest prefix wins, and a blackhole route drops', () => {
  const f = scenarioF();
  nsOf(f, 'ns1').routes.push({ to: '192.168.2.2/32', via: null, dev: null, type: 'blackhole' });
  const result = trace(f, q('ns1', 'ns2'));
  assert.equal(result.drop?.reason, 'the route is blackhole');
  assert.equal(result.drop?.rule, 'blackhole 192.168.2.2/32');
});

test('lo: a namespace reaches its own address only when lo is up', () => {
  const d = scenarioD();
  assert.equal(trace(d, q('ns1', '192.168.1.1')).drop?.reason, 'lo is not set up in ns1');
  const live = asLive(scenarioD());
  assert.equal(trace(live, q('ns1', '192.168.1.1')).reachable, true);
});

test('bridged traffic passes the host\'s FORWARD when bridge-nf-call-iptables is on', () => {
  const topology = b();
  const host = nsOf(topology, 'host');
  host.iptables = [filterTable([], { FORWARD: 'DROP' })];
  const unknown = trace(topology, q('red', 'blue'));
  assert.equal(unknown.reachable, true, 'not known: assumed off');
  assert.equal(unknown.uncertain, true, 'and said, since FORWARD would drop it');
  assert.match(unknown.assumptions[0].assumed, /net\.bridge\.bridge-nf-call-iptables\) is not known here: assumed not; if it does, this drops it/);
  host.sysctls = { ipv6Forwarding: false, rpFilter: null, bridgeNfCallIptables: null, bridgeNfCallIp6tables: null };
  const off = trace(topology, q('red', 'blue'));
  assert.deepEqual([off.reachable, off.uncertain], [true, false], 'br_netfilter not loaded: the bridge does not ask iptables');
  host.sysctls = { ipv6Forwarding: false, rpFilter: null, bridgeNfCallIptables: true, bridgeNfCallIp6tables: true };
  const result = trace(topology, q('red', 'blue'));
  assert.equal(result.drop?.rule, ':FORWARD DROP (iptables nft)');
  assert.equal(result.drop?.interface, 'v-net-0');
});

test('bad questions are usage errors', () => {
  assert.throws(() => trace(scenarioD(), q('nowhere', 'ns2')), /--from nowhere is neither a namespace/);
  assert.throws(() => trace(scenarioD(), q('ns1', 'nowhere')), /--to nowhere is neither an address nor a namespace/);
  assert.throws(() => trace(scenarioD(), q('10.9.9.9', 'ns2')), /cannot come in/);
});

test('an uplink that is a bridge port: outside traffic comes in by the bridge, and leaves by the port', () => {
  const topology = scenarioD();
  const host = nsOf(topology, 'host');
  host.interfaces.push(
    { name: 'br-lan', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: ['10.99.4.10/24'], master: null, peer: null },
    { name: 'eth0', kind: 'veth', state: 'up', mtu: null, mac: null, addresses: [], master: 'br-lan', peer: null },
    { name: 'lo', kind: 'loopback', state: 'up', mtu: null, mac: null, addresses: ['127.0.0.1/8'], master: null, peer: null },
  );
  const inbound = trace(topology, q('10.99.4.1', 'host'));
  assert.equal(inbound.hops[0].says, 'enters host by br-lan');
  assert.equal(inbound.reachable, true, inbound.drop?.reason);
  const outbound = trace(topology, q('host', '10.99.4.1'));
  assert.deepEqual(outbound.leftBy, { host: 'host', namespace: 'host', interface: 'eth0', source: '10.99.4.10' });
  assert.equal(outbound.reachable, true, outbound.drop?.reason);
});

test('--from an address a namespace holds: that namespace sends from it', () => {
  const result = trace(scenarioF(), q('192.168.2.2', '192.168.1.2'));
  assert.equal(result.hops[0].says, 'sent by ns2');
  assert.equal(result.question.fromAddress, '192.168.2.2');
  assert.equal(result.reachable, true);
  assert.throws(() => trace(scenarioF(), q('192.168.2.2', 'fd00::1')), /different address families/);
});

test('a host as the probe reads it (captured from a real kernel): the kernel\'s own routes apart, in its order, and followed', () => {
  const captured = parseProbeOutput(readFileSync(join(__dirname, '../fixtures/probe/rich-netlink.txt'), 'utf8'), '@@fixture0nonce', 'local');
  const b = nsOf(captured, 'b');
  assert.deepEqual(b.kernelRoutes?.filter((r) => !r.to.includes(':')).map((r) => `${r.to} ${r.dev}`), ['10.3.0.0/24 x1', '10.3.1.0/24 x2']);
  assert.ok(b.routes.every((r) => r.protocol !== 'kernel'), 'configured routes stay apart');
  const result = trace(captured, q('a', '10.1.0.1'));
  assert.deepEqual([result.reachable, result.uncertain], [true, false], result.drop?.reason);
});
