import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { bridgeId, egressPortId, interfaceId, namespaceId } from '../../src/diagram/ids';
import { MAX_LISTED, namespaceLines } from '../../src/diagram/box-content';
import { asLive, scenarioA, scenarioD, scenarioF, scenarioG, scenarioH } from './fixtures/scenario-topologies';

test('scenario A: bridge ports on the bridge, host veth end on the host box, DNAT to the owner of the address', () => {
  const model = buildDiagramModel({ title: 'A', hosts: [{ name: 'host', desired: scenarioA() }] });
  assert.equal(model.mode, 'desired');
  const host = model.hosts[0];
  assert.deepEqual(host.bridges.map((b) => [b.name, b.ports.map((p) => p.name)]), [['br0', ['veth2', 'veth3']]]);
  assert.deepEqual(host.ports.filter((p) => p.role === 'interface').map((p) => p.name), ['veth1']);
  assert.deepEqual(host.children.map((ns) => ns.name), ['netns1', 'netns2', 'netns3']);
  const veths = model.links.filter((l) => l.linkKind === 'veth');
  assert.deepEqual(veths.map((l) => [l.source, l.target]), [
    [interfaceId('host', 'host', 'veth1'), interfaceId('host', 'netns1', 'veth1-peer')],
    [interfaceId('host', 'host', 'veth2'), interfaceId('host', 'netns2', 'veth2-peer')],
    [interfaceId('host', 'host', 'veth3'), interfaceId('host', 'netns3', 'veth3-peer')],
  ]);
  const dnat = model.links.find((l) => l.linkKind === 'dnat')!;
  assert.equal(dnat.target, interfaceId('host', 'netns2', 'veth2-peer'));
  assert.deepEqual(dnat.labels.map((l) => l.text), ['→ 172.16.0.102:80']);
  const entry = model.links.find((l) => l.linkKind === 'dnat-entry')!;
  assert.equal(entry.source, 'outside');
  assert.deepEqual(entry.labels.map((l) => l.text), ['not in br0']);
  assert.equal(host.ports.find((p) => p.id === entry.target)!.name, 'DNAT tcp 8088');
  // No uplink in a file: the masquerade mark goes on the host's egress.
  const egress = model.links.find((l) => l.target === egressPortId('host'))!;
  assert.deepEqual(egress.labels.map((l) => l.text), ['MASQ from 172.16.0.0/24, not out br0']);
  assert.ok(model.outside);
});

test('live A: the LAN interface is an uplink that carries the masquerade mark; loopbacks are lines', () => {
  const model = buildDiagramModel({ title: 'A', hosts: [{ name: 'local', live: asLive(scenarioA()) }] });
  assert.equal(model.mode, 'live');
  const host = model.hosts[0];
  assert.equal(host.ports.find((p) => p.name === 'eth0')!.role, 'uplink');
  assert.ok(!host.ports.some((p) => p.role === 'egress'), 'no synthetic egress when a real uplink exists');
  const uplink = model.links.find((l) => l.linkKind === 'uplink')!;
  assert.equal(uplink.target, interfaceId('local', 'host', 'eth0'));
  assert.deepEqual(uplink.labels.map((l) => l.text), ['MASQ from 172.16.0.0/24, not out br0']);
  assert.deepEqual(host.children.map((ns) => ns.loopbacks.map((l) => l.name)), [['lo'], ['lo'], ['lo']]);
  assert.ok(!host.children.some((ns) => ns.ports.some((p) => p.interfaceKind === 'loopback')));
});

test('a masquerade rule marks only the uplinks its -o matches', () => {
  const live = asLive(scenarioA());
  const root = live.namespaces[0];
  root.interfaces.push({ ...root.interfaces.find((i) => i.name === 'eth0')!, name: 'wlan0', addresses: ['10.9.0.2/24'] });
  root.nat = root.nat.map((rule) => (rule.target.kind === 'MASQUERADE' ? { ...rule, outInterface: { value: 'wlan0', negated: false } } : rule));
  const model = buildDiagramModel({ title: 'A', hosts: [{ name: 'h', live }] });
  const marks = Object.fromEntries(model.links.filter((l) => l.linkKind === 'uplink').map((l) => [l.ref.interface, l.labels.length]));
  assert.deepEqual(marks, { eth0: 0, wlan0: 1 });
});

test('D and F: namespace to namespace links run from the busier namespace down', () => {
  const d = buildDiagramModel({ title: 'D', hosts: [{ name: 'h', desired: scenarioD() }] });
  assert.equal(d.links.length, 1);
  assert.equal(d.outside, null, 'nothing crosses the host edge');
  assert.equal(d.links[0].source, interfaceId('h', 'ns1', 'veth-ns1'));
  const f = buildDiagramModel({ title: 'F', hosts: [{ name: 'h', desired: scenarioF() }] });
  assert.deepEqual(f.links.map((l) => l.source), [interfaceId('h', 'ns-router', 'veth-ns1-router'), interfaceId('h', 'ns-router', 'veth-ns2-router')]);
  const router = f.hosts[0].children.find((ns) => ns.name === 'ns-router')!;
  assert.equal(router.forwarding, true);
  assert.deepEqual(f.hosts[0].children.find((ns) => ns.name === 'ns1')!.routes.map((r) => r.text), ['192.168.2.0/24 via 192.168.1.1']);
});

test('G: two hosts both reach the LAN', () => {
  const model = buildDiagramModel({ title: 'G', hosts: scenarioG().hosts.map((h) => ({ name: h.name, desired: h.topology })) });
  assert.equal(model.outside?.label, 'LAN / outside');
  assert.deepEqual(model.links.filter((l) => l.linkKind === 'uplink').map((l) => l.target), [egressPortId('a'), egressPortId('b')]);
  assert.notEqual(namespaceId('a', 'ns1'), namespaceId('b', 'ns1'), 'same namespace name on two hosts, two elements');
});

test('H: a masquerade inside a user chain is a mark; the jump to it is listed in the host box', () => {
  const model = buildDiagramModel({ title: 'H', hosts: [{ name: 'h', desired: scenarioH() }] });
  const host = model.hosts[0];
  assert.deepEqual(host.hostNat.map((n) => n.action), ['other', 'other', 'masquerade']);
  const egress = model.links.find((l) => l.linkKind === 'uplink')!;
  assert.deepEqual(egress.labels.map((l) => l.text), ['chain-myns: MASQ not to 224.0.0.0/4']);
  assert.equal(host.bridges[0].id, bridgeId('h', 'host', 'cni0'));
});

test('a box lists a bounded number of routes, drifting ones first, and counts the rest', () => {
  const desired = scenarioD();
  const live = asLive(scenarioD());
  const routes = Array.from({ length: 20 }, (_, i) => ({ to: `10.9.${i}.0/24`, via: '192.168.1.2', dev: null }));
  desired.namespaces[1].routes = routes.slice(0, 19);
  live.namespaces[1].routes = routes;
  const ns = buildDiagramModel({ title: 'D', hosts: [{ name: 'h', desired, live }] }).hosts[0].children[0];
  const lines = namespaceLines(ns).filter((l) => l.role === 'route');
  assert.equal(lines.length, MAX_LISTED);
  assert.equal(lines[0].text, '↳ 10.9.19.0/24 via 192.168.1.2', 'the route only on the host comes first');
  assert.equal(lines[0].status, 'only-host');
  assert.equal(lines[MAX_LISTED - 1].text, `… ${20 - (MAX_LISTED - 1)} more routes`);
});
