// The scenarios broken on purpose: each break must stop the packet where the kernel stops it, quoting
// what did it; a rule the engine cannot evaluate must make the verdict uncertain, never a silent guess.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '../../src/trace/index';
import { asLive, scenarioA, scenarioB, scenarioD, scenarioE, scenarioF } from './fixtures/scenario-topologies';
import { filterTable, nftFacts, nftTable, nsOf, q, sysctls } from './trace-support';

const b = () => asLive(scenarioB(), '192.168.1.2/24');
const toLan = q('blue', '192.168.1.3');

test('forwarding off: the host does not forward blue\'s packet to the LAN', () => {
  const topology = b();
  nsOf(topology, 'host').forwarding = false;
  const result = trace(topology, toLan);
  assert.equal(result.reachable, false);
  assert.equal(result.drop?.reason, 'host does not forward');
  assert.equal(result.drop?.rule, 'net.ipv4.ip_forward = 0');
  const f = scenarioF();
  nsOf(f, 'ns-router').forwarding = false;
  assert.equal(trace(f, q('ns1', 'ns2')).drop?.namespace, 'ns-router');
});

test('bridged traffic through iptables: B\'s MASQUERADE rewrites red → blue, so the reply is routed by the host and needs forwarding', () => {
  const live = b();
  const host = nsOf(live, 'host');
  host.sysctls = sysctls({ bridgeNfCallIptables: true });
  const masqueraded = trace(live, q('red', 'blue'));
  assert.deepEqual([masqueraded.reachable, masqueraded.uncertain], [true, false], masqueraded.drop?.reason);
  assert.equal(masqueraded.hops.find((h) => h.step === 'nat-postrouting')?.says, 'masquerade to 192.168.15.5');
  assert.ok(masqueraded.reply.some((h) => h.namespace === 'host' && h.step === 'conntrack'), 'the reply is translated back in the host');
  host.forwarding = false;
  const result = trace(live, q('red', 'blue'));
  assert.deepEqual([result.reachable, result.uncertain], [false, false]);
  assert.deepEqual([result.drop?.direction, result.drop?.namespace, result.drop?.rule], ['reply', 'host', 'net.ipv4.ip_forward = 0']);
  // Without br_netfilter the bridge neither translates nor asks ip_forward.
  host.sysctls = sysctls({ bridgeNfCallIptables: null });
  const plain = trace(live, q('red', 'blue'));
  assert.deepEqual([plain.reachable, plain.uncertain], [true, false]);
  // Where the sysctl is not known (a desired network), the difference is said as an assumption.
  delete host.sysctls;
  const unknown = trace(live, q('red', 'blue'));
  assert.deepEqual([unknown.reachable, unknown.uncertain], [true, true]);
  assert.match(unknown.assumptions[0].assumed, /if it does, this translates it, and host, which does not forward, drops the reply/);
  // E's bridge has no NAT: with forwarding off, its bridged traffic still passes.
  const e = scenarioE();
  nsOf(e, 'host').sysctls = sysctls({ bridgeNfCallIptables: true });
  assert.deepEqual([trace(e, q('ns1', 'ns2')).reachable, trace(e, q('ns1', 'ns2')).uncertain], [true, false]);
});

test('FORWARD policy DROP: of a desired network (forwardPolicy), and of a live filter table', () => {
  const desired = b();
  nsOf(desired, 'host').forwardPolicy = 'DROP';
  assert.equal(trace(desired, toLan).drop?.rule, ':FORWARD DROP');
  const live = b();
  nsOf(live, 'host').iptables = [filterTable([], { FORWARD: 'DROP' })];
  const result = trace(live, toLan);
  assert.equal(result.drop?.reason, 'filter FORWARD drops it (NEW)');
  assert.equal(result.drop?.rule, ':FORWARD DROP (iptables nft)');
});

test('FORWARD DROP with an accept for the bridge: the reply needs an ESTABLISHED rule', () => {
  const live = b();
  nsOf(live, 'host').iptables = [filterTable(['-A FORWARD -i v-net-0 -j ACCEPT'], { FORWARD: 'DROP' })];
  const noState = trace(live, toLan);
  assert.equal(noState.reachable, false);
  assert.equal(noState.drop?.direction, 'reply');
  assert.equal(noState.drop?.reason, 'filter FORWARD drops it (ESTABLISHED)');
  nsOf(live, 'host').iptables = [filterTable(['-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT', '-A FORWARD -i v-net-0 -j ACCEPT'], { FORWARD: 'DROP' })];
  const withState = trace(live, toLan);
  assert.equal(withState.reachable, true);
  assert.equal(withState.uncertain, false);
});

test('a native nft forward chain with policy drop stops forwarding; its accept rules let it through', () => {
  const live = b();
  const chain = { name: 'forward', type: 'filter' as const, hook: 'forward', priority: 0, policy: 'drop' as const, rules: [] as never[] };
  nsOf(live, 'host').nftTables = [nftTable('inet', 'filter', [chain])];
  const dropped = trace(live, toLan);
  assert.equal(dropped.drop?.rule, 'table inet filter chain forward: policy drop');
  nsOf(live, 'host').nftTables = [nftTable('inet', 'filter', [{
    ...chain,
    rules: [
      { text: 'ct state established,related accept', handle: 1, comment: null, facts: nftFacts({ ctState: { states: ['established', 'related'], negated: false }, verdict: { kind: 'accept' } }) },
      { text: 'iifname "v-net-0" accept', handle: 2, comment: null, facts: nftFacts({ iifname: { value: 'v-net-0', negated: false }, verdict: { kind: 'accept' } }) },
    ],
  }])];
  const passed = trace(live, toLan);
  assert.equal(passed.reachable, true, passed.drop?.reason);
  // An ip6 table does not see IPv4 packets.
  nsOf(live, 'host').nftTables = [nftTable('ip6', 'filter', [chain])];
  assert.equal(trace(live, toLan).reachable, true);
});

