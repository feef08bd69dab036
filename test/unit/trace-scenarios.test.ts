// The trace on every scenario of shared/scenarios.md, as a probe reads them (with the host's LAN
// interface): what reaches what, where DNAT lands, and why seed A's published port fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '../../src/trace/index';
import { asLive, scenarioA, scenarioB, scenarioC, scenarioD, scenarioE, scenarioF, scenarioG, scenarioH } from './fixtures/scenario-topologies';
import { q } from './trace-support';
import type { Lab } from '../../src/model/topology';

const a = () => asLive(scenarioA(), '10.0.1.48/24');
const b = () => asLive(scenarioB(), '192.168.1.2/24');
const c = () => asLive(scenarioC(), '10.162.0.10/24');

const TIE = '172.16.0.0/24 dev veth1 and 172.16.0.0/24 dev br0 tie; the kernel uses the one made first, which the model does not say: assumed 172.16.0.0/24 dev veth1';

test('A: netns2 ⇄ netns3 over br0; netns1 ⇄ host over veth1, which rests on the order of two equal connected routes', () => {
  for (const [from, to] of [['netns2', 'netns3'], ['netns3', 'netns2']]) {
    const result = trace(a(), q(from, to));
    assert.deepEqual([result.reachable, result.uncertain], [true, false], `${from} → ${to}: ${result.drop?.reason}`);
  }
  for (const [from, to] of [['netns1', 'host'], ['host', 'netns1']]) {
    const result = trace(a(), q(from, to));
    assert.equal(result.reachable, true, `${from} → ${to}: ${result.drop?.reason}`);
    assert.deepEqual(result.assumptions.map((x) => x.assumed), [TIE]);
  }
});

/** A as a probe that kept the kernel's connected routes would read it: in the kernel's order, veth1's first. */
function aWithKernelRoutes() {
  const topology = a();
  topology.namespaces.find((n) => n.root)!.routes.push(
    { to: '172.16.0.0/24', via: null, dev: 'veth1', protocol: 'kernel' },
    { to: '172.16.0.0/24', via: null, dev: 'br0', protocol: 'kernel' },
  );
  return topology;
}

test('A: the published port fails: DNAT lands on 172.16.0.102:80, and 172.16.0.0/24 goes out veth1 where nobody owns it', () => {
  const result = trace(a(), q('10.0.1.26', '10.0.1.48', 'tcp', 8088));
  assert.equal(result.reachable, false);
  const dnat = result.hops.find((h) => h.step === 'nat-prerouting');
  assert.equal(dnat?.says, 'dnat to 172.16.0.102:80');
  assert.equal(dnat?.by, '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80');
  assert.deepEqual(result.drop, {
    host: 'host', namespace: 'host', interface: 'veth1', reason: 'no neighbour answers for 172.16.0.102 on veth1', rule: null, direction: 'request',
  });
  assert.equal(result.hops.find((h) => h.step === 'route')?.by, '172.16.0.0/24 dev veth1');
  // Which of the two equal routes wins is the flaw itself: said, since the model does not hold their order.
  assert.equal(result.uncertain, true);
  assert.deepEqual(result.assumptions.map((x) => x.assumed), [TIE]);
  const known = trace(aWithKernelRoutes(), q('10.0.1.26', '10.0.1.48', 'tcp', 8088));
  assert.deepEqual([known.reachable, known.uncertain, known.drop?.reason], [false, false, 'no neighbour answers for 172.16.0.102 on veth1']);
});

/** A as the probe reads it: the kernel's own routes kept apart, in the kernel's order. */
function aReadWithKernelOrder(first: 'veth1' | 'br0') {
  const topology = a();
  const routes = [
    { to: '10.0.1.0/24', via: null, dev: 'eth0', protocol: 'kernel' },
    { to: '172.16.0.0/24', via: null, dev: 'veth1', protocol: 'kernel' },
    { to: '172.16.0.0/24', via: null, dev: 'br0', protocol: 'kernel' },
  ];
  if (first === 'br0') [routes[1], routes[2]] = [routes[2], routes[1]];
  topology.namespaces.find((n) => n.root)!.kernelRoutes = routes;
  return topology;
}

