// The command logic without a host: what each wizard asks, what it refuses as the user types, and the
// Operation it builds for the engine; what a removal dialog says; how failures are reported. The same
// commands run against real hosts in test/host/extension-commands.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileVnet } from '../../src/language/index';
import { VnetError } from '../../src/model/errors';
import type { Topology } from '../../src/model/topology';
import { DEFAULT_SETTINGS } from '../../src/extension/settings';
import { HostsModel } from '../../src/extension/hosts-model';
import type { CommandContext } from '../../src/extension/commands/context';
import { askNewMasquerade, askNewPortForward, askNewRoute, askNewBridge, askNewNamespace, freeName, interfaceOfSubnet } from '../../src/extension/commands/create-flows';
import { askNewVethPair } from '../../src/extension/commands/veth-wizard';
import { interfaceRemoval, namespaceRemoval, natRuleRemoval, removalDialog } from '../../src/extension/commands/remove-flows';
import { targetOf } from '../../src/extension/commands/resolve';
import { reportFailures } from '../../src/extension/commands/run-operation';
import { addHost, copyText } from '../../src/extension/commands/host-commands';
import { compileLabFile } from '../../src/extension/commands/lab-commands';
import { pingCandidates } from '../../src/extension/commands/terminal-flows';
import { hostNode, walk } from '../../src/extension/tree-model';
import { ScriptedUi, type Answer } from './extension-scripted-ui';

const root = join(__dirname, '../..');
const scenarioA = (): Topology => compileVnet(readFileSync(join(root, 'examples/a-bridge-nat.vnet'), 'utf8')).lab!.hosts[0].topology;

function context(ui: ScriptedUi, extra: Partial<CommandContext> = {}): CommandContext {
  const hosts = new HostsModel({ createTransport: () => { throw new Error('no transport in unit tests'); }, log: () => undefined }, { ...DEFAULT_SETTINGS, showLocalHost: false });
  return {
    ui, hosts, settings: () => DEFAULT_SETTINGS, activeHost: () => undefined, setActiveHost: () => undefined,
    saveHosts: async () => undefined, rawHosts: () => [], ...extra,
  };
}

function run(answers: Answer[]) {
  const ui = new ScriptedUi(answers);
  return { ui, ctx: context(ui) };
}

test('add namespace: the name is checked as typed, "host" and existing names refused', async () => {
  const { ui, ctx } = run([{ input: ['host', 'netns1', 'bad/name', 'netns9'] }]);
  const planned = await askNewNamespace(ctx, scenarioA());
  assert.deepEqual(planned.op, { kind: 'create-namespace', name: 'netns9' });
  assert.deepEqual(ui.refusals.map((r) => r.text), ['host', 'netns1', 'bad/name']);
  assert.match(ui.refusals[1].message, /already exists/);
});

test('veth wizard: ends, names, addresses, bridge — in that order, every input validated', async () => {
  const { ui, ctx } = run([
    { pick: 'netns2' },
    { pick: 'host' },
    { input: ['veth-x:1', 'eth1'] },
    { input: ['veth2', 'veth9'] },
    { input: ['172.16.0.202', '172.16.0.202/24'] },
    { input: '' },
    { pick: 'Attach veth9 to bridge br0' },
  ]);
  const planned = await askNewVethPair(ctx, scenarioA(), {});
  assert.deepEqual(planned.op, {
    kind: 'create-veth',
    a: { namespace: 'netns2', interface: 'eth1', address: '172.16.0.202/24', bridge: null },
    b: { namespace: 'host', interface: 'veth9', address: null, bridge: 'br0' },
  });
  assert.deepEqual(ui.refusals.map((r) => r.text), ['veth-x:1', 'veth2', '172.16.0.202']);
  assert.match(ui.refusals[1].message, /already exists in host/);
  assert.deepEqual(ui.asked.map((a) => a.split(' — ')[0]), [
    'pick: Add veth pair (1/7: first end)', 'pick: Add veth pair (2/7: second end)',
    'input: Add veth pair (3/7: first name)', 'input: Add veth pair (4/7: second name)',
    'input: Add veth pair (5/7: first address)', 'input: Add veth pair (6/7: second address)',
    'pick: Add veth pair (7/7: bridge)',
  ]);
});

