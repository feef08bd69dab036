// What the topology panel asks before it draws a trace: source (unless given), destination and protocol,
// offered from the network the panel shows, with typed addresses and ports checked as they are typed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointName, pickTraceQuestion, traceEndpoints } from '../../src/extension/topology/trace-picks';
import { asLive, scenarioA, scenarioG, topology, namespace, vethEnd } from './fixtures/scenario-topologies';
import { ScriptedUi } from './extension-scripted-ui';

test('the endpoints are the namespaces with their first address; a lab of several hosts names them HOST/NS', () => {
  const live = asLive(scenarioA(), '10.0.1.48/24');
  const endpoints = traceEndpoints(live);
  assert.deepEqual(endpoints.find((e) => e.name === 'netns2'), { name: 'netns2', address: '172.16.0.102' });
  assert.equal(endpoints.find((e) => e.name === 'host')?.address, '172.16.0.1', 'lo is skipped');
  const lab = scenarioG();
  assert.ok(traceEndpoints(lab).some((e) => e.name === 'b/ns1'));
  assert.equal(endpointName(lab, 'b', 'ns1'), 'b/ns1');
  assert.equal(endpointName(live, 'whatever', 'netns1'), 'netns1');
});

test('"Trace from here…": destination and protocol; TCP asks for a port and refuses a bad one', async () => {
  const ui = new ScriptedUi([{ pick: 'netns3' }, { pick: 'TCP…' }, { input: ['http', '70000', '80'] }]);
  const question = await pickTraceQuestion(ui, scenarioA(), 'netns2');
  assert.deepEqual(question, { from: 'netns2', to: 'netns3', protocol: 'tcp', port: 80 });
  assert.deepEqual(ui.refusals.map((r) => r.text), ['http', '70000']);
  assert.equal(ui.remaining, 0);
});

test('the toolbar\'s Trace… asks for the source too, and an address may be typed for either end', async () => {
  const ui = new ScriptedUi([{ pick: 'An address…' }, { input: ['10.0.1.x', '10.0.1.26'] }, { pick: 'host' }, { pick: 'ICMP' }]);
  assert.deepEqual(await pickTraceQuestion(ui, scenarioA(), null), { from: '10.0.1.26', to: 'host', protocol: 'icmp', port: null });
  assert.equal(ui.refusals.length, 1);
});

test('the destination list leaves out the source and the namespaces with no address; dismissing stops', async () => {
  const network = topology('host', [namespace('host'), namespace('a', { interfaces: [vethEnd('va', 'b:vb', ['10.0.0.1/24'])] }), namespace('b', { interfaces: [vethEnd('vb', 'a:va', ['10.0.0.2/24'])] }), namespace('empty')]);
  let offered: string[] = [];
  const ui = new ScriptedUi([{ pick: (labels) => { offered = labels; return 'b'; } }, { dismiss: true }]);
  assert.equal(await pickTraceQuestion(ui, network, 'a'), undefined);
  assert.deepEqual(offered, ['b', 'An address…']);
});
