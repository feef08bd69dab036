// A host that is itself a container has a veth for eth0, whose peer lives outside it: kind, LXC, and every
// testbed host. Veths made inside fresh namespaces reuse its ifindexes, so a probe that pairs veths by
// ifindex guesses wrong: today it shows a lab namespace as the other end of eth0, and plan then refuses
// to re-apply or destroy the lab it just built (issue 13). Todo until the probe asks the kernel for peers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { assertBuilt, showJson, vnet } from './show-support';
import { rootOf } from './real-support';

const FILE = 'examples/f-router.vnet';
let bed: Testbed;
let host: TestHost;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
});

after(async () => {
  await bed?.stop();
});

test('f-router applies, re-applies to nothing and destroys on a host whose eth0 is a veth', async () => {
    assert.match(await host.mustSh('ip -d link show eth0'), /\bveth\b/, 'the host\'s eth0 is a veth');
    const applied = await vnet(['apply', FILE, ...host.vnetArgs, '--yes']);
    assert.equal(applied.exitCode, 0, applied.stderr);

    const read = await showJson(host);
    const eth0 = rootOf(read).interfaces.find((i) => i.name === 'eth0');
    assert.equal(eth0?.peer, null, 'eth0\'s peer is outside this host, never a guess');
    const pairs = read.namespaces.flatMap((ns) => ns.interfaces.filter((i) => i.kind === 'veth' && !ns.root)
      .map((i) => `${ns.name}:${i.name} -- ${i.peer ? `${i.peer.namespace}:${i.peer.interface}` : 'none'}`)).sort();
    assert.deepEqual(pairs, [
      'ns-router:veth-ns1-router -- ns1:veth-ns1',
      'ns-router:veth-ns2-router -- ns2:veth-ns2',
      'ns1:veth-ns1 -- ns-router:veth-ns1-router',
      'ns2:veth-ns2 -- ns-router:veth-ns2-router',
    ]);

    const planned = await vnet(['plan', FILE, ...host.vnetArgs]);
    assert.equal(planned.exitCode, 0, `${planned.stdout}\n${planned.stderr}`);
    assert.match(planned.stdout, /is up to date: nothing to do/);
    const reapplied = await vnet(['apply', FILE, ...host.vnetArgs, '--yes']);
    assert.equal(reapplied.exitCode, 0, reapplied.stderr);
    const destroyed = await vnet(['destroy', FILE, ...host.vnetArgs, '--yes']);
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.equal((await host.mustSh('ip netns list')).trim(), '', 'no namespace left');
    assert.deepEqual((await host.mustSh('ip -o link show | cut -d: -f2 | cut -d@ -f1')).trim().split('\n').map((s) => s.trim()), ['lo', 'eth0']);
  });
