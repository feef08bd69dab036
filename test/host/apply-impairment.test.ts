// Link impairments on a real host: a 50 ms delay from a file is set as a netem qdisc on both ends, read
// back by the probe in the file's units, and makes real pings slower; a re-apply plans nothing; 100% loss
// stops traffic; removing the impairment from the file deletes the qdisc; destroy leaves no qdisc behind;
// export writes the impairment back.
// The round trips are compared before and after, never against a time limit. A kernel without netem
// (sch_netem) answers "Specified qdisc kind is unknown": that test is then skipped, and says so. A rate
// alone is a tbf qdisc, which such kernels have: the second test runs there too.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetInterface, Topology } from '../../src/model/topology';
import { Testbed, type TestHost } from '../testbed/testbed';
import { probeHost } from '../../src/host/probe';
import { cannotPing, compileText, convergeOn, freshHost, normalize, ping, planSteps, show, transportFor, vnet } from './apply-support';

const PLAIN = `lab imp

namespace a { address x 10.3.0.1/24 }
host { address y-imp 10.3.0.2/24 }

veth a:x -- host:y-imp
`;
const DELAYED = PLAIN.replace('veth a:x -- host:y-imp', 'veth a:x -- host:y-imp { delay 50ms }');
const RATED = PLAIN.replace('veth a:x -- host:y-imp', 'veth a:x -- host:y-imp { rate 1mbit }');
const BLOCKED = PLAIN.replace('veth a:x -- host:y-imp', 'veth a:x -- host:y-imp {\n  -> loss 100%\n}');

let bed: Testbed;
let dir: string;

before(async () => {
  bed = await Testbed.start();
  dir = await mkdtemp(join(tmpdir(), 'vnet-impair-'));
});