test('a missing route: blue without its default route reaches nothing off its subnet', () => {
  const topology = b();
  nsOf(topology, 'blue').routes = [];
  const result = trace(topology, toLan);
  assert.deepEqual([result.drop?.namespace, result.drop?.reason, result.drop?.rule], ['blue', 'no route to 192.168.1.3', null]);
});

test('an INPUT DROP rule stops red at the host, quoted; blue still gets in', () => {
  const topology = b();
  nsOf(topology, 'host').iptables = [filterTable(['-A INPUT -s 192.168.15.1/32 -j DROP'])];
  const red = trace(topology, q('red', 'host'));
  assert.equal(red.drop?.rule, '-A INPUT -s 192.168.15.1/32 -j DROP');
  assert.equal(red.drop?.reason, 'filter INPUT drops it (NEW)');
  assert.equal(trace(topology, q('blue', 'host')).reachable, true);
});

test('a link down: blue\'s bridge port down stops red → blue; a veth end down stops D', () => {
  const topology = b();
  nsOf(topology, 'host').interfaces.find((i) => i.name === 'veth-blue-br')!.state = 'down';
  assert.equal(trace(topology, q('red', 'blue')).drop?.reason, 'no neighbour answers for 192.168.15.2 on v-net-0');
  const d = scenarioD();
  nsOf(d, 'ns2').interfaces[0].state = 'down';
  const result = trace(d, q('ns1', '192.168.1.2'));
  assert.equal(result.drop?.reason, 'link down: veth-ns2 in ns2 is down');
  assert.equal(result.drop?.rule, 'ip link set veth-ns2 down');
});

test('a link down keeps its IPv4 address local: ns1 still reaches ns-router\'s 192.168.2.1 by the other link, not ns2', () => {
  const f = scenarioF();
  nsOf(f, 'ns-router').interfaces.find((i) => i.name === 'veth-ns2-router')!.state = 'down';
  const toRouter = trace(f, q('ns1', '192.168.2.1'));
  assert.deepEqual([toRouter.reachable, toRouter.deliveredTo?.namespace], [true, 'ns-router'], toRouter.drop?.reason);
  const toNs2 = trace(f, q('ns1', 'ns2'));
  assert.deepEqual([toNs2.reachable, toNs2.drop?.reason], [false, 'no route to 192.168.2.2']);
});

test('masquerade removed: blue\'s packet leaves with 192.168.15.2, which the LAN cannot answer; said, not guessed', () => {
  const topology = b();
  nsOf(topology, 'host').nat = nsOf(topology, 'host').nat.filter((r) => r.target.kind !== 'MASQUERADE');
  const result = trace(topology, toLan);
  assert.equal(result.reachable, false);
  assert.equal(result.uncertain, true);
  assert.equal(result.leftBy?.source, '192.168.15.2');
  assert.equal(result.drop?.direction, 'reply');
  assert.match(result.drop!.reason, /192\.168\.15\.2 is not on eth0's subnet/);
  assert.match(result.assumptions[0].assumed, /assumed nothing outside the host routes the reply back/);
});

test('rp_filter strict on an asymmetric path: A\'s netns2 → LAN comes in by br0 but the way back is veth1', () => {
  const toPeer = q('netns2', '10.0.1.26');
  const plain = trace(asLive(scenarioA()), toPeer);
  assert.equal(plain.drop?.direction, 'reply', 'without rp_filter the request lands, the reply is lost');
  const strict = asLive(scenarioA());
  nsOf(strict, 'host').sysctls = sysctls({ rpFilter: { all: 1, default: 1, interfaces: {} } });
  const result = trace(strict, toPeer);
  assert.equal(result.drop?.direction, 'request');
  assert.equal(result.drop?.reason, 'rp_filter strict: the route back to 172.16.0.102 leaves by veth1, not by br0');
  assert.match(result.drop!.rule!, /^net\.ipv4\.conf\.br0\.rp_filter = 1 \(all = 1\); 172\.16\.0\.0\/24 dev veth1$/);
  // Loose mode only asks for some route back.
  nsOf(strict, 'host').sysctls = sysctls({ rpFilter: { all: 2, default: 2, interfaces: {} } });
  assert.equal(trace(strict, toPeer).drop?.direction, 'reply');
});

test('an unmodelled match makes the verdict uncertain, naming the rule and what was assumed', () => {
  const topology = b();
  const rule = '-A FORWARD -m recent --name scanners --rcheck -j DROP';
  nsOf(topology, 'host').iptables = [filterTable([rule])];
  const result = trace(topology, toLan);
  assert.equal(result.uncertain, true);
  assert.equal(result.reachable, true);
  assert.equal(result.assumptions[0].rule, rule);
  assert.match(result.assumptions[0].assumed, /-m recent --name scanners --rcheck is not evaluated: assumed the rule does not match/);
});

test('an nft rule with unmodelled expressions makes the verdict uncertain', () => {
  const topology = b();
  nsOf(topology, 'host').nftTables = [nftTable('ip', 'fw', [{
    name: 'fwd', type: 'filter', hook: 'forward', priority: 0, policy: 'accept',
    rules: [{ text: 'meta skuid 1000 drop', handle: 4, comment: null, facts: nftFacts({ verdict: { kind: 'drop' }, unmodelled: ['meta skuid 1000'] }) }],
  }])];
  const result = trace(topology, toLan);
  assert.equal(result.uncertain, true);
  assert.equal(result.assumptions[0].rule, 'meta skuid 1000 drop');
});
