// A `.vnet` file with dummy interfaces on a real host: apply creates them with their addresses, MTU and
// state, the probe reads them back as dummies, their addresses answer over a route, a re-apply plans
// nothing, and destroy leaves the host as it was. Real ssh, real kernel. A kernel built without dummy
// interfaces (CONFIG_DUMMY, e.g. some microVM kernels) answers "Unknown device type": the test is then skipped,
// and says so.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Namespace, NetInterface } from '../../src/model/topology';
import { Testbed, type TestHost } from '../testbed/testbed';
import { compileText, convergeOn, freshHost, normalize, ping, planSteps, show, transportFor, vnet } from './apply-support';

const LAB = `lab dum

host {
  dummy lb0 { address 192.0.2.10/32 }
  address to-n 10.1.0.1/24
  route 10.7.0.0/24 via 10.1.0.2
}

namespace n {
  dummy d0 {
    address 10.7.0.1/24 fd00:7::1/64
    mtu 1400
  }
  dummy spare { down }
  address v 10.1.0.2/24
  route 192.0.2.10/32 via 10.1.0.1
  route 10.8.0.0/16 dev d0
}

veth n:v -- host:to-n
`;

let bed: Testbed;
let dir: string;

before(async () => {
  bed = await Testbed.start();
  dir = await mkdtemp(join(tmpdir(), 'vnet-dummy-'));
});

after(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Whether the testbed host's kernel can make a dummy interface (tried inside the testbed host only). */
async function kernelHasDummies(host: TestHost): Promise<boolean> {
  const tried = await host.sh('ip link add vnet-try0 type dummy && ip link del vnet-try0');
  if (tried.exitCode === 0) return true;
  assert.match(tried.stderr, /Unknown device type|not supported/i, tried.stderr);
  return false;
}

function iface(ns: Namespace | undefined, name: string): NetInterface {
  const found = ns?.interfaces.find((i) => i.name === name);
  assert.ok(found, `${ns?.name}:${name}`);
  return found;
}

test('dummies of a file are created, read back as dummies, reached over routes, re-applied to nothing and destroyed', async (t) => {
  const host = await freshHost(bed);
  const transport = transportFor(host);
  try {
    if (!await kernelHasDummies(host)) {
      t.skip('this kernel has no dummy interfaces (ip link add … type dummy: Unknown device type)');
      return;
    }
    const before = normalize(await show(transport));
    const lab = compileText(LAB);
    await convergeOn(lab, [transport]);

    const live = await show(transport);
    const root = live.namespaces.find((ns) => ns.root);
    const n = live.namespaces.find((ns) => ns.name === 'n');
    const lb0 = iface(root, 'lb0');
    assert.deepEqual([lb0.kind, lb0.state, lb0.addresses, lb0.owner], ['dummy', 'up', ['192.0.2.10/32'], 'dum']);
    const d0 = iface(n, 'd0');
    assert.deepEqual([d0.kind, d0.state, d0.mtu, d0.master, d0.peer], ['dummy', 'up', 1400, null, null]);
    assert.deepEqual([...d0.addresses].sort(), ['10.7.0.1/24', 'fd00:7::1/64']);
    const spare = iface(n, 'spare');
    assert.deepEqual([spare.kind, spare.state, spare.addresses], ['dummy', 'down', []]);
    assert.ok(n!.routes.some((r) => r.to === '10.8.0.0/16' && r.dev === 'd0' && r.via === null), JSON.stringify(n!.routes));
    assert.match(await host.mustSh('ip netns exec n ip -d link show d0'), /\bdummy\b/, 'the kernel made a dummy');

    // A dummy's address is an address of its namespace: it answers over the veth, each way.
    await ping(host, null, '10.7.0.1');
    await ping(host, 'n', '192.0.2.10');

    assert.deepEqual(await planSteps(lab, transport), [], 'a re-apply plans nothing');
    const edited = compileText(LAB.replace('  dummy spare { down }\n', ''));
    const removal = await planSteps(edited, transport);
    assert.equal(removal.length, 1, removal.join('\n'));
    assert.match(removal[0], /^delete .*\bspare in n$/);

    const file = join(dir, 'dum.vnet');
    await writeFile(file, LAB);
    const destroyed = await vnet(['destroy', file, ...host.vnetArgs, '--yes'], { host });
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.deepEqual(normalize(await show(transport)), before, 'destroy leaves the host as it was');
  } finally {
    await transport.close();
    await host.remove();
  }
});
