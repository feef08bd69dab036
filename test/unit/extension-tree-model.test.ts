// The Hosts tree's view-model, built from real Topologies: scenario A as the language lowers it, and a live
// probe output captured from a real kernel (odd names, anonymous namespaces, both iptables backends).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileVnet } from '../../src/language/index';
import { parseProbeOutput } from '../../src/host/probe-parse';
import type { Topology } from '../../src/model/topology';
import type { HostConnection } from '../../src/extension/host-state';
import { hostNode, interfaceStateColor, orderedNamespaces, vethPairs, walk, type TreeNode } from '../../src/extension/tree-model';

const root = join(__dirname, '../..');
const scenarioA = compileVnet(readFileSync(join(root, 'examples/a-bridge-nat.vnet'), 'utf8')).lab!.hosts[0].topology;
const rich = parseProbeOutput(readFileSync(join(root, 'test/fixtures/probe/rich-netlink.txt'), 'utf8'), '@@fixture0nonce', 'local');

function connected(topology: Topology, destination = 'root@10.0.1.48'): TreeNode {
  const connection: HostConnection = { state: 'connected', topology, updatedAt: 0, following: 'live', stale: null };
  return hostNode({ entry: { destination, label: null, identityFile: null }, connection });
}

function child(node: TreeNode, label: string): TreeNode {
  const found = node.children().find((c) => c.label === label);
  assert.ok(found, `no "${label}" under "${node.label}"; have ${node.children().map((c) => c.label).join(' | ')}`);
  return found;
}

function path(node: TreeNode, ...labels: string[]): TreeNode {
  return labels.reduce(child, node);
}

test('a host shows Namespaces, Bridges, Links and NAT, with the root namespace "host" first', () => {
  const host = connected(scenarioA);
  assert.deepEqual(host.children().map((c) => c.label), ['Namespaces', 'Bridges', 'Links', 'NAT']);
  assert.deepEqual(child(host, 'Namespaces').children().map((c) => c.label), ['host', 'netns1', 'netns2', 'netns3']);
  assert.equal(host.description, '3 namespaces');
  assert.match(host.contextValue, /(^| )connected( |$)/);
});

test('an interface shows its kind icon, state colour, addresses, veth peer and master bridge', () => {
  const hostNs = path(connected(scenarioA), 'Namespaces', 'host');
  const veth1 = child(hostNs, 'veth1');
  assert.equal(veth1.icon.id, 'plug');
  assert.equal(veth1.icon.color, 'charts.green');
  assert.equal(veth1.description, '172.16.0.1/24 · ⇄ netns1:veth1-peer');
  assert.deepEqual(veth1.children().map((c) => c.label), ['172.16.0.1/24']);
  assert.equal(child(hostNs, 'veth2').description, '⇄ netns2:veth2-peer · on br0');
  assert.equal(child(hostNs, 'br0').icon.id, 'type-hierarchy-sub');
  assert.match(veth1.tooltip, /other end: veth1-peer in netns1/);
});

test('state colours: up and running, up without carrier, down', () => {
  const base = { name: 'x', kind: 'veth' as const, mtu: null, mac: null, addresses: [], master: null, peer: null };
  assert.equal(interfaceStateColor({ ...base, state: 'up', operstate: 'UP' }), 'charts.green');
  assert.equal(interfaceStateColor({ ...base, state: 'up', operstate: 'LOWERLAYERDOWN' }), 'charts.yellow');
  assert.equal(interfaceStateColor({ ...base, state: 'down', operstate: 'DOWN' }), 'disabledForeground');
});

test('a namespace lists its routes under Routes and its forwarding state', () => {
  const netns2 = path(connected(scenarioA), 'Namespaces', 'netns2');
  assert.deepEqual(child(netns2, 'Routes').children().map((c) => c.label), ['default via 172.16.0.100']);
  assert.equal(netns2.children().at(-1)!.label, 'forwarding off');
  assert.equal(path(connected(scenarioA), 'Namespaces', 'host', 'forwarding on').icon.color, 'charts.green');
});

test('Bridges lists each bridge with its ports; Links lists each veth pair once with both ends', () => {
  const host = connected(scenarioA);
  const br0 = path(host, 'Bridges', 'br0');
  assert.deepEqual(br0.children().map((c) => c.label), ['veth2', 'veth3']);
  assert.equal(br0.description, '172.16.0.100/24 · 2 ports');
  const links = child(host, 'Links').children();
  assert.deepEqual(links.map((l) => l.label), ['host:veth1 ⇄ netns1:veth1-peer', 'host:veth2 ⇄ netns2:veth2-peer', 'host:veth3 ⇄ netns3:veth3-peer']);
  assert.deepEqual(links[0].children().map((c) => c.label), ['veth1', 'veth1-peer']);
  assert.equal(links[1].description, 'on br0 ⇄ 172.16.0.102/24');
  // A pair inside one namespace is one link, not two.
  assert.equal(vethPairs(rich).filter((p) => p.a.ns.name === 'b').length, 1);
});