after(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function kernelHasNetem(host: TestHost): Promise<boolean> {
  const tried = await host.sh('ip link add vnet-try0 type dummy && tc qdisc add dev vnet-try0 root netem delay 1ms; r=$?; ip link del vnet-try0; exit $r');
  if (tried.exitCode === 0) return true;
  assert.match(tried.stderr, /unknown|not supported|Unknown device type/i, tried.stderr);
  return false;
}

function iface(topology: Topology, namespace: string, name: string): NetInterface {
  const found = topology.namespaces.find((ns) => (namespace === 'host' ? ns.root : ns.name === namespace))?.interfaces.find((i) => i.name === name);
  assert.ok(found, `${namespace}:${name}`);
  return found;
}

/** The round trips of a few pings from namespace a to the host's end, in milliseconds. */
async function roundTrips(host: TestHost, size = 56): Promise<number[]> {
  const out = await host.mustSh(`ip netns exec a ping -n -c 4 -i 0.5 -W 5 -s ${size} 10.3.0.2`);
  const times = [...out.matchAll(/time=([0-9.]+) ms/g)].map((m) => Number(m[1]));
  assert.equal(times.length, 4, out);
  return times;
}

/** The kernel's own word on the root qdiscs of a namespace, as `tc -j qdisc show` prints them. */
async function rootQdiscs(host: TestHost, namespace: string | null): Promise<{ dev: string; kind: string; options?: Record<string, unknown> }[]> {
  const where = namespace ? `ip netns exec ${namespace} ` : '';
  const all = JSON.parse(await host.mustSh(`${where}tc -j qdisc show`)) as { dev: string; kind: string; root?: boolean }[];
  return all.filter((q) => q.root);
}

test('a delay from a file slows real pings, re-applies to nothing, 100% loss blocks, and clearing or destroy removes the qdisc', async (t) => {
  const host = await freshHost(bed);
  const transport = transportFor(host);
  try {
    if (!await kernelHasNetem(host)) {
      t.skip('this kernel has no netem qdisc (sch_netem)');
      return;
    }
    const empty = normalize(await show(transport));
    await convergeOn(compileText(PLAIN), [transport]);
    const plain = await roundTrips(host);
    assert.equal(iface(await show(transport), 'a', 'x').impairment, undefined, 'no impairment before');

    const delayed = compileText(DELAYED);
    const steps = await planSteps(delayed, transport);
    assert.deepEqual(steps, ['impair y-imp in host: delay 50ms', 'impair x in a: delay 50ms']);
    await convergeOn(delayed, [transport]);
    const netemA = (await rootQdiscs(host, 'a')).find((q) => q.dev === 'x');
    assert.equal(netemA?.kind, 'netem', JSON.stringify(netemA));
    assert.equal((netemA?.options?.delay as { delay?: number } | undefined)?.delay, 0.05, JSON.stringify(netemA));
    assert.equal((await rootQdiscs(host, null)).find((q) => q.dev === 'y-imp')?.kind, 'netem');
    const live = await show(transport);
    assert.deepEqual(iface(live, 'a', 'x').impairment, { delayUs: 50_000 });
    assert.deepEqual(iface(live, 'host', 'y-imp').impairment, { delayUs: 50_000 });
    const slow = await roundTrips(host);
    assert.ok(Math.min(...slow) > Math.max(...plain), `round trips grew: before ${plain.join(', ')} ms, after ${slow.join(', ')} ms`);

    assert.deepEqual(await planSteps(delayed, transport), [], 're-apply plans nothing');

    const blocked = compileText(BLOCKED);
    assert.deepEqual(await planSteps(blocked, transport), [
      'clear the impairment of y-imp in host (delay 50ms)',
      'change the impairment of x in a from delay 50ms to 100% loss',
    ]);
    await convergeOn(blocked, [transport]);
    await cannotPing(host, 'a', '10.3.0.2');
    assert.deepEqual(await planSteps(blocked, transport), [], 're-apply of 100% loss plans nothing');

    await convergeOn(compileText(PLAIN), [transport]);
    assert.deepEqual((await rootQdiscs(host, 'a')).filter((q) => q.kind === 'netem'), [], 'clearing deletes the qdisc');
    await ping(host, 'a', '10.3.0.2');

    await convergeOn(blocked, [transport]);
    const file = join(dir, 'imp.vnet');
    await writeFile(file, BLOCKED);
    const destroyed = await vnet(['destroy', file, ...host.vnetArgs, '--yes'], { host });
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.deepEqual((await rootQdiscs(host, null)).filter((q) => q.kind === 'netem'), [], 'destroy leaves no netem qdisc');
    assert.deepEqual(normalize(await show(transport)), empty, 'destroy leaves the host as it was');
  } finally {
    await transport.close();
    await host.remove();
  }
});

test('a rate alone is a tbf qdisc: big pings slow down, re-apply plans nothing, clearing and destroy remove it', async () => {
  const host = await freshHost(bed);
  const transport = transportFor(host);
  try {
    const empty = normalize(await show(transport));
    await convergeOn(compileText(PLAIN), [transport]);
    // 30 kB a ping, in fragments: more than tbf lets through at once, so the rest waits for the rate.
    const plain = await roundTrips(host, 30_000);

    const rated = compileText(RATED);
    assert.deepEqual(await planSteps(rated, transport), ['impair y-imp in host: rate 1mbit', 'impair x in a: rate 1mbit']);
    await convergeOn(rated, [transport]);
    const tbf = (await rootQdiscs(host, 'a')).find((q) => q.dev === 'x');
    assert.equal(tbf?.kind, 'tbf', JSON.stringify(tbf));
    assert.equal(tbf?.options?.rate, 125_000, JSON.stringify(tbf));
    const live = await show(transport);
    assert.deepEqual(iface(live, 'a', 'x').impairment, { rateBps: 1_000_000 });
    assert.deepEqual(iface(live, 'host', 'y-imp').impairment, { rateBps: 1_000_000 });
    const viaIp = await probeHost(transport, { method: 'ip' });
    assert.deepEqual(iface(viaIp, 'a', 'x').impairment, { rateBps: 1_000_000 }, 'the ip method reads it through tc -j');
    const slow = await roundTrips(host, 30_000);
    assert.ok(Math.min(...slow) > Math.max(...plain), `round trips grew: before ${plain.join(', ')} ms, after ${slow.join(', ')} ms`);
    assert.deepEqual(await planSteps(rated, transport), [], 're-apply plans nothing');
    const exported = await vnet(['export', ...host.vnetArgs, '--lab', 'imp'], { host });
    assert.equal(exported.exitCode, 0, exported.stderr);
    assert.match(exported.stdout, /^veth a:x -- host:y-imp \{ rate 1mbit \}$/m, 'export writes the impairment back');

    assert.deepEqual(await planSteps(compileText(PLAIN), transport), [
      'clear the impairment of y-imp in host (rate 1mbit)',
      'clear the impairment of x in a (rate 1mbit)',
    ]);
    await convergeOn(compileText(PLAIN), [transport]);
    assert.deepEqual((await rootQdiscs(host, 'a')).filter((q) => q.kind === 'tbf'), [], 'clearing deletes the qdisc');

    await convergeOn(rated, [transport]);
    const file = join(dir, 'rated.vnet');
    await writeFile(file, RATED);
    const destroyed = await vnet(['destroy', file, ...host.vnetArgs, '--yes'], { host });
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.deepEqual((await rootQdiscs(host, null)).filter((q) => q.kind === 'tbf'), [], 'destroy leaves no tbf qdisc');
    assert.deepEqual(normalize(await show(transport)), empty, 'destroy leaves the host as it was');
  } finally {
    await transport.close();
    await host.remove();
  }
});

test('a kernel without netem: apply stops at the impairment step, says what to do, and the next apply converges', async (t) => {
  const host = await freshHost(bed);
  const transport = transportFor(host);
  try {
    if (await kernelHasNetem(host)) {
      t.skip('this kernel has netem: the failure cannot be shown here');
      return;
    }
    const delayed = compileText(DELAYED);
    await assert.rejects(convergeOn(delayed, [transport]), (error: Error) => {
      assert.match(error.message, /'impair y-imp in host: delay 50ms' failed: Error: Specified qdisc kind is unknown\./);
      assert.match(error.message, /modprobe sch_netem/);
      return true;
    });
    // What ran before the failing step stays done; it and what came after it plan again.
    const again = await planSteps(delayed, transport);
    assert.equal(again[0], 'impair y-imp in host: delay 50ms', again.join('\n'));
    assert.ok(again.includes('impair x in a: delay 50ms') && !again.some((step) => /^create/.test(step)), again.join('\n'));
    await convergeOn(compileText(PLAIN), [transport]);
    await ping(host, 'a', '10.3.0.2');
    assert.deepEqual(await planSteps(compileText(PLAIN), transport), []);
  } finally {
    await transport.close();
    await host.remove();
  }
});