test('veth wizard: two ends in one namespace need two names; started from a bridge, the bridge comes first', async () => {
  const { ui, ctx } = run([
    { pick: 'netns1' }, { pick: 'netns1' }, { input: 'a0' }, { input: ['a0', 'b0'] }, { input: '' }, { input: '' },
  ]);
  const planned = await askNewVethPair(ctx, scenarioA(), {});
  assert.equal(planned.op.kind === 'create-veth' && planned.op.b.interface, 'b0');
  assert.match(ui.refusals[0].message, /already exists/);

  const fromBridge = run([
    { pick: 'netns3' }, { pick: (labels) => labels[0] }, { input: 'x0' }, { input: 'x0-br' }, { input: '' }, { input: '' },
    { pick: (labels) => labels[0] },
  ]);
  const viaBridge = await askNewVethPair(fromBridge.ctx, scenarioA(), { kind: 'interface', namespace: 'host', interfaceName: 'br0' });
  assert.equal(viaBridge.op.kind === 'create-veth' && viaBridge.op.b.namespace, 'host', 'the bridge\'s namespace is offered first for the second end');
  assert.equal(viaBridge.op.kind === 'create-veth' && viaBridge.op.b.bridge, 'br0');
});

test('bridge, route, masquerade and port forward build the engine\'s operations', async () => {
  const bridge = run([{ input: ['br0', 'br1'] }, { input: '10.9.0.1/24' }]);
  assert.deepEqual((await askNewBridge(bridge.ctx, scenarioA(), { namespace: 'host' })).op, { kind: 'create-bridge', namespace: 'host', name: 'br1', address: '10.9.0.1/24' });
  assert.deepEqual(bridge.ui.refusals.map((r) => r.text), ['br0']);

  const route = run([{ input: 'default' }, { input: '' }, { pick: 'veth1-peer' }]);
  assert.deepEqual((await askNewRoute(route.ctx, scenarioA(), { namespace: 'netns1' })).op, { kind: 'add-route', namespace: 'netns1', to: 'default', via: null, dev: 'veth1-peer' });
  const via = run([{ input: '10.0.0.0/8' }, { input: '172.16.0.1' }, { pick: 'Any interface' }]);
  assert.deepEqual((await askNewRoute(via.ctx, scenarioA(), { namespace: 'netns1' })).op, { kind: 'add-route', namespace: 'netns1', to: '10.0.0.0/8', via: '172.16.0.1', dev: null });

  const masq = run([{ input: '172.16.0.0/24' }, { pick: (labels) => labels[1] }]);
  const masqOp = await askNewMasquerade(masq.ctx, scenarioA(), { namespace: 'host' });
  assert.deepEqual(masqOp.op, { kind: 'add-masquerade', namespace: 'host', source: '172.16.0.0/24', outInterface: { value: 'br0', negated: true } }, 'the subnet\'s bridge is offered first');
  assert.equal(masqOp.title, 'Masquerade 172.16.0.0/24 leaving by any but br0 in host');

  const dnat = run([{ pick: 'tcp' }, { input: ['0', '8088'] }, { input: ['somewhere', '172.16.0.102:80'] }, { pick: 'arriving by any but br0' }]);
  assert.deepEqual((await askNewPortForward(dnat.ctx, scenarioA(), { namespace: 'host' })).op, {
    kind: 'add-port-forward', namespace: 'host', protocol: 'tcp', port: '8088', to: '172.16.0.102:80', inInterface: { value: 'br0', negated: true },
  });
  assert.equal(interfaceOfSubnet(scenarioA().namespaces[0], '10.99.0.0/24'), null);
});

test('a removal names what goes and what goes with it', async () => {
  const topology = scenarioA();
  const ns = run([]);
  const removal = await namespaceRemoval(ns.ctx, topology, { namespace: 'netns1' });
  const dialog = removalDialog(topology, removal, 'root@h1');
  assert.equal(dialog.message, 'Remove namespace netns1 from root@h1?');
  assert.match(dialog.detail, /veth veth1-peer and its other end veth1 in host are deleted/);
  assert.match(dialog.detail, /This cannot be undone\.$/);

  const veth = await interfaceRemoval(ns.ctx, topology, { namespace: 'host', interfaceName: 'veth1' }, 'veth');
  assert.equal(veth.what, 'veth pair host:veth1 ⇄ netns1:veth1-peer');
  const vethDialog = removalDialog(topology, veth, 'root@h1');
  assert.match(vethDialog.detail, /other end veth1-peer in netns1 is deleted too/);
  assert.match(vethDialog.detail, /172\.16\.0\.2\/24/);

  const rule = await natRuleRemoval(ns.ctx, topology, { namespace: 'host', rule: '-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE' });
  assert.equal(rule.what, 'NAT rule “masquerade 172.16.0.0/24 leaving by any but br0” in host');
  assert.match(removalDialog(topology, rule, 'h').detail, /^iptables -t nat -A POSTROUTING/m);

  await assert.rejects(namespaceRemoval(ns.ctx, topology, { namespace: 'host' }), /root namespace cannot be removed/);
  await assert.rejects(interfaceRemoval(ns.ctx, topology, { namespace: 'netns1', interfaceName: 'gone' }), /VN-OP-MISSING|no interface gone/);
});