test('NAT shows each namespace, its chains in packet order, and rules worded plainly with the raw rule in the tooltip', () => {
  const nat = path(connected(scenarioA), 'NAT', 'host');
  assert.deepEqual(nat.children().map((c) => c.label), ['PREROUTING', 'POSTROUTING']);
  const dnat = child(nat, 'PREROUTING').children()[0];
  assert.equal(dnat.label, 'tcp :8088 → 172.16.0.102:80 arriving by any but br0');
  assert.match(dnat.tooltip, /^iptables -t nat -A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172\.16\.0\.102:80$/m);
  assert.equal(child(nat, 'POSTROUTING').children()[0].label, 'masquerade 172.16.0.0/24 leaving by any but br0');
  // User chains follow the built-in ones.
  assert.deepEqual(path(connected(rich), 'NAT', 'host').children().map((c) => c.label), ['PREROUTING', 'POSTROUTING', 'chain-x']);
});

test('every node has an id unique in the whole tree, and the same id on the next build', () => {
  for (const topology of [scenarioA, rich]) {
    const ids = walk(connected(topology)).map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
    assert.deepEqual(walk(connected(structuredClone(topology))).map((n) => n.id), ids);
  }
});

test('host data with markup or control characters is plain text everywhere', () => {
  const nodes = walk(connected(rich, 'local'));
  const escape = nodes.find((n) => n.label.startsWith('e\\x1b'));
  assert.ok(escape, 'the bridge named with an ESC character is shown with the escape written out');
  assert.equal(escape.label, 'e\\x1b[31m');
  for (const node of nodes) {
    for (const text of [node.label, node.description ?? '', node.tooltip]) {
      assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f\u202e]/, `control character in ${JSON.stringify(text)}`);
    }
  }
  const weird = path(connected(rich, 'local'), 'Namespaces', `we ird'"<b>ü`);
  assert.equal(weird.children()[1].label, `p'q<b>`, 'markup stays text, unchanged');
  const bidi = hostNode({ entry: { destination: 'h1', label: 'evil\u202egnp.exe', identityFile: null }, connection: { state: 'connecting' } });
  assert.equal(bidi.label, 'evil\\u202egnp.exe');
});

test('anonymous namespaces are shown but offer no changes by name', () => {
  const namespaces = child(connected(rich, 'local'), 'Namespaces').children();
  assert.deepEqual(namespaces.map((n) => n.label).slice(-2), ['/run/docker/netns/abc', 'pid:24']);
  const docker = namespaces.find((n) => n.label === '/run/docker/netns/abc')!;
  assert.match(docker.contextValue, /(^| )anonymous( |$)/);
  assert.doesNotMatch(docker.contextValue, /(^| )editable( |$)/);
  for (const node of walk(docker)) assert.doesNotMatch(node.contextValue, /(^| )(editable|removable)( |$)/);
  assert.deepEqual(orderedNamespaces(rich).map((n) => n.root || n.anonymous === true), [true, false, false, false, true, true]);
});

test('a connecting host says so; a failed one shows the message, Retry and Show log', () => {
  const entry = { destination: 'root@10.9.9.9', label: 'lab box', identityFile: null };
  const connecting = hostNode({ entry, connection: { state: 'connecting' } });
  assert.equal(connecting.label, 'lab box');
  assert.equal(connecting.icon.id, 'loading~spin');
  assert.equal(connecting.description, 'connecting…');

  const message = 'Cannot reach "root@10.9.9.9": connection timed out after 10 s. Check the address.\nssh: connect to host 10.9.9.9 port 22: Connection timed out';
  const failed = hostNode({ entry, connection: { state: 'error', message, code: 'VN-HOST-UNREACHABLE' } });
  assert.equal(failed.icon.id, 'error');
  assert.match(failed.contextValue, /(^| )error( |$)/);
  const rows = failed.children();
  assert.deepEqual(rows.map((r) => r.label), [message.split('\n')[0], 'Retry', 'Show log']);
  assert.equal(rows[1].command?.command, 'vnet.retryHost');
  assert.deepEqual(rows[1].command?.arguments, [{ host: 'root@10.9.9.9' }]);
  assert.equal(rows[2].command?.command, 'vnet.showLog');
  assert.match(failed.tooltip, /VN-HOST-UNREACHABLE/);
  assert.match(rows[0].tooltip, /Connection timed out$/);
});

test('nodes carry what the commands and the topology panel need', () => {
  const host = connected(scenarioA);
  const veth1 = path(host, 'Namespaces', 'host', 'veth1');
  assert.deepEqual(veth1.ref, { kind: 'interface', host: 'root@10.0.1.48', namespace: 'host', interface: 'veth1' });
  assert.equal(veth1.copyName, 'veth1');
  assert.equal(veth1.copyAddress, '172.16.0.1/24');
  const address = veth1.children()[0];
  assert.equal(address.copyAddress, '172.16.0.1');
  const link = child(host, 'Links').children()[0];
  assert.deepEqual(link.ref?.peer, { namespace: 'netns1', interface: 'veth1-peer' });
  const rule = path(host, 'NAT', 'host', 'POSTROUTING').children()[0];
  assert.equal(rule.ref?.kind, 'nat');
  assert.equal(rule.rule?.rule, '-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE');
});
