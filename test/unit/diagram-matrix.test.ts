// The Reachability Matrix: every ordered pair of a host's namespaces and its LAN traced for ICMP, the grid's
// cell texts, the ping script of "Verify live" and how its answers are read, and "Trace to…" from the tree.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lanAddress, matrixEndpoints, reachabilityMatrix } from '../../src/diagram/reachability-matrix';
import { isFromMatrixMessage, isToMatrixMessage, type MatrixCell } from '../../src/model/matrix-protocol';
import type { Namespace } from '../../src/model/topology';
import { pingPairsScript, readPingAnswers } from '../../src/host/ping-pairs';
import { traceSourceOf, traceToFromTree } from '../../src/extension/trace-to';
import type { TreeNode } from '../../src/extension/tree-model';
import type { TraceQuestion } from '../../src/trace/types';
import { cellView } from '../../webview/matrix-model';
import { asLive, scenarioA, scenarioB, scenarioF } from './fixtures/scenario-topologies';
import { ScriptedUi } from './extension-scripted-ui';

const cell = (cells: readonly MatrixCell[], from: string, to: string) => cells.find((c) => c.from === from && c.to === to);

test('B: every ordered pair of host, red, blue and the LAN; all reach each other', () => {
  const matrix = reachabilityMatrix('lab1', asLive(scenarioB(), '192.168.1.2/24'));
  assert.deepEqual(matrix.endpoints.map((e) => e.label), ['host', 'red', 'blue', 'LAN (192.168.1.1)']);
  assert.equal(matrix.cells.length, 4 * 3);
  assert.ok(matrix.cells.every((c) => c.from !== c.to));
  assert.deepEqual(matrix.cells.filter((c) => c.outcome !== 'reachable'), []);
  assert.ok(isToMatrixMessage({ type: 'matrix', matrix }));
});

test('A: what the tutorial\'s network cannot do is dropped with its reason; what rests on an assumption is uncertain', () => {
  const matrix = reachabilityMatrix('lab1', asLive(scenarioA(), '10.0.1.48/24'));
  assert.deepEqual(cell(matrix.cells, 'netns2', 'netns3'), { from: 'netns2', to: 'netns3', outcome: 'reachable', why: '' });
  assert.deepEqual(cell(matrix.cells, 'netns1', '10.0.1.1'), { from: 'netns1', to: '10.0.1.1', outcome: 'dropped', why: 'dropped in netns1: no route to 10.0.1.1' });
  const tie = cell(matrix.cells, 'host', 'netns1')!;
  assert.equal(tie.outcome, 'uncertain');
  assert.match(tie.why, /^reachable, assuming 172\.16\.0\.0\/24 dev veth1 and 172\.16\.0\.0\/24 dev br0 tie/);
});

test('the LAN is the default gateway when the host has one (pingable), else a stand-in address nobody holds', () => {
  const live = asLive(scenarioB(), '192.168.1.2/24');
  assert.deepEqual(matrixEndpoints(live).filter((e) => e.lan), [{ name: '192.168.1.1', label: 'LAN (192.168.1.1)', address: '192.168.1.1', lan: true, pingable: false }]);
  live.namespaces.find((n) => n.root)!.routes.push({ to: 'default', via: '192.168.1.254', dev: 'eth0' });
  assert.deepEqual(matrixEndpoints(live).filter((e) => e.lan).map((e) => [e.address, e.pingable]), [['192.168.1.254', true]]);
});

test('a file\'s network has no LAN; a namespace with no address cannot be reached (no verdict), but can send', () => {
  const desired = scenarioF();
  assert.equal(lanAddress(desired), null);
  assert.deepEqual(matrixEndpoints(desired).map((e) => [e.name, e.address]), [['host', null], ['ns1', '192.168.1.2'], ['ns2', '192.168.2.2'], ['ns-router', '192.168.1.1']]);
  const matrix = reachabilityMatrix('f', desired);
  assert.deepEqual(cell(matrix.cells, 'ns1', 'host'), { from: 'ns1', to: 'host', outcome: 'n/a', why: 'host has no IPv4 address to reach' });
  assert.equal(cell(matrix.cells, 'ns1', 'ns2')?.outcome, 'reachable');
  assert.equal(cell(matrix.cells, 'host', 'ns1')?.outcome, 'dropped');
});