test('A read with the kernel\'s own routes: the tie is the kernel\'s order, not a guess, either way round', () => {
  const published = q('10.0.1.26', '10.0.1.48', 'tcp', 8088);
  const asBuilt = trace(aReadWithKernelOrder('veth1'), published);
  assert.deepEqual([asBuilt.reachable, asBuilt.uncertain, asBuilt.drop?.reason], [false, false, 'no neighbour answers for 172.16.0.102 on veth1']);
  assert.deepEqual([trace(aReadWithKernelOrder('veth1'), q('host', 'netns1')).reachable, trace(aReadWithKernelOrder('veth1'), q('host', 'netns1')).uncertain], [true, false]);
  // veth1 down and up again: its route is made after br0's, and the published port reaches netns2.
  const reordered = trace(aReadWithKernelOrder('br0'), published);
  assert.deepEqual([reordered.reachable, reordered.uncertain], [true, false], reordered.drop?.reason);
  assert.deepEqual(reordered.deliveredTo, { host: 'host', namespace: 'netns2', address: '172.16.0.102', port: 80 });
  assert.equal(reordered.hops.find((h) => h.step === 'route')?.by, '172.16.0.0/24 dev br0');
  const hostToNetns1 = trace(aReadWithKernelOrder('br0'), q('host', 'netns1'));
  assert.deepEqual([hostToNetns1.reachable, hostToNetns1.uncertain, hostToNetns1.drop?.reason], [false, false, 'no neighbour answers for 172.16.0.2 on br0']);
});

test('A: a configured route against a kernel-made one of the same prefix: their order is not known, and said', () => {
  const topology = aReadWithKernelOrder('veth1');
  topology.namespaces.find((n) => n.root)!.routes.push({ to: '172.16.0.0/24', via: null, dev: 'br0', protocol: 'static' });
  const result = trace(topology, q('host', 'netns1'));
  assert.equal(result.uncertain, true);
  assert.match(result.assumptions[0].assumed, /tie; the kernel uses the one made first/);
});

test('A: netns2 reaches the host\'s br0 address, but the reply leaves by veth1 (172.16.0.0/24 on both)', () => {
  const result = trace(aWithKernelRoutes(), q('netns2', '172.16.0.100'));
  assert.equal(result.reachable, false);
  assert.equal(result.deliveredTo?.namespace, 'host');
  assert.equal(result.drop?.direction, 'reply');
  assert.equal(result.drop?.reason, 'no neighbour answers for 172.16.0.102 on veth1');
  // The probe's model holds no sysctls here: rp_filter is assumed off, and said, since strict would drop it.
  assert.equal(result.uncertain, true);
  assert.deepEqual(result.assumptions.map((x) => x.assumed), ['rp_filter is not known here: assumed off; strict, it would drop the packet (rp_filter strict: the route back to 172.16.0.102 leaves by veth1, not by br0)']);
});

test('A: netns1 has no route off its subnet', () => {
  const result = trace(a(), q('netns1', '10.0.1.26'));
  assert.equal(result.drop?.reason, 'no route to 10.0.1.26');
  assert.equal(result.drop?.namespace, 'netns1');
});

test('B: red ⇄ blue, host → blue, blue → LAN peer masqueraded, LAN peer → host:80 lands on blue:80', () => {
  for (const [from, to] of [['red', 'blue'], ['blue', 'red'], ['host', 'blue']]) assert.equal(trace(b(), q(from, to)).reachable, true, `${from} → ${to}`);
  const out = trace(b(), q('blue', '192.168.1.3'));
  assert.equal(out.reachable, true);
  assert.deepEqual(out.leftBy, { host: 'host', namespace: 'host', interface: 'eth0', source: '192.168.1.2' });
  assert.equal(out.hops.find((h) => h.step === 'nat-postrouting')?.by, '-A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE');
  assert.ok(out.reply.some((h) => h.step === 'conntrack' && h.says.includes('back to 192.168.15.2')));
  const published = trace(b(), q('192.168.1.3', '192.168.1.2', 'tcp', 80));
  assert.equal(published.reachable, true);
  assert.deepEqual(published.deliveredTo, { host: 'host', namespace: 'blue', address: '192.168.15.2', port: 80 });
  assert.ok(published.reply.some((h) => h.step === 'conntrack' && h.says.includes('source back to 192.168.1.2')));
});

