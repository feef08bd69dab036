// "Impair Link…" and "Clear Impairment" from the Hosts tree against a real host: the command table the
// editor calls, scripted answers in the same validated pickers and boxes, the engine over ssh, the result
// checked with tc on the host and on the tree's rows. The custom form sets a rate alone (a tbf qdisc), which
// kernels without netem also have.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createHostTransport } from '../../src/extension/host-transport';
import { HostsModel } from '../../src/extension/hosts-model';
import { runCommand, type ExtensionCommandContext } from '../../src/extension/commands/command-table';
import type { CommandId } from '../../src/extension/commands/command-ids';
import { hostNode, walk, type TreeNode } from '../../src/extension/tree-model';
import { ScriptedUi, type Answer } from '../unit/extension-scripted-ui';
import { settingsFor, until } from './extension-support';

let bed: Testbed;
let host: TestHost;
let model: HostsModel;

before(async () => {
  bed = await Testbed.start();
  host = await bed.addHost({ address: '10.73.0.10/24', peer: '10.73.0.1' });
  model = new HostsModel({ createTransport: (entry, settings) => createHostTransport(entry, settings, () => undefined), log: () => undefined }, settingsFor([host], { refreshMode: 'manual' }));
  model.startAll();
});

after(async () => {
  await model?.dispose();
  await bed?.stop();
});

function context(ui: ScriptedUi): ExtensionCommandContext {
  const none = async () => undefined;
  return {
    ui, hosts: model, settings: () => model.current, activeHost: () => host.target, setActiveHost: () => undefined, saveHosts: none, rawHosts: () => [],
    readLabFile: async () => { throw new Error('no files here'); }, recall: () => undefined, remember: none, log: () => undefined,
    showTopology: none, showDrift: none, findLabFiles: async () => [], saveLabFile: none,
  };
}

async function command(id: CommandId, arg: unknown, answers: Answer[]): Promise<ScriptedUi> {
  const ui = new ScriptedUi(answers);
  await runCommand(context(ui), id, arg);
  assert.deepEqual(ui.errors(), [], `${id} showed an error`);
  assert.equal(ui.remaining, 0, `${id} did not ask everything the script answers: ${ui.asked.join('; ')}`);
  return ui;
}

function interfaceRow(name: string): TreeNode {
  const found = walk(hostNode(model.get(host.target)!.view())).find((n) => n.kind === 'interface' && n.label === name && n.namespace !== undefined);
  assert.ok(found, `no tree row for ${name}`);
  return found;
}

async function rootQdiscKind(namespace: string | null, dev: string): Promise<string | undefined> {
  const where = namespace ? `ip netns exec ${namespace} ` : '';
  const all = JSON.parse(await host.mustSh(`${where}tc -j qdisc show dev ${dev}`)) as { kind: string; root?: boolean }[];
  return all.find((q) => q.root)?.kind;
}

test('Impair Link from the tree sets both ends, the row shows it, and Clear Impairment removes it', async () => {
  await host.direct('ip netns add slow && ip link add imp-h type veth peer name imp-n netns slow && ip link set imp-h up && ip -n slow link set imp-n up');
  const session = model.get(host.target)!;
  await session.refresh(new AbortController().signal);
  await until(session, () => session.topology?.namespaces.some((ns) => ns.name === 'slow') ?? false, 'the new namespace');

  const ui = await command('vnet.impairLink', interfaceRow('imp-h'), [
    { pick: 'Custom…' }, { input: ['rate 1mbps', 'rate 1mbit'] }, { pick: 'Both directions' },
  ]);
  assert.deepEqual(ui.refusals.map((r) => r.text), ['rate 1mbps'], 'the custom form refused bytes as typed');
  assert.equal(await rootQdiscKind(null, 'imp-h'), 'tbf');
  assert.equal(await rootQdiscKind('slow', 'imp-n'), 'tbf');
  const row = interfaceRow('imp-h');
  assert.match(row.description ?? '', /impaired: 1mbit/);
  assert.match(row.contextValue, /(^| )impaired( |$)/);

  await command('vnet.clearImpairment', row, []);
  assert.notEqual(await rootQdiscKind(null, 'imp-h'), 'tbf');
  assert.notEqual(await rootQdiscKind('slow', 'imp-n'), 'tbf');
  assert.doesNotMatch(interfaceRow('imp-h').contextValue, /impaired/);
});
