// The imperative operations behind the tree view's commands, on a real host: each validated, each one
// script over ssh, and each visible to the probe (and to real traffic) afterwards.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { VnetError } from '../../src/model/errors';
import { runOperation } from '../../src/engine/run-operation';
import { describeRemoval, type Operation } from '../../src/plan/operations';
import { Testbed, type TestHost } from '../testbed/testbed';
import type { Transport } from '../../src/host/transport';
import { freshHost, ping, pingPeerMasqueraded, show, tcpFromPeerReaches, transportFor, vnet } from './apply-support';

let bed: Testbed;
let host: TestHost;
let transport: Transport;

before(async () => {
  bed = await Testbed.start();
  host = await freshHost(bed, { address: '10.44.0.10/24', peer: '10.44.0.1' });
  transport = transportFor(host);
});

after(async () => {
  await transport?.close();
  await bed?.stop();
});

async function op(operation: Operation, lab: string | null = null): Promise<void> {
  const topology = await show(transport);
  const { outcome } = await runOperation(transport, operation, { topology, lab });
  assert.equal(outcome.kind, 'ok');
}

test('build a namespace behind a bridge, with egress and a published port, one command at a time', async () => {
  await op({ kind: 'create-namespace', name: 'ops1' });
  await op({ kind: 'create-bridge', namespace: 'host', name: 'obr0', address: '10.33.0.1/24' });
  await op({ kind: 'create-veth', a: { namespace: 'ops1', interface: 'o1', address: '10.33.0.2/24' }, b: { namespace: 'host', interface: 'o1-br', bridge: 'obr0' } });
  await op({ kind: 'add-route', namespace: 'ops1', to: 'default', via: '10.33.0.1', dev: null });
  await op({ kind: 'set-forwarding', namespace: 'host', enable: true });
  await op({ kind: 'add-masquerade', namespace: 'host', source: '10.33.0.0/24', outInterface: { value: 'obr0', negated: true } });
  await op({ kind: 'add-port-forward', namespace: 'host', protocol: 'tcp', port: '8089', to: '10.33.0.2:80', inInterface: { value: 'obr0', negated: true } });

  const live = await show(transport);
  const ops1 = live.namespaces.find((ns) => ns.name === 'ops1')!;
  assert.deepEqual(ops1.interfaces.find((i) => i.name === 'o1')?.addresses, ['10.33.0.2/24']);
  assert.equal(live.namespaces[0].interfaces.find((i) => i.name === 'o1-br')?.master, 'obr0');
  assert.ok(live.namespaces[0].interfaces.every((i) => !i.owner), 'made by hand through the UI: owned by no lab');
  assert.equal(live.namespaces[0].nat.length, 2);

  await ping(host, 'ops1', '10.33.0.1');
  await pingPeerMasqueraded(bed, host, 'ops1');
  await tcpFromPeerReaches(bed, host, 8089, 'ops1', 80);
});

test('removals take what goes with them, as describeRemoval says', async () => {
  const live = await show(transport);
  const dnat = live.namespaces[0].nat.find((r) => r.target.kind === 'DNAT')!;
  await op({ kind: 'remove-nat-rule', namespace: 'host', rule: dnat.rule });
  assert.equal((await show(transport)).namespaces[0].nat.length, 1);

  const removal: Operation = { kind: 'remove-interface', namespace: 'host', name: 'o1-br' };
  assert.ok(describeRemoval(await show(transport), removal).some((l) => l.includes('o1 in ops1 is deleted too')));
  await op(removal);
  const after = await show(transport);
  assert.equal(after.namespaces.find((ns) => ns.name === 'ops1')!.interfaces.filter((i) => i.kind === 'veth').length, 0, 'the other end went with it');

  await op({ kind: 'remove-namespace', name: 'ops1' });
  await op({ kind: 'remove-interface', namespace: 'host', name: 'obr0' });
  const empty = await show(transport);
  assert.deepEqual(empty.namespaces.map((ns) => ns.name), ['host']);
  assert.ok(!empty.namespaces[0].interfaces.some((i) => i.name.startsWith('o')));
});

