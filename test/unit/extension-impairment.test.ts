// "Impair Link…" and "Clear Impairment" without a host: what they ask, what the custom form refuses as the
// user types, the operations they build; and the interface row that shows an impairment. The commands run
// against a real host in test/host/apply-impairment.test.ts (the engine) and the e2e suite (VS Code).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileVnet } from '../../src/language/index';
import type { Topology } from '../../src/model/topology';
import { DEFAULT_SETTINGS } from '../../src/extension/settings';
import { HostsModel } from '../../src/extension/hosts-model';
import type { CommandContext } from '../../src/extension/commands/context';
import { askImpairment } from '../../src/extension/commands/impair-flows';
import { hostNode, walk } from '../../src/extension/tree-model';
import { ScriptedUi, type Answer } from './extension-scripted-ui';

function context(answers: Answer[]): { ui: ScriptedUi; ctx: CommandContext } {
  const ui = new ScriptedUi(answers);
  const hosts = new HostsModel({ createTransport: () => { throw new Error('no transport in unit tests'); }, log: () => undefined }, { ...DEFAULT_SETTINGS, showLocalHost: false });
  return { ui, ctx: { ui, hosts, settings: () => DEFAULT_SETTINGS, activeHost: () => undefined, setActiveHost: () => undefined, saveHosts: async () => undefined, rawHosts: () => [] } };
}

test('Impair Link offers the presets, and a custom form checked as the user types', async () => {
  const preset = context([{ pick: (labels) => { assert.deepEqual(labels, ['Satellite link', '3G', 'Lossy Wi-Fi', '1% loss', 'Custom…']); return '1% loss'; } }]);
  assert.deepEqual(await askImpairment(preset.ctx, 'Impair x'), { lossPct: 1 });
  const custom = context([{ pick: 'Custom…' }, { input: ['delay 20', 'loss 150%', 'lose 1%', 'delay 20ms jitter 5ms loss 1% rate 10mbit'] }]);
  assert.deepEqual(await askImpairment(custom.ctx, 'Impair x'), { delayUs: 20_000, jitterUs: 5_000, lossPct: 1, rateBps: 10_000_000 });
  assert.deepEqual(custom.ui.refusals.map((r) => r.text), ['delay 20', 'loss 150%', 'lose 1%']);
  assert.match(custom.ui.refusals[1].message, /over 100%/);
});

test('an impaired interface says so on its row and in its tooltip, and gets "Clear Impairment"', () => {
  const topology: Topology = compileVnet('lab l\nnamespace a { address x 10.0.0.1/24 }\nnamespace b\nveth a:x -- b:y { delay 20ms loss 1% }\n').lab!.hosts[0].topology;
  const entry = { destination: 'h', label: null, identityFile: null };
  const nodes = walk(hostNode({ entry, connection: { state: 'connected', topology, updatedAt: 0, following: 'live', stale: null } }));
  const x = nodes.find((n) => n.kind === 'interface' && n.label === 'x')!;
  assert.equal(x.description, '10.0.0.1/24 · ⇄ b:y · impaired: 20ms 1% loss');
  assert.match(x.tooltip, /impairment \(what it sends\): delay 20ms, 1% loss/);
  assert.match(x.contextValue, /(^| )impaired( |$)/);
  topology.namespaces.find((n) => n.name === 'a')!.interfaces[0].impairment = null;
  const plain = walk(hostNode({ entry, connection: { state: 'connected', topology, updatedAt: 0, following: 'live', stale: null } })).find((n) => n.kind === 'interface' && n.label === 'x')!;
  assert.doesNotMatch(plain.contextValue, /impaired/);
});
