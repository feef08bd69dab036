// The Firewall node of the Hosts tree, built from hand-made hosts of real software (Docker, CNI, firewalld).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Topology } from '../../src/model/topology';
import type { HostConnection } from '../../src/extension/host-state';
import { hostNode, walk, type TreeNode } from '../../src/extension/tree-model';
import { cniHost, DOCKER_NETNS, dockerHost, firewalldHost } from './fixtures/firewall-hosts';

function connected(topology: Topology): TreeNode {
  const connection: HostConnection = { state: 'connected', topology, updatedAt: 0, following: 'live', stale: null };
  return hostNode({ entry: { destination: 'root@10.0.1.48', label: null, identityFile: null }, connection });
}

function child(node: TreeNode, label: string): TreeNode {
  const found = node.children().find((c) => c.label === label);
  assert.ok(found, `no "${label}" under "${node.label}"; have ${node.children().map((c) => c.label).join(' | ')}`);
  return found;
}

function path(node: TreeNode, ...labels: string[]): TreeNode {
  return labels.reduce(child, node);
}

test('a Docker host\'s namespace has a Firewall node: filter first, chains with policies, rules in plain words', () => {
  const hostNs = path(connected(dockerHost()), 'Namespaces', 'host');
  assert.deepEqual(hostNs.children().map((c) => c.label), ['lo', 'eth0', 'docker0', 'veth1a2b3c', 'Routes', 'Firewall', 'forwarding on']);
  const firewall = child(hostNs, 'Firewall');
  assert.equal(firewall.description, 'FORWARD policy DROP · 12 rules');
  assert.equal(firewall.icon.color, 'errorForeground');
  assert.deepEqual(firewall.children().map((c) => c.label), ['filter', 'mangle']);
  const filter = child(firewall, 'filter');
  assert.equal(filter.description, '7 chains · 12 rules');
  assert.equal(child(firewall, 'mangle').description, '5 chains · 0 rules · read-only');
  assert.deepEqual(filter.children().map((c) => c.label), [
    'INPUT policy ACCEPT', 'FORWARD policy DROP', 'OUTPUT policy ACCEPT', 'DOCKER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER',
  ]);
  const forward = child(filter, 'FORWARD policy DROP');
  assert.deepEqual(forward.children().map((c) => c.label), [
    'go to chain DOCKER-USER', 'go to chain DOCKER-ISOLATION-STAGE-1', 'accept established, related leaving by docker0',
    'go to chain DOCKER leaving by docker0', 'accept arriving by docker0 leaving by any but docker0', 'accept arriving by docker0 leaving by docker0',
  ]);
  const established = forward.children()[2];
  assert.equal(established.tooltip.split('\n')[0], 'iptables -t filter -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT');
  assert.equal(established.icon.id, 'pass');
  assert.equal(child(child(filter, 'DOCKER-ISOLATION-STAGE-2'), 'drop leaving by docker0').icon.color, 'errorForeground');
  assert.equal(child(filter, 'DOCKER').description, 'user chain · 1 rule');
});

test('every firewall row is read-only: no editable or removable token, so no remove command applies', () => {
  for (const topology of [dockerHost(), cniHost(), firewalldHost()]) {
    const rows = walk(connected(topology)).filter((n) => ['firewall', 'firewallTable', 'firewallChain', 'firewallRule', 'nftTable', 'nftChain', 'nftRule'].includes(n.kind));
    assert.ok(rows.length > 3);
    for (const row of rows) {
      assert.doesNotMatch(row.contextValue, /(^| )(editable|removable)( |$)/, row.label);
      assert.match(row.contextValue, /(^| )readonly( |$)/);
      assert.equal(row.editable, false);
    }
  }
});

test('CNI-FORWARD shows with its comment beside the jump', () => {
  const filter = path(connected(cniHost()), 'Namespaces', 'host', 'Firewall', 'filter');
  const jump = child(child(filter, 'FORWARD policy ACCEPT'), 'go to chain CNI-FORWARD');
  assert.equal(jump.description, '“CNI firewall plugin rules”');
  assert.deepEqual(child(filter, 'CNI-FORWARD').children().map((c) => c.label), [
    'go to chain CNI-ADMIN', 'accept established, related to 10.88.0.2', 'accept from 10.88.0.2',
  ]);
});

test('native nft tables show by owner, chains with type/hook/priority/policy, rules with nft text in the tooltip', () => {
  const firewall = path(connected(firewalldHost()), 'Namespaces', 'host', 'Firewall');
  assert.equal(firewall.description, 'firewalld filter_FORWARD policy drop · 8 rules · 1 nft table');
  const table = child(firewall, 'firewalld: inet firewalld');
  assert.equal(table.description, '3 chains · 8 rules · read-only');
  const forward = child(table, 'filter_FORWARD');
  assert.equal(forward.description, 'filter hook forward priority 10 policy drop · 5 rules');
  assert.equal(forward.icon.color, 'errorForeground');
  const rules = forward.children();
  assert.deepEqual(rules.map((r) => r.label), ['accept established, related', 'drop invalid', 'accept arriving by lo', 'go to chain filter_FORWARD_POLICIES', 'reject']);
  assert.equal(rules[0].tooltip.split('\n')[0], 'ct state { established, related } accept');
  assert.equal(rules[4].description, 'more expressions (see tooltip)');
  assert.match(rules[4].tooltip, /not modelled: with icmpx admin-prohibited/);
  // A rule with no decoded verdict reads as its nft text.
  assert.equal(child(table, 'filter_FORWARD_POLICIES').children()[1].label, 'tcp dport 22 counter packets 0 bytes 0');
});

test('a namespace held by a container is labelled by it; its id and commands stay keyed on the name', () => {
  const host = connected(dockerHost());
  const ns = child(child(host, 'Namespaces'), 'docker web-1 (compose shop)');
  assert.equal(ns.namespace, DOCKER_NETNS);
  assert.equal(ns.ref?.namespace, DOCKER_NETNS);
  assert.match(ns.id, /cf43a1b2c3d4/);
  assert.match(ns.tooltip, /held by docker web-1 \(compose shop\) \(id cf43a1b2c3d4e5f6\)/);
  assert.equal(child(path(host, 'Namespaces', 'host'), 'veth1a2b3c').description, '⇄ docker web-1 (compose shop):eth0 · on docker0');
  assert.ok(!ns.children().some((c) => c.label === 'Firewall'), 'no Firewall node where there is nothing to show');
});

test('host strings in firewall rows are made printable', () => {
  const topology = cniHost();
  const table = topology.namespaces[0].iptables![0];
  table.chains.push({ name: 'EVIL\u202e\u001b[31m', policy: null });
  table.rules.push({ ...table.rules[3], chain: 'EVIL\u202e\u001b[31m', rule: '-A EVIL\u202e\u001b[31m -j ACCEPT', comment: 'x\u0007' });
  for (const row of walk(connected(topology))) {
    for (const text of [row.label, row.description ?? '', row.tooltip]) assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u202e]/, text);
  }
});
