// The one builder of `ip` commands: what apply plans and what the Hosts tree's operations send are the
// same arguments for the same change, IPv6 default routes included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff } from '../../src/plan/diff';
import { createLinkArgs, createVethArgs, routeArgs, setLinkArgs } from '../../src/plan/ip-commands';
import { operationPlan } from '../../src/plan/operations';
import type { Plan } from '../../src/plan/plan';
import { emptyHost, TopologyBuilder } from './plan-fixtures';

const ipLines = (plan: Plan) => plan.steps.flatMap((s) => s.commands.flatMap((c) => (c.tool === 'ip' ? [`${c.namespace}: ${c.args.join(' ')}`] : [])));

test('a default route is spelled ::/0 when its gateway is IPv6, default otherwise', () => {
  assert.deepEqual(routeArgs('add', { to: 'default', via: '2001:DB8::1', dev: null }), ['route', 'add', '::/0', 'via', '2001:db8::1']);
  assert.deepEqual(routeArgs('del', { to: '::/0', via: null, dev: 'eth0' }), ['route', 'del', '::/0', 'dev', 'eth0']);
  assert.deepEqual(routeArgs('add', { to: 'default', via: '10.0.0.1', dev: 'eth0' }), ['route', 'add', 'default', 'via', '10.0.0.1', 'dev', 'eth0']);
  assert.deepEqual(routeArgs('add', { to: 'default', via: null, dev: 'eth0' }, 6), ['route', 'add', '::/0', 'dev', 'eth0'], 'an explicit family wins');
  assert.deepEqual(routeArgs('replace', { to: '10.1.2.3', via: '10.0.0.1', dev: null }), ['route', 'replace', '10.1.2.3/32', 'via', '10.0.0.1']);
});

test('a veth pair is created from the root namespace with its root end named first', () => {
  assert.deepEqual(createVethArgs({ namespace: 'ns1', interface: 'a' }, { namespace: 'host', interface: 'b' }),
    ['link', 'add', 'name', 'b', 'type', 'veth', 'peer', 'name', 'a', 'netns', 'ns1']);
  assert.deepEqual(createVethArgs({ namespace: 'ns1', interface: 'a' }, { namespace: 'ns2', interface: 'b' }),
    ['link', 'add', 'name', 'a', 'netns', 'ns1', 'type', 'veth', 'peer', 'name', 'b', 'netns', 'ns2']);
  assert.deepEqual(createLinkArgs('ns1', 'br0', 'bridge'), ['link', 'add', 'name', 'br0', 'netns', 'ns1', 'type', 'bridge']);
  assert.deepEqual(setLinkArgs('x', { alias: 'vnet:a', master: null, mtu: 1400, state: 'up' }), ['link', 'set', 'dev', 'x', 'alias', 'vnet:a', 'nomaster', 'mtu', '1400', 'up']);
  assert.equal(setLinkArgs('x', {}), null, 'nothing to change, no command');
});

test('the Hosts tree adds an IPv6 default route as IPv6, with the command apply would send', () => {
  const builder = new TopologyBuilder();
  builder.ns('host');
  builder.ns('ns6');
  const live = builder.topology;
  const operation = operationPlan({ kind: 'add-route', namespace: 'ns6', to: 'default', via: '2001:db8::1', dev: null }, { topology: live });
  assert.deepEqual(ipLines(operation), ['ns6: route add ::/0 via 2001:db8::1']);
  assert.deepEqual(operation.steps.map((s) => s.description), ['add route default via 2001:db8::1 in ns6']);

  const desired = new TopologyBuilder().route('ns6', 'default', '2001:db8::1').topology;
  const planned = diff({ lab: 'six', desired, live: emptyHost(), state: { lab: 'six', records: [] } });
  assert.ok(ipLines(planned).includes('ns6: route add ::/0 via 2001:db8::1'), ipLines(planned).join('\n'));

  const removal = operationPlan({ kind: 'remove-route', namespace: 'ns6', to: 'default', via: '2001:db8::1', dev: null }, { topology: live });
  assert.deepEqual(ipLines(removal), ['ns6: route del ::/0 via 2001:db8::1']);
});

test('a bridge made by an operation and by a plan is made by the same commands', () => {
  const operation = operationPlan({ kind: 'create-bridge', namespace: 'host', name: 'br7', address: '10.7.0.1/24' }, { lab: 'seven' });
  const desired = new TopologyBuilder().bridge('host', 'br7', { addresses: ['10.7.0.1/24'] }).topology;
  const planned = diff({ lab: 'seven', desired, live: emptyHost(), state: { lab: 'seven', records: [] } });
  assert.deepEqual(ipLines(operation), ipLines(planned));
  assert.deepEqual(operation.steps.map((s) => s.description), planned.steps.map((s) => s.description));
});
