import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeRemoval, operationPlan, validateOperation } from '../../src/plan/operations';
import { render } from '../../src/plan/render';
import { desiredScenarioA, liveAfterApply } from './plan-fixtures';

const { live } = liveAfterApply(desiredScenarioA(), 'a');

test('removing a namespace says which veth pairs and routes go with it', () => {
  const lines = describeRemoval(live, { kind: 'remove-namespace', name: 'netns2' });
  assert.ok(lines.includes('veth veth2-peer and its other end veth2 in host are deleted.'), lines.join('\n'));
  assert.ok(lines.includes('1 route inside it goes with it.'), lines.join('\n'));
});

test('removing a veth end says its other end goes too; removing a bridge says its ports stay', () => {
  const veth = describeRemoval(live, { kind: 'remove-interface', namespace: 'host', name: 'veth1' });
  assert.ok(veth.some((l) => l.startsWith('Its other end veth1-peer in netns1 is deleted too')), veth.join('\n'));
  assert.ok(veth.some((l) => l.includes('172.16.0.2/24')), 'the other end\'s addresses are named');
  const bridge = describeRemoval(live, { kind: 'remove-interface', namespace: 'host', name: 'br0' });
  assert.ok(bridge.includes('Its ports veth2, veth3 stay, detached from any bridge.'), bridge.join('\n'));
  assert.ok(bridge.some((l) => l.includes('belongs to lab a')));
});

test('operations are validated before anything runs', () => {
  assert.throws(() => validateOperation({ kind: 'create-namespace', name: 'netns1' }, { topology: live }), /already exists/);
  assert.throws(() => validateOperation({ kind: 'create-namespace', name: 'a/b' }), /cannot be/);
  assert.throws(() => validateOperation({ kind: 'create-bridge', namespace: 'nowhere', name: 'br9' }, { topology: live }), /no namespace nowhere/);
  assert.throws(() => validateOperation({ kind: 'add-address', namespace: 'host', interface: 'veth1', address: '10.0.0.1' }, { topology: live }), /prefix length/);
  assert.throws(() => validateOperation({ kind: 'add-port-forward', namespace: 'host', protocol: 'tcp', port: '70000', to: '10.0.0.2:80' }), /from 1 to 65535/);
  assert.throws(() => validateOperation({ kind: 'create-veth', a: { namespace: 'host', interface: 'x', bridge: 'veth1' }, b: { namespace: 'netns1', interface: 'y' } }, { topology: live }), /not a bridge/);
  assert.throws(() => validateOperation({ kind: 'remove-interface', namespace: 'netns1', name: 'lo' }, { topology: live }), /loopback/);
});

test('removing a namespace waits for its veth ends outside to be gone', () => {
  const plan = operationPlan({ kind: 'remove-namespace', name: 'netns1' }, { topology: live });
  assert.deepEqual(plan.steps.map((s) => s.description), ['delete namespace netns1']);
  const { text } = render(plan, { stateMode: 'none' });
  assert.ok(text.indexOf('netns del netns1') < text.indexOf('vnet_gone veth1 ||'), text);
  assert.doesNotMatch(text, /VNET_STATE=\/run\/vnet|vnet:stale/, 'an operation for nobody leaves the state files alone');
});

test('an operation for a lab marks and claims what it creates; for nobody it marks nothing', () => {
  const forLab = render(operationPlan({ kind: 'create-veth', a: { namespace: 'host', interface: 'x1', bridge: 'br0' }, b: { namespace: 'netns1', interface: 'x2', address: '172.16.0.9/24' } }, { topology: live, lab: 'a' }), { stateMode: 'append' }).text;
  assert.match(forLab, /link set dev x1 alias vnet:a master br0 up/);
  assert.match(forLab, /link set dev x2 alias vnet:a up/);
  assert.match(forLab, /"kind":"interface","namespace":"host","name":"x1"/);
  assert.doesNotMatch(forLab, /vnet:stale/, 'append mode does not insist on a plan\'s view of the state file');
  const forNobody = render(operationPlan({ kind: 'add-masquerade', namespace: 'host', source: '10.9.0.0/24', outInterface: { value: 'br0', negated: true } }, { topology: live }), { stateMode: 'none' }).text;
  assert.match(forNobody, /^-A POSTROUTING -s 10\.9\.0\.0\/24 ! -o br0 -j MASQUERADE$/m);
});
