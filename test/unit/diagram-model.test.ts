import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel, MAX_DNAT_PORTS } from '../../src/diagram/build-model';
import { describeElement } from '../../src/diagram/details';
import { searchText } from '../../src/diagram/search';
import { parseNatRule } from '../../src/model/nat';
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

test('a host that publishes many ports draws one port per element they reach, with every rule in its details', () => {
  const withPorts = (topology: ReturnType<typeof scenarioA>, count: number) => {
    const root = topology.namespaces.find((ns) => ns.root)!;
    for (let i = 0; i < count; i++) {
      const to = i % 3 === 2 ? '172.16.0.103' : '172.16.0.102';
      root.nat.push(parseNatRule(`-A PREROUTING -p tcp -m tcp --dport ${9000 + i} -j DNAT --to-destination ${to}:${80 + i}`)!);
    }
    root.nat.push(parseNatRule('-A PREROUTING -p udp -m udp --dport 53 -j DNAT --to-destination 10.9.9.9:53')!);
    return topology;
  };
  const model = buildDiagramModel({ title: 'many', hosts: [{ name: 'h', desired: withPorts(scenarioA(), 30) }] });
  const ports = model.hosts[0].ports.filter((p) => p.role === 'dnat');
  // Scenario A's own rule, 30 more and one to an address nobody has: one port per element reached, and one more.
  assert.deepEqual(ports.map((p) => p.name).sort(), ['DNAT ×1', 'DNAT ×10', 'DNAT ×21']);
  const big = ports.find((p) => p.name === 'DNAT ×21')!;
  assert.equal(big.rules!.length, 21);
  assert.match(big.lines[1], /^tcp 8088, 9000, 9001, 9003/);
  assert.ok(searchText(big).includes('--dport 9028'), 'every rule can be searched for');
  assert.equal(describeElement(big).fields.filter(([key]) => key === 'rule').length, 21);
  const reached = model.links.filter((l) => l.linkKind === 'dnat').map((l) => [l.target, l.natIds.length]);
  assert.deepEqual(reached.sort(), [[interfaceId('h', 'netns2', 'veth2-peer'), 21], [interfaceId('h', 'netns3', 'veth3-peer'), 10]]);
  const entries = model.links.filter((l) => l.linkKind === 'dnat-entry');
  assert.equal(entries.length, 3);
  // The arrow in carries conditions only when all of its rules share them (scenario A's rule has `! -i br0`).
  assert.deepEqual(entries.map((l) => l.labels.map((x) => x.text)), [[], [], []]);
  const lost = ports.find((p) => p.name === 'DNAT ×1')!;
  assert.deepEqual(lost.lines, ['DNAT ×1', 'udp 53', '→ 10.9.9.9']);

  // In a drift view a group that holds a rule only on the host is marked as differing.
  const live = asLive(withPorts(scenarioA(), 30));
  live.namespaces[0].nat.push(parseNatRule('-A PREROUTING -p tcp -m tcp --dport 7777 -j DNAT --to-destination 172.16.0.102:7777')!);
  const drift = buildDiagramModel({ title: 'many', hosts: [{ name: 'h', desired: withPorts(scenarioA(), 30), live }] });
  const statuses = drift.hosts[0].ports.filter((p) => p.role === 'dnat').map((p) => [p.name, p.status]).sort();
  assert.deepEqual(statuses, [['DNAT ×1', 'same'], ['DNAT ×10', 'same'], ['DNAT ×22', 'differs']]);

  // Rules that all arrive the same way say so on the one arrow in.
  const alike = scenarioA();
  for (let i = 0; i < MAX_DNAT_PORTS; i++) {
    alike.namespaces[0].nat.push(parseNatRule(`-A PREROUTING ! -i br0 -p tcp -m tcp --dport ${7000 + i} -j DNAT --to-destination 172.16.0.102:80`)!);
  }
  const alikeModel = buildDiagramModel({ title: 'alike', hosts: [{ name: 'h', desired: alike }] });
  assert.deepEqual(alikeModel.links.filter((l) => l.linkKind === 'dnat-entry').map((l) => l.labels.map((x) => x.text)), [['not in br0']]);

  // A few published ports stay one port each.
  const few = buildDiagramModel({ title: 'few', hosts: [{ name: 'h', desired: withPorts(scenarioA(), MAX_DNAT_PORTS - 2) }] });
  assert.equal(few.hosts[0].ports.filter((p) => p.role === 'dnat').length, MAX_DNAT_PORTS);
});
