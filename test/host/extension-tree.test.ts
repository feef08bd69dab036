// The Hosts tree against real hosts: testbed hosts over real ssh, read by the real probe and followed by
// the real live watcher. Scenario A built by hand shows as the tree the issue describes; a change made on
// the host by someone else shows up by itself; a host that disappears turns into an error row with Retry
// while the other host goes on working.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { createHostTransport } from '../../src/extension/host-transport';
import { HostsModel } from '../../src/extension/hosts-model';
import type { HostSession } from '../../src/extension/host-session';
import { hostNode, walk, type TreeNode } from '../../src/extension/tree-model';
import { settingsFor, until } from './extension-support';

let bed: Testbed;
let a: TestHost;
let b: TestHost;
let model: HostsModel;
const logged: string[] = [];

function tree(session: HostSession): TreeNode {
  return hostNode(session.view());
}

function labels(node: TreeNode, ...path: string[]): string[] {
  let current = node;
  for (const label of path) {
    const next = current.children().find((c) => c.label === label);
    assert.ok(next, `no "${label}" under "${current.label}": ${current.children().map((c) => c.label).join(' | ')}`);
    current = next;
  }
  return current.children().map((c) => c.label);
}

before(async () => {
  bed = await Testbed.start();
  const scenario = SCENARIOS.A.hosts[0];
  [a, b] = await Promise.all([bed.addHost({ address: scenario.address, peer: scenario.peer }), bed.addHost()]);
  await a.mustSh(scenario.script);
  model = new HostsModel({ createTransport: (entry, settings) => createHostTransport(entry, settings, (line) => logged.push(line)), log: (line) => logged.push(line) }, settingsFor([a, b]));
  model.startAll();
});

after(async () => {
  await model?.dispose();
  await bed?.stop();
});

test('scenario A built by hand shows as namespaces, links, bridges and plainly worded NAT', async () => {
  const session = model.get(a.target)!;
  await until(session, () => session.topology !== null, 'the first read');
  const root = tree(session);
  assert.equal(root.label, a.name);
  assert.deepEqual(labels(root, 'Namespaces'), ['host', 'netns1', 'netns2', 'netns3']);
  assert.deepEqual(labels(root, 'Links').filter((l) => !l.startsWith('host:eth0')), [
    'host:veth1 ⇄ netns1:veth1-peer', 'host:veth2 ⇄ netns2:veth2-peer', 'host:veth3 ⇄ netns3:veth3-peer',
  ]);
  assert.deepEqual(labels(root, 'Bridges', 'br0'), ['veth2', 'veth3']);
  assert.deepEqual(labels(root, 'NAT', 'host', 'POSTROUTING'), ['masquerade 172.16.0.0/24 leaving by any but br0']);
  assert.deepEqual(labels(root, 'NAT', 'host', 'PREROUTING'), ['tcp :8088 → 172.16.0.102:80 arriving by any but br0']);
  const veth1 = root.children().find((c) => c.label === 'Namespaces')!.children()[0].children().find((c) => c.label === 'veth1')!;
  assert.equal(veth1.description, '172.16.0.1/24 · ⇄ netns1:veth1-peer');
  assert.equal(veth1.icon.color, 'charts.green');
  assert.deepEqual(labels(root, 'Namespaces', 'netns2', 'Routes'), ['default via 172.16.0.100 dev veth2-peer']);
  assert.ok(labels(root, 'Namespaces', 'host').includes('forwarding on'));
  assert.ok(logged.some((line) => line.startsWith(`${a.target}: ssh`)), 'every command sent to the host is logged');
});

test('a change made on the host by someone else shows up by itself (live watcher)', async () => {
  const session = model.get(a.target)!;
  await until(session, () => session.view().connection.state === 'connected', 'connected');
  await a.mustSh('ip netns add made-by-hand && ip link add hand0 type veth peer name hand1 && ip link set hand0 netns made-by-hand');
  await until(session, () => walk(tree(session)).some((n) => n.label === 'made-by-hand'), 'the new namespace in the tree');
  assert.deepEqual(labels(tree(session), 'Namespaces', 'made-by-hand').slice(0, 2).sort(), ['hand0', 'lo']);
  assert.ok(labels(tree(session), 'Links').includes('host:hand1 ⇄ made-by-hand:hand0'));
  await a.mustSh('ip netns del made-by-hand');
  await until(session, () => !labels(tree(session), 'Links').some((l) => l.includes('hand1')), 'the pair gone with the namespace');
  await until(session, () => !walk(tree(session)).some((n) => n.label === 'made-by-hand'), 'the namespace gone from the tree');
});

test('a host that disappears becomes an error with Retry and Show log; the other host keeps working', async () => {
  const gone = model.get(b.target)!;
  const stays = model.get(a.target)!;
  await until(gone, () => gone.view().connection.state === 'connected', 'b connected');
  await b.remove();
  await until(gone, () => gone.view().connection.state === 'error', 'b in error');
  const row = tree(gone);
  assert.equal(row.icon.id, 'error');
  assert.deepEqual(row.children().slice(1).map((c) => c.label), ['Retry', 'Show log']);
  assert.match(row.children()[0].tooltip, new RegExp(b.ip.replace(/\./g, '\\.')), 'the message names the host');

  await a.mustSh('ip netns add still-followed');
  await until(stays, () => walk(tree(stays)).some((n) => n.label === 'still-followed'), 'a still followed');
  await stays.refresh();
  assert.equal(stays.view().connection.state, 'connected');

  gone.retry();
  await until(gone, () => gone.view().connection.state === 'error', 'b fails again on Retry');
});