test('the grid\'s cells: marks, hover words, and a live verdict that disagrees with the static one is flagged', () => {
  const labels = new Map([['a', 'a'], ['b', 'b']]);
  assert.deepEqual(cellView({ from: 'a', to: 'b', outcome: 'reachable', why: '' }, labels), { text: '✓', classes: ['outcome-reachable'], title: 'a → b: reachable', opens: true });
  const failed = cellView({ from: 'a', to: 'b', outcome: 'reachable', why: '', live: 'fail' }, labels);
  assert.equal(failed.text, '✓ live ✗');
  assert.deepEqual(failed.classes, ['outcome-reachable', 'live-fail', 'disagrees']);
  assert.deepEqual(cellView({ from: 'a', to: 'b', outcome: 'dropped', why: 'no route', live: 'fail' }, labels).classes, ['outcome-dropped', 'live-fail']);
  assert.equal(cellView({ from: 'a', to: 'b', outcome: 'n/a', why: 'no address' }, labels).opens, false);
});

test('Verify live: one ping per pair, from inside each namespace, quoted; unreachable ways in are left out', () => {
  const ns = (name: string, extra: Partial<Namespace> = {}): Namespace => ({ name, root: false, forwarding: false, interfaces: [], routes: [], nat: [], natChains: [], forwardPolicy: null, ...extra });
  const script = pingPairsScript([
    { from: ns('host', { root: true }), address: '10.0.0.2' },
    { from: ns("it's; rm -rf ~"), address: '10.0.0.1' },
    { from: ns('ctr', { anonymous: true, path: '/proc/42/ns/net' }), address: '10.0.0.3' },
    { from: ns('lost', { anonymous: true }), address: '10.0.0.4' },
    { from: ns('a/b'), address: '10.0.0.5' },
    { from: ns('red'), address: '10.0.0.1; reboot' },
  ]);
  const lines = script.trim().split('\n');
  assert.deepEqual(lines, [
    '#!/bin/sh',
    '( ping -c 1 -W 1 -- 10.0.0.2 >/dev/null 2>&1 || ping -c 1 -W 1 -- 10.0.0.2 >/dev/null 2>&1; echo "vnet-ping 0 $?" ) &',
    `( ip netns exec 'it'\\''s; rm -rf ~' ping -c 1 -W 1 -- 10.0.0.1 >/dev/null 2>&1 || ip netns exec 'it'\\''s; rm -rf ~' ping -c 1 -W 1 -- 10.0.0.1 >/dev/null 2>&1; echo "vnet-ping 1 $?" ) &`,
    '( nsenter --net=/proc/42/ns/net -- ping -c 1 -W 1 -- 10.0.0.3 >/dev/null 2>&1 || nsenter --net=/proc/42/ns/net -- ping -c 1 -W 1 -- 10.0.0.3 >/dev/null 2>&1; echo "vnet-ping 2 $?" ) &',
    'wait',
  ]);
  assert.deepEqual(readPingAnswers('vnet-ping 2 1\nnoise\nvnet-ping 0 0\nvnet-ping 9 0\n', 4), [true, null, false, null]);
});

test('matrix messages from the webview are checked', () => {
  assert.ok(isFromMatrixMessage({ type: 'openTrace', from: 'a', to: 'b' }));
  assert.ok(isFromMatrixMessage({ type: 'verifyLive' }));
  assert.ok(!isFromMatrixMessage({ type: 'openTrace', from: 'a' }));
  assert.ok(!isFromMatrixMessage({ type: 'command', command: 'x' }));
  assert.ok(!isToMatrixMessage({ type: 'matrix', matrix: { host: 'h', endpoints: [], cells: [{ from: 'a', to: 'b', outcome: 'maybe', why: '' }] } }));
});

test('"Trace to…" from a tree row: from the namespace, or the interface\'s address; then picks and the panel', async () => {
  const topology = asLive(scenarioA(), '10.0.1.48/24');
  const row = (extra: Partial<TreeNode>) => ({ host: 'root@h', kind: 'namespace', ...extra }) as TreeNode;
  assert.equal(traceSourceOf(row({ namespace: 'netns2' }), topology), 'netns2');
  assert.equal(traceSourceOf(row({ kind: 'interface', namespace: 'netns2', interfaceName: 'veth2-peer' }), topology), '172.16.0.102');
  assert.throws(() => traceSourceOf(row({ namespace: 'gone' }), topology), /no longer on root@h/);
  const shown: [string, TraceQuestion][] = [];
  const host = { read: async () => topology, showTrace: async (destination: string, question: TraceQuestion) => { shown.push([destination, question]); } };
  await traceToFromTree(host, new ScriptedUi([{ pick: 'netns3' }, { pick: 'ICMP' }]), row({ namespace: 'netns2' }));
  assert.deepEqual(shown, [['root@h', { from: 'netns2', to: 'netns3', protocol: 'icmp', port: null }]]);
  await traceToFromTree(host, new ScriptedUi([{ dismiss: true }]), row({ namespace: 'netns2' }));
  assert.equal(shown.length, 1, 'dismissed: nothing is drawn');
});
