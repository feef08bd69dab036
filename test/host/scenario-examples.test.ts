// Every example in examples/, on the testbed (real ssh, real kernel, real traffic):
// - built by hand with the tutorial's commands on a fresh host: its state, its traffic, and its export;
// - the example applied with `vnet apply` to another fresh host (same LAN address): the same state as by
//   hand (`vnet show --json`, ignoring MACs, ifindexes and ownership marks), the same traffic, and a
//   second plan that is empty;
// - the export of the hand-built host applied to a third fresh host: the same state again.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { exportText } from '../../src/plan/export';
import { EXAMPLES, checkConnectivity, compileFile, freshHost, normalize, show, transportFor, vnet } from './apply-support';

let bed: Testbed;
let dir: string;

before(async () => {
  bed = await Testbed.start();
  dir = await mkdtemp(join(tmpdir(), 'vnet-scenarios-'));
});

after(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sshArgs = (host: TestHost) => Object.entries(host.sshOptions).flatMap(([k, v]) => ['--ssh-option', `${k}=${v}`]);

interface Built {
  state: unknown;
  export: string;
}

/** Builds a scenario host by hand, checks its traffic, and reads it back (state and export). */
async function byHand(id: string, index: number): Promise<Built> {
  const spec = SCENARIOS[id].hosts[index];
  const host = await freshHost(bed, { address: spec.address, peer: spec.peer });
  try {
    await host.mustSh(spec.script);
    const transport = transportFor(host);
    try {
      const live = await show(transport);
      return { state: normalize(live), export: exportText(live) };
    } finally {
      await transport.close();
    }
  } finally {
    await host.remove();
  }
}

async function stateOf(host: TestHost): Promise<unknown> {
  const transport = transportFor(host);
  try { return normalize(await show(transport)); } finally { await transport.close(); }
}

for (const id of ['A', 'B', 'C', 'D', 'E', 'F', 'H']) {
  test(`scenario ${id}: the example applied equals the tutorial built by hand, traffic flows, the export reproduces it`, async () => {
    const file = EXAMPLES[id];
    const spec = SCENARIOS[id].hosts[0];

    // By hand first: its traffic proves the checks below check something.
    const handHost = await freshHost(bed, { address: spec.address, peer: spec.peer });
    let hand: Built;
    try {
      await handHost.mustSh(spec.script);
      await checkConnectivity(id, bed, [handHost]);
      const transport = transportFor(handHost);
      try {
        const live = await show(transport);
        hand = { state: normalize(live), export: exportText(live) };
      } finally {
        await transport.close();
      }
    } finally {
      await handHost.remove();
    }

    const host = await freshHost(bed, { address: spec.address, peer: spec.peer });
    try {
      const applied = await vnet(['apply', file, ...host.vnetArgs, '--yes'], { host });
      assert.equal(applied.exitCode, 0, applied.stderr);
      assert.match(applied.stdout, /^Applied: \d+ steps on root@/m);
      assert.deepEqual(await stateOf(host), hand.state);
      await checkConnectivity(id, bed, [host]);
      const again = await vnet(['plan', file, ...host.vnetArgs], { host });
      assert.equal(again.exitCode, 0, again.stderr);
      assert.match(again.stdout, /is up to date: nothing to do/);
      // Nor is there anything left to record: a second apply runs nothing at all.
      const reapplied = await vnet(['apply', file, ...host.vnetArgs, '--yes'], { host });
      assert.equal(reapplied.exitCode, 0, reapplied.stderr);
      assert.match(reapplied.stdout, /Nothing to do: every host is up to date/);
    } finally {
      await host.remove();
    }

    // The hand-built network, captured as code, builds the same network on an empty host.
    const exported = join(dir, `${id}.vnet`);
    await writeFile(exported, hand.export);
    await compileFile(exported);
    const copy = await freshHost(bed, { address: spec.address, peer: spec.peer });
    try {
      const applied = await vnet(['apply', exported, ...copy.vnetArgs, '--yes'], { host: copy });
      assert.equal(applied.exitCode, 0, `${applied.stderr}\n--- export:\n${hand.export}`);
      assert.deepEqual(await stateOf(copy), hand.state, hand.export);
      await checkConnectivity(id, bed, [copy]);
    } finally {
      await copy.remove();
    }
  });
}

test('scenario G: one file, two hosts applied in parallel, routed through the LAN', async () => {
  const [handA, handB] = [await byHand('G', 0), await byHand('G', 1)];
  const specs = SCENARIOS.G.hosts;
  const a = await freshHost(bed, { address: specs[0].address, peer: specs[0].peer });
  const b = await freshHost(bed, { address: specs[1].address, peer: specs[1].peer });
  try {
    // No --host: each machine block names its own ssh target (root@10.0.2.15, root@10.0.2.16).
    const applied = await vnet(['apply', EXAMPLES.G, ...sshArgs(a), '--yes'], { host: a });
    assert.equal(applied.exitCode, 0, applied.stderr);
    assert.match(applied.stdout, /on 2 hosts/);
    assert.deepEqual(await stateOf(a), handA.state);
    assert.deepEqual(await stateOf(b), handB.state);
    await checkConnectivity('G', bed, [a, b]);
    const again = await vnet(['plan', EXAMPLES.G, ...sshArgs(a), '--json'], { host: a });
    assert.equal(again.exitCode, 0, again.stderr);
    const plan = JSON.parse(again.stdout) as { hosts: { host: string; steps: unknown[] }[] };
    assert.deepEqual(plan.hosts.map((h) => [h.host, h.steps.length]), [['a', 0], ['b', 0]]);
  } finally {
    await a.remove();
    await b.remove();
  }
  // Each host's export, applied on its own, rebuilds that host.
  for (const [index, hand] of [[0, handA], [1, handB]] as const) {
    const file = join(dir, `G${index}.vnet`);
    await writeFile(file, hand.export);
    const copy = await freshHost(bed, { address: specs[index].address, peer: specs[index].peer });
    try {
      const applied = await vnet(['apply', file, ...copy.vnetArgs, '--yes'], { host: copy });
      assert.equal(applied.exitCode, 0, applied.stderr);
      assert.deepEqual(await stateOf(copy), hand.state, hand.export);
    } finally {
      await copy.remove();
    }
  }
});
