// A file's connected routes in the order an apply makes them (lowered `kernelRoutes`), against the real
// kernel: every example where two links of one namespace share a subnet (scenario A's veth1 and br0) is
// applied to a fresh testbed host and probed, and the kernel's order must be the lowered one. The trace of
// the file alone is then certain about those routes, and agrees with real pings on the applied host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Lab, Namespace, Route } from '../../src/model/topology';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { EXAMPLES, compileText, freshHost, show, transportFor, vnet } from './apply-support';

let bed: Testbed;

before(async () => {
  bed = await Testbed.start();
});

after(async () => {
  await bed?.stop();
});

const spelled = (route: Route) => `${route.to} ${route.dev}`;

/** The prefixes of a namespace that more than one of its links has a connected route to. */
function tiedPrefixes(ns: Namespace): Set<string> {
  const devs = new Map<string, Set<string | null>>();
  for (const route of ns.kernelRoutes ?? []) devs.set(route.to, (devs.get(route.to) ?? new Set()).add(route.dev));
  return new Set([...devs].filter(([, on]) => on.size > 1).map(([to]) => to));
}

/** The examples whose desired network has such ties, with their lowered labs. */
async function examplesWithTies(): Promise<[string, Lab][]> {
  const found: [string, Lab][] = [];
  for (const [id, file] of Object.entries(EXAMPLES)) {
    const lab = compileText(await readFile(file, 'utf8'));
    if (lab.hosts.some((h) => h.topology.namespaces.some((ns) => tiedPrefixes(ns).size > 0))) found.push([id, lab]);
  }
  return found;
}

async function withHost<T>(id: string, fn: (host: TestHost) => Promise<T>): Promise<T> {
  const spec = SCENARIOS[id].hosts[0];
  const host = await freshHost(bed, { address: spec.address, peer: spec.peer });
  try { return await fn(host); } finally { await host.remove(); }
}

/**
 * Whether a real ping from a namespace (`host`: the root namespace) gets an answer: any of a few echo
 * requests, so that a first one lost while the neighbours are still being learnt on a busy machine does
 * not count as unreachable.
 */
async function pings(host: TestHost, from: string, address: string): Promise<boolean> {
  const where = from === 'host' ? '' : `ip netns exec ${from} `;
  return (await host.sh(`${where}ping -c 4 -i 0.5 -W 3 ${address}`)).exitCode === 0;
}

test('the applied host\'s kernel orders each tied subnet\'s connected routes as the file lowers them', async () => {
  const tied = await examplesWithTies();
  assert.ok(tied.some(([id]) => id === 'A'), 'scenario A (veth1 and br0 on 172.16.0.0/24) is among them');
  for (const [id, lab] of tied) {
    assert.equal(lab.hosts.length, 1, `example ${id}: one host (a tie on a lab of several hosts needs this test extended)`);
    await withHost(id, async (host) => {
      const applied = await vnet(['apply', EXAMPLES[id], ...host.vnetArgs, '--yes'], { host });
      assert.equal(applied.exitCode, 0, applied.stderr);
      const transport = transportFor(host);
      try {
        const live = await show(transport);
        for (const desired of lab.hosts[0].topology.namespaces) {
          const probed = live.namespaces.find((ns) => ns.name === desired.name && ns.root === desired.root);
          assert.ok(probed, `example ${id}: namespace ${desired.name} is on the host`);
          const prefixes = tiedPrefixes(desired);
          const ours = new Set(desired.interfaces.map((i) => i.name));
          const onlyTies = (routes: Route[] | undefined) => (routes ?? []).filter((r) => prefixes.has(r.to)).map(spelled);
          assert.deepEqual(onlyTies(probed.kernelRoutes), onlyTies(desired.kernelRoutes), `example ${id}, ${desired.name}: the tied routes`);
          // The whole order too, on the lab's own links (the host's eth0 and IPv6 link-local routes aside).
          const lab = (probed.kernelRoutes ?? []).filter((r) => r.dev !== null && ours.has(r.dev) && !r.to.startsWith('fe80:'));
          assert.deepEqual(lab.map(spelled), (desired.kernelRoutes ?? []).map(spelled), `example ${id}, ${desired.name}: every connected route`);
        }
      } finally {
        await transport.close();
      }
    });
  }
});

test('scenario A: the file\'s trace is certain about the tie, and agrees with real pings on the applied host', () => withHost('A', async (host) => {
  const applied = await vnet(['apply', EXAMPLES.A, ...host.vnetArgs, '--yes'], { host });
  assert.equal(applied.exitCode, 0, applied.stderr);
  const questions: [string, string, 'certain' | 'any'][] = [
    ['netns1', 'host', 'certain'],
    ['host', 'netns1', 'certain'],
    ['host', 'netns3', 'certain'],
    // In by br0, back by veth1: the file cannot say rp_filter, so only the verdict is compared.
    ['netns2', 'host', 'any'],
  ];
  for (const [from, to, certainty] of questions) {
    const traced = await vnet(['trace', EXAMPLES.A, '--from', from, '--to', to, '--json']);
    const result = JSON.parse(traced.stdout) as { reachable: boolean; uncertain: boolean; assumptions: { assumed: string }[]; question: { toAddress: string } };
    assert.ok(!result.assumptions.some((a) => /tie/.test(a.assumed)), `${from} → ${to}: no guess about the two routes to 172.16.0.0/24`);
    if (certainty === 'certain') assert.equal(result.uncertain, false, `${from} → ${to}: ${JSON.stringify(result.assumptions)}`);
    assert.equal(await pings(host, from, result.question.toAddress), result.reachable, `${from} → ${to} (${result.question.toAddress}): the trace said reachable=${result.reachable}`);
  }
  // The first question is the one the trace used to guess at: it holds.
  const first = JSON.parse((await vnet(['trace', EXAMPLES.A, '--from', 'netns1', '--to', 'host', '--json'])).stdout) as { reachable: boolean };
  assert.equal(first.reachable, true);
  // What the example's comments say fails once applied, because the host answers 172.16.0.0/24 by veth1:
  // netns2's way out (its replies come back by veth1), and the published port (sent on by veth1).
  assert.equal(await pings(host, 'netns2', host.peer), false, 'netns2 does not reach the LAN peer');
  await host.mustSh('(setsid timeout 8 ip netns exec netns2 nc -l -p 80 >/dev/null 2>&1 </dev/null &) ; sleep 0.3');
  assert.equal((await bed.peer.sh(`nc -z -w 2 ${host.ip} 22`)).exitCode, 0, 'the same probe reaches the host\'s sshd');
  const published = await bed.peer.sh(`nc -z -w 2 ${host.ip} 8088`);
  assert.notEqual(published.exitCode, 0, 'the LAN peer\'s connection to port 8088 never reaches netns2:80');
}));