test('commands take a tree node, an element of the topology panel, an action row, or nothing', () => {
  const connection = { state: 'connected' as const, topology: scenarioA(), updatedAt: 0, following: 'live' as const, stale: null };
  const nodes = walk(hostNode({ entry: { destination: 'h1', label: null, identityFile: null }, connection }));
  const rule = nodes.find((n) => n.kind === 'natRule')!;
  assert.deepEqual(targetOf(rule).rule, rule.rule!.rule);
  const iface = nodes.find((n) => n.kind === 'interface' && n.label === 'veth1')!;
  assert.deepEqual([targetOf(iface).host, targetOf(iface).namespace, targetOf(iface).interfaceName], ['h1', 'host', 'veth1']);
  assert.deepEqual(targetOf({ kind: 'route', host: 'h1', namespace: 'netns2', route: 'default' }).routeTo, 'default');
  assert.deepEqual(targetOf({ kind: 'interface', host: 'h1', namespace: 'host', interface: 'br0' }).interfaceName, 'br0');
  assert.deepEqual(targetOf({ host: 'h1' }), { host: 'h1', kind: undefined, group: undefined, namespace: undefined, interfaceName: undefined, address: undefined, routeTo: undefined, rule: undefined });
  assert.deepEqual(targetOf(undefined), {});
});

test('failures become one message that says what to do, with "Show log"; a dismissed picker is silent', async () => {
  const ui = new ScriptedUi();
  ui.messageChoice = (_text, actions) => actions[0];
  const ctx = context(ui);
  await reportFailures(ctx, async () => { throw new VnetError('VN-HOST-SUDO-PASSWORD', 'sudo on h1 wants a password.\nConnect as root.\u001b[2J'); });
  assert.deepEqual(ui.errors(), ['sudo on h1 wants a password.\nConnect as root.\\x1b[2J [VN-HOST-SUDO-PASSWORD]']);
  assert.equal(ui.logShown, 1);
  await reportFailures(ctx, async () => { throw new VnetError('VN-CANCELLED', 'Cancelled.'); });
  await reportFailures(ctx, async () => { throw new VnetError('VN-CANCELLED', 'Cancelled. The host finishes the phase it was in and stops.'); });
  assert.equal(ui.messages.length, 2);
  assert.equal(ui.messages[1].level, 'warn');
});

test('add host offers the ssh config aliases and writes the hosts setting', async () => {
  const saved: unknown[] = [];
  const ui = new ScriptedUi([{ pick: '$(server) lab2' }]);
  const ctx = context(ui, { rawHosts: () => ['a@b'], saveHosts: async (change) => { saved.push(change); } });
  await addHost(ctx, { readAliases: async () => [{ alias: 'lab2', hostName: '10.0.0.2', user: 'root', port: null }] });
  assert.deepEqual(saved, [{ hosts: ['a@b', 'lab2'] }]);

  const typed = new ScriptedUi([{ pick: '$(edit) Enter an ssh destination…' }, { input: ['-bad', 'root@10.0.1.48'] }]);
  const saved2: unknown[] = [];
  await addHost(context(typed, { saveHosts: async (c) => { saved2.push(c); } }), { readAliases: async () => [] });
  assert.deepEqual(saved2, [{ hosts: ['root@10.0.1.48'] }]);
  assert.equal(typed.refusals.length, 1);
});

test('copy name and address; a row without one says so', async () => {
  const ui = new ScriptedUi();
  const ctx = context(ui);
  await copyText(ctx, { copyName: 'veth1', copyAddress: '172.16.0.1' }, 'copyAddress');
  assert.deepEqual(ui.copied, ['172.16.0.1']);
  await assert.rejects(copyText(ctx, { copyName: 'x' }, 'copyAddress'), /no address/);
});

test('a .vnet file with errors is refused before any host is asked, naming the first error', () => {
  assert.throws(() => compileLabFile({ text: 'lab x\nnamespace a {\n  address eth0 not-an-address\n}\n', label: 'x.vnet', key: 'file:///x.vnet' }), (error: unknown) => {
    assert.ok(error instanceof VnetError);
    assert.equal(error.code, 'VN-LAB-INVALID');
    assert.match(error.message, /^x\.vnet has 1 error; nothing was planned\. .*Line 3: /);
    return true;
  });
  assert.equal(compileLabFile({ text: readFileSync(join(root, 'examples/c-net1.vnet'), 'utf8'), label: 'c', key: 'c' }).name, 'c-net1');
});

test('ping offers the other namespaces\' addresses; new names avoid the taken ones', () => {
  const topology = scenarioA();
  const from = topology.namespaces.find((n) => n.name === 'netns1')!;
  assert.deepEqual(pingCandidates(topology, from).map((c) => c.address), ['172.16.0.100', '172.16.0.1', '172.16.0.102', '172.16.0.103']);
  assert.equal(freeName('br0', (n) => n === 'br0' || n === 'br1'), 'br2');
  assert.equal(freeName('veth-a', (n) => n === 'veth-a'), 'veth-a1');
});