test('an invalid operation is refused before it reaches the host', async () => {
  await assert.rejects(op({ kind: 'create-bridge', namespace: 'host', name: 'a-much-too-long-name' }), (e: unknown) => e instanceof VnetError && e.code === 'VN-PLAN-NAME');
  await assert.rejects(op({ kind: 'remove-namespace', name: 'never-was' }), (e: unknown) => e instanceof VnetError && e.code === 'VN-OP-MISSING');
});

test('a failing operation reports the host\'s own error', async () => {
  await op({ kind: 'create-namespace', name: 'ops2' });
  // The route needs a gateway on one of ops2's subnets, and ops2 has none: the kernel refuses.
  await assert.rejects(
    runOperation(transport, { kind: 'add-route', namespace: 'ops2', to: '10.9.0.0/24', via: '10.8.0.1', dev: null }),
    (e: unknown) => e instanceof VnetError && e.code === 'VN-APPLY-STEP' && /step 1\/1 'add route 10\.9\.0\.0\/24 via 10\.8\.0\.1 in ops2' failed: .*(unreachable|Nexthop)/i.test(e.message),
  );
  await op({ kind: 'remove-namespace', name: 'ops2' });
});

test('an operation done for a lab belongs to it: that lab\'s destroy removes it', async () => {
  await op({ kind: 'create-namespace', name: 'labbed' }, 'opslab');
  await op({ kind: 'create-bridge', namespace: 'host', name: 'lbr0' }, 'opslab');
  const live = await show(transport);
  assert.equal(live.namespaces[0].interfaces.find((i) => i.name === 'lbr0')?.owner, 'opslab');
  const destroyed = await vnet(['destroy', '--lab', 'opslab', ...host.vnetArgs, '--yes'], { host });
  assert.equal(destroyed.exitCode, 0, destroyed.stderr);
  assert.match(destroyed.stdout, /delete namespace labbed/);
  assert.match(destroyed.stdout, /delete bridge lbr0 in host/);
  const after = await show(transport);
  assert.deepEqual(after.namespaces.map((ns) => ns.name), ['host']);
});

test('an IPv6 default route added from the tree is an IPv6 default route, and is removed as one', async () => {
  await op({ kind: 'create-namespace', name: 'ops6' });
  await op({ kind: 'create-veth', a: { namespace: 'ops6', interface: 'v6in', address: '2001:db8:6::2/64' }, b: { namespace: 'host', interface: 'v6out', address: '2001:db8:6::1/64' } });
  const added = await runOperation(transport, { kind: 'add-route', namespace: 'ops6', to: 'default', via: '2001:db8:6::1', dev: null }, { topology: await show(transport) });
  assert.equal(added.outcome.kind, 'ok');
  // Some iproute2 versions take a bare `default` as IPv4 whatever the gateway: the command says ::/0.
  assert.deepEqual(added.plan.steps.flatMap((s) => s.commands), [{ tool: 'ip', namespace: 'ops6', args: ['route', 'add', '::/0', 'via', '2001:db8:6::1'] }]);
  assert.match(await host.mustSh('ip netns exec ops6 ip -6 route show default'), /^default via 2001:db8:6::1 dev v6in\b/m);
  assert.equal((await host.mustSh('ip netns exec ops6 ip -4 route show default')).trim(), '', 'no IPv4 default route through an IPv6 gateway');

  await op({ kind: 'remove-route', namespace: 'ops6', to: 'default', via: '2001:db8:6::1', dev: null });
  assert.equal((await host.mustSh('ip netns exec ops6 ip -6 route show default')).trim(), '');
  await op({ kind: 'remove-namespace', name: 'ops6' });
  assert.ok(!(await show(transport)).namespaces[0].interfaces.some((i) => i.name === 'v6out'), 'the host end went with the namespace');
});
