// The plan document the user reads before anything changes: every step, marked, per host, with conflicts
// and warnings, from plans the engine made.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyTopology } from '../../src/model/topology';
import { operationPlan } from '../../src/plan/operations';
import type { HostPlan } from '../../src/engine/converge';
import { formatPlans, planChanges, planSummary } from '../../src/extension/plan-text';

function hostPlan(host: string, target: string, plan: HostPlan['plan']): HostPlan {
  return { host, target, plan, snapshot: { live: emptyTopology(target), state: { lab: 'lab1', records: [] }, stateText: null, others: [] } };
}

const topology = emptyTopology('root@h1');
const create = operationPlan({ kind: 'create-veth', a: { namespace: 'host', interface: 'veth1', address: '172.16.0.1/24' }, b: { namespace: 'host', interface: 'veth2' } }, { topology });
const forwarding = operationPlan({ kind: 'set-forwarding', namespace: 'host', enable: true }, { topology });

test('each step is listed with its mark, under its host, with the counts', () => {
  const text = formatPlans('lab1', 'apply', [hostPlan('host', 'root@h1', create)]);
  const lines = text.split('\n');
  assert.equal(lines[0], 'Apply lab lab1');
  assert.equal(lines[2], `root@h1: ${create.steps.length} steps: ${create.steps.length} to create, 0 to change, 0 to delete`);
  assert.deepEqual(lines.slice(3, 3 + create.steps.length), create.steps.map((s) => `  + ${s.description}`));
  assert.match(text, /Nothing has changed yet: confirm in the dialog/);
});

test('a multi-host plan names the lab host and its target; change marks; summary and counts', () => {
  const plans = [hostPlan('a', 'root@10.0.2.15', forwarding), hostPlan('b', 'root@10.0.2.16', { ...forwarding, steps: [] })];
  const text = formatPlans('g', 'plan', plans);
  assert.match(text, /^a → root@10\.0\.2\.15: 1 step: 0 to create, 1 to change, 0 to delete$/m);
  assert.match(text, /^ {2}~ turn forwarding on in host$/m);
  assert.match(text, /^b → root@10\.0\.2\.16: no changes$/m);
  assert.match(text, /Run "VNet: Apply"/);
  assert.equal(planChanges(plans), 1);
  assert.equal(planSummary(plans), 'root@10.0.2.15: 1 step: 0 to create, 1 to change, 0 to delete; root@10.0.2.16: no changes');
});

test('conflicts and warnings are shown, with the adopt key, as plain text', () => {
  const plan = {
    ...forwarding,
    conflicts: [{ element: 'interface veth1 in host', reason: 'it exists and no lab owns it', adopt: 'host:veth1' }],
    warnings: ['both iptables backends hold rules\u001b[0m'],
  };
  const text = formatPlans('lab1', 'destroy', [hostPlan('host', 'root@h1', plan)]);
  assert.match(text, /^Destroy lab lab1$/m);
  assert.match(text, /^ {2}! interface veth1 in host: it exists and no lab owns it \(adopt key: host:veth1\)$/m);
  assert.match(text, /^ {2}⚠ both iptables backends hold rules\\x1b\[0m$/m);
});