test('C: net1 → br0, net1 → LAN peer masqueraded, LAN peer → host:8088 lands on net1:80', () => {
  assert.equal(trace(c(), q('net1', '192.168.0.1')).reachable, true);
  const out = trace(c(), q('net1', '10.162.0.20'));
  assert.equal(out.reachable, true);
  assert.equal(out.leftBy?.source, '10.162.0.10');
  const published = trace(c(), q('10.162.0.20', '10.162.0.10', 'tcp', 8088));
  assert.deepEqual(published.deliveredTo, { host: 'host', namespace: 'net1', address: '192.168.0.2', port: 80 });
  assert.equal(published.reachable, true);
  // From the bridge side the DNAT rule does not apply (! -i br0): net1 reaching the host's own port 8088 is not translated.
  assert.equal(trace(c(), q('net1', '192.168.0.1', 'tcp', 8088)).deliveredTo?.namespace, 'host');
});

test('D: ns1 ⇄ ns2 over one veth pair', () => {
  for (const [from, to] of [['ns1', 'ns2'], ['ns2', 'ns1']]) {
    const result = trace(scenarioD(), q(from, to));
    assert.equal(result.reachable, true);
    assert.deepEqual(result.hops.map((h) => h.step), ['enter', 'route', 'enter', 'deliver']);
  }
});

test('E: every pair of the three namespaces reaches the other over the bridge', () => {
  for (const from of ['ns1', 'ns2', 'ns3']) {
    for (const to of ['ns1', 'ns2', 'ns3']) if (from !== to) assert.equal(trace(scenarioE(), q(from, to)).reachable, true, `${from} → ${to}`);
  }
  assert.match(trace(scenarioE(), q('ns1', 'ns2')).hops.find((h) => h.step === 'bridge')!.says, /virtual-bridge forwards it to veth-ns2-br/);
});

test('F: ns1 ⇄ ns2 through ns-router', () => {
  const result = trace(scenarioF(), q('ns1', 'ns2'));
  assert.equal(result.reachable, true);
  assert.ok(result.hops.some((h) => h.namespace === 'ns-router' && h.step === 'route' && h.by === '192.168.2.0/24 dev veth-ns2-router'));
  assert.equal(trace(scenarioF(), q('ns2', 'ns1')).reachable, true);
});

test('G: a\'s ns1 ⇄ b\'s ns1 through 192.168.1.1 and 10.0.2.16, across the lab\'s two hosts', () => {
  const desired = scenarioG();
  const lab: Lab = { ...desired, hosts: desired.hosts.map((h, i) => ({ ...h, topology: asLive(h.topology, i === 0 ? '10.0.2.15/24' : '10.0.2.16/24') })) };
  const result = trace(lab, q('a/ns1', 'b/ns1'));
  assert.equal(result.reachable, true, result.drop?.reason);
  assert.deepEqual(result.deliveredTo, { host: 'b', namespace: 'ns1', address: '192.168.2.2', port: null });
  assert.ok(result.hops.some((h) => h.host === 'a' && h.by === '192.168.2.0/24 via 10.0.2.16 dev eth0'));
  assert.ok(result.hops.some((h) => h.step === 'leave' && h.says.includes('to lab host b')));
});

test('H: myns → cni0, myns → LAN peer masqueraded through chain-myns', () => {
  const h = asLive(scenarioH(), '192.168.61.11/24');
  assert.equal(trace(h, q('myns', '10.85.0.1')).reachable, true);
  const out = trace(h, q('myns', '192.168.61.12'));
  assert.equal(out.reachable, true);
  assert.equal(out.leftBy?.source, '192.168.61.11');
  assert.equal(out.hops.find((x) => x.step === 'nat-postrouting')?.by, '-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE');
});

test('D on a live host: the host has no route to the veth pair\'s subnet; its default route takes the packet off the host', () => {
  const live = asLive(scenarioD(), '10.99.4.10/24');
  live.namespaces.find((n) => n.root)!.routes.push({ to: 'default', via: '10.99.4.1', dev: 'eth0' });
  const result = trace(live, q('host', 'ns1'));
  assert.equal(result.reachable, false);
  assert.equal(result.drop?.reason, '192.168.1.1 is ns1\'s address, but the packet leaves the host by eth0');
  assert.equal(trace(live, q('ns1', 'host')).drop?.reason, 'no route to 10.99.4.10');
});
