import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { allElements, type DiagramElement } from '../../src/diagram/model';
import { interfaceId, namespaceId, routeId } from '../../src/diagram/ids';
import { parseNatRule } from '../../src/model/nat';
import { asLive, namespace, scenarioA, scenarioC, vethEnd } from './fixtures/scenario-topologies';

function statusOf(elements: DiagramElement[], id: string): string | undefined {
  return elements.find((e) => e.id === id)?.status;
}

test('a host that matches its file shows no drift, loopbacks and kernel routes included', () => {
  const live = asLive(scenarioC());
  live.namespaces.find((ns) => ns.name === 'net1')!.routes.push({ to: '192.168.0.0/24', via: null, dev: 'veth1' });
  const model = buildDiagramModel({ title: 'C', hosts: [{ name: 'h', desired: scenarioC(), live }] });
  assert.equal(model.mode, 'drift');
  const drifting = allElements(model).filter((e) => e.status !== 'same').map((e) => `${e.status} ${e.id}`);
  // The host's own LAN interface (and its link out) is not in the file, and is not drift: it is drawn as context.
  assert.deepEqual(drifting, []);
  assert.ok(allElements(model).some((e) => e.id === interfaceId('h', 'host', 'eth0')), 'eth0 is still drawn');
  assert.deepEqual(model.links.find((l) => l.linkKind === 'uplink')!.labels.map((m) => m.status), ['same'], 'the masquerade rule is in both');
});

test('only in the file, only on the host, and differing elements are told apart', () => {
  const desired = scenarioA();
  const live = asLive(scenarioA());
  live.namespaces = live.namespaces.filter((ns) => ns.name !== 'netns3');
  live.namespaces[0].interfaces = live.namespaces[0].interfaces.filter((i) => i.name !== 'veth3');
  live.namespaces.push(namespace('docker-x', { interfaces: [vethEnd('eth0', 'host:vethabc')] }));
  const netns1 = live.namespaces.find((ns) => ns.name === 'netns1')!;
  netns1.forwarding = true;
  netns1.interfaces.find((i) => i.name === 'veth1-peer')!.addresses = ['172.16.0.9/24'];
  live.namespaces.find((ns) => ns.name === 'netns2')!.routes = [{ to: 'default', via: '172.16.0.1', dev: null }];
  live.namespaces[0].nat = live.namespaces[0].nat.filter((r) => r.target.kind !== 'DNAT');
  live.namespaces[0].nat.push(parseNatRule('-A POSTROUTING -s 10.1.0.0/16 -j MASQUERADE')!);

  const model = buildDiagramModel({ title: 'A', hosts: [{ name: 'h', desired, live }] });
  const elements = allElements(model);
  assert.equal(statusOf(elements, namespaceId('h', 'netns3')), 'only-file');
  assert.equal(statusOf(elements, interfaceId('h', 'netns3', 'veth3-peer')), 'only-file', 'inside a missing namespace, all is missing');
  assert.equal(statusOf(elements, interfaceId('h', 'host', 'veth3')), 'only-file');
  assert.equal(statusOf(elements, namespaceId('h', 'docker-x')), 'only-host');
  assert.equal(statusOf(elements, namespaceId('h', 'netns1')), 'differs');
  const port = elements.find((e) => e.id === interfaceId('h', 'netns1', 'veth1-peer'))!;
  assert.equal(port.status, 'differs');
  assert.deepEqual(port.differences, ['addresses: file 172.16.0.2/24 · host 172.16.0.9/24']);
  assert.equal(statusOf(elements, routeId('h', 'netns2', 'default')), 'differs');
  const veth3 = model.links.find((l) => l.id.includes('veth3'))!;
  assert.equal(veth3.status, 'only-file');
  // NAT drawn after merging: the missing DNAT is a dashed arrow, the extra masquerade a highlighted mark.
  assert.equal(model.links.find((l) => l.linkKind === 'dnat')!.status, 'only-file');
  const marks = model.links.find((l) => l.linkKind === 'uplink')!.labels;
  assert.deepEqual(marks.map((m) => [m.text, m.status]), [
    ['MASQ from 172.16.0.0/24, not out br0', 'same'],
    ['MASQ from 10.1.0.0/16', 'only-host'],
  ]);
});

test('an interface moved to another bridge is marked as differing, drawn where it really is', () => {
  const desired = scenarioA();
  const live = asLive(scenarioA());
  live.namespaces[0].interfaces.push({ name: 'br1', kind: 'bridge', state: 'up', mtu: 1500, mac: null, addresses: [], master: null, peer: null });
  live.namespaces[0].interfaces.find((i) => i.name === 'veth3')!.master = 'br1';
  const model = buildDiagramModel({ title: 'A', hosts: [{ name: 'h', desired, live }] });
  const br1 = model.hosts[0].bridges.find((b) => b.name === 'br1')!;
  assert.equal(br1.status, 'only-host');
  const veth3 = br1.ports.find((p) => p.name === 'veth3')!;
  assert.equal(veth3.status, 'differs');
  assert.deepEqual(veth3.differences, ['bridge: file br0 · host br1']);
});

test('a route the file gives without a device matches the live route through any device', () => {
  const live = asLive(scenarioC());
  live.namespaces.find((ns) => ns.name === 'net1')!.routes = [{ to: 'default', via: '192.168.0.1', dev: 'veth1' }];
  const model = buildDiagramModel({ title: 'C', hosts: [{ name: 'h', desired: scenarioC(), live }] });
  assert.equal(statusOf(allElements(model), routeId('h', 'net1', 'default')), 'same');
  const desired = scenarioC();
  desired.namespaces.find((ns) => ns.name === 'net1')!.routes = [{ to: 'default', via: '192.168.0.1', dev: 'eth9' }];
  const strict = buildDiagramModel({ title: 'C', hosts: [{ name: 'h', desired, live }] });
  assert.equal(statusOf(allElements(strict), routeId('h', 'net1', 'default')), 'differs');
});
