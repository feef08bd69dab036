// The diagram's firewall marks: drop policies and the rules that accept or drop forwarded packets, at the
// edge of each namespace box, with every table, chain and rule in the details; live-only, never drift.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { describeElement } from '../../src/diagram/details';
import { firewallLines, hostLines, namespaceLines } from '../../src/diagram/box-content';
import { renderTopologySvg } from '../../src/diagram/index';
import { createElkEngine } from '../../src/diagram/elk-engine';
import { searchText } from '../../src/diagram/search';
import type { Topology } from '../../src/model/topology';
import { cniHost, DOCKER_NETNS, dockerHost, firewalldHost } from './fixtures/firewall-hosts';
import { byDataId, parseXml, walk } from './fixtures/xml-check';

function live(topology: Topology) {
  return buildDiagramModel({ title: 't', hosts: [{ name: 'h', live: topology }] }).hosts[0];
}

test('a Docker host: FORWARD policy DROP and the forward rules, in order, reached through the jumps', () => {
  const host = live(dockerHost());
  assert.deepEqual(host.firewall!.dropPolicies, ['FORWARD policy DROP']);
  assert.deepEqual(host.firewall!.forwardRules.map((r) => `${r.verdict} ${r.summary}`), [
    'drop DOCKER-ISOLATION-STAGE-2: DROP out docker0',
    'accept ACCEPT est/rel, out docker0',
    'accept DOCKER: ACCEPT to 172.17.0.2, not in docker0, out docker0, tcp 80',
    'accept ACCEPT in docker0, not out docker0',
    'accept ACCEPT in docker0, out docker0',
  ]);
  const lines = hostLines(host).filter((l) => l.role === 'firewall').map((l) => l.text);
  assert.deepEqual(lines, [
    '⊘ FORWARD policy DROP', 'forward rules: 4 accept, 1 drop',
    '  DOCKER-ISOLATION-STAGE-2: DROP out docker0', '  ACCEPT est/rel, out docker0', '  DOCKER: ACCEPT to 172.17.0.2, not in docker0, out docker0, tc…',
    '  … 2 more (details)',
  ]);
  assert.ok(!hostLines(host).some((l) => l.text.includes('FORWARD DROP')), 'the policy is said once');
});

test('the details pane lists the blocking policy, the forward rules and every chain and rule', () => {
  const host = live(dockerHost());
  const fields = describeElement(host).fields;
  assert.deepEqual(fields.find(([k]) => k === 'forwarding blocked'), ['forwarding blocked', 'FORWARD policy DROP']);
  assert.ok(fields.some(([k, v]) => k === 'forward drop' && v === '-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP'));
  assert.ok(fields.some(([k, v]) => k === 'filter chain' && v === 'DOCKER-USER'));
  assert.ok(fields.some(([k, v]) => k === 'filter rule' && v === '-A DOCKER-USER -j RETURN'));
  assert.ok(fields.some(([k, v]) => k === 'mangle chain' && v === 'PREROUTING policy ACCEPT'));
});

test('a firewalld host: the native forward chain\'s drop policy and its rules, through its jump', () => {
  const host = live(firewalldHost());
  assert.deepEqual(host.firewall!.dropPolicies, ['firewalld filter_FORWARD policy drop']);
  assert.deepEqual(host.firewall!.forwardRules.map((r) => `${r.verdict} ${r.summary}`), [
    'accept accept est/rel', 'drop drop invalid', 'accept accept in lo', 'accept filter_FORWARD_POLICIES: accept in podman0, out eth0', 'drop reject',
  ]);
  const fields = describeElement(host).fields;
  assert.ok(fields.some(([k, v]) => k === 'nft table' && v === 'firewalld: inet firewalld'));
  assert.ok(fields.some(([k, v]) => k === 'nft chain' && v === 'filter_FORWARD: filter hook forward priority 10 policy drop'));
  assert.ok(fields.some(([k, v]) => k === 'nft rule' && v === 'nat_POSTROUTING: ip saddr 10.89.0.0/24 oifname != "podman0" masquerade'));
});

test('a CNI host: no drop policy, the CNI-FORWARD accepts are counted', () => {
  const host = live(cniHost());
  assert.deepEqual(host.firewall!.dropPolicies, []);
  assert.deepEqual(firewallLines(host).map((l) => l.text), [
    'forward rules: 2 accept', '  CNI-FORWARD: ACCEPT est/rel, to 10.88.0.2', '  CNI-FORWARD: ACCEPT from 10.88.0.2',
  ]);
});

test('a container\'s box is titled by its holder and found by it; ids stay keyed on the name', () => {
  const host = live(dockerHost());
  const ns = host.children[0];
  assert.equal(ns.name, DOCKER_NETNS);
  assert.equal(ns.label, 'docker web-1 (compose shop)');
  assert.equal(namespaceLines(ns)[0].text, 'docker web-1 (compose shop)');
  assert.match(ns.id, /cf43a1b2c3d4/);
  assert.equal(describeElement(ns).title, 'namespace docker web-1 (compose shop)');
  assert.match(searchText(ns), /web-1/);
  assert.equal(ns.firewall, null);
});

test('drift: firewall facts are live-only, so a file that does not declare them shows no drift', () => {
  const topology = dockerHost();
  const desired = structuredClone(topology);
  for (const ns of desired.namespaces) { delete ns.iptables; delete ns.sysctls; delete ns.holder; }
  desired.namespaces = desired.namespaces.filter((ns) => ns.root);
  const model = buildDiagramModel({ title: 't', hosts: [{ name: 'h', desired, live: topology }] });
  assert.equal(model.mode, 'drift');
  const host = model.hosts[0];
  assert.equal(host.status, 'same', host.differences.join('; '));
  assert.deepEqual(host.firewall!.dropPolicies, ['FORWARD policy DROP']);
  assert.ok(firewallLines(host).every((l) => l.status === 'same'));
});

test('the SVG draws the mark on the box\'s edge, as text nodes only', async () => {
  const { svg } = await renderTopologySvg({ title: 't', hosts: [{ name: 'h', live: dockerHost() }] }, { elk: createElkEngine() });
  const root = parseXml(svg);
  const marks = [...walk(root)].filter((n) => n.name === 'rect' && (n.attrs.class ?? '').includes('vnet-fw-mark'));
  assert.equal(marks.length, 1);
  assert.match(marks[0].attrs.class, /fw-blocked/);
  const box = byDataId(root).get('host:h');
  assert.ok(box, [...byDataId(root).keys()].join(' '));
  assert.ok(svg.includes('⊘ FORWARD policy DROP'));
});
