// A file's connected routes in the order an apply makes them (lowered `kernelRoutes`), against the real
// kernel: every example where two links of one namespace share a subnet (scenario A's veth1 and br0) is
// applied to a fresh testbed host and probed, and the kernel's order must be the lowered one. The trace of
// the file alone is then certain about those routes, and agrees with real pings on the applied host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Lab, Namespace, Route, Topology } from '../../src/model/topology';
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

/** Routes grouped by prefix, each group in the list's order; the prefixes sorted. */
function byPrefix(routes: Route[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const route of routes) groups.set(route.to, [...(groups.get(route.to) ?? []), spelled(route)]);
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

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

interface Hop { namespace: string; step: string; interface: string | null }

/** One round of pings from a namespace (`host`: the root namespace): whether any echo request was answered. */
async function pingRound(host: TestHost, from: string, address: string): Promise<boolean> {
  const where = from === 'host' ? '' : `ip netns exec ${from} `;
  // Straight into the host's namespaces: the ping is the check here, not ssh (whose many connections a
  // busy sshd sometimes drops at the key exchange).
  const result = await host.direct(`${where}ping -c 4 -i 0.5 -W 3 ${address}`);
  // ping: 0 an answer came, 1 none did; anything else is an error of the test, not a verdict.
  assert.ok(result.exitCode === 0 || result.exitCode === 1, `${from} → ${address}: ping ran (${result.exitCode}): ${result.stderr}`);
  return result.exitCode === 0;
}

/**
 * Whether real pings get through. On this busy shared machine a round now and then goes unanswered while
 * the host re-probes a neighbour it learnt seconds before (seen in PROBE state), so a way that works is
 * given three rounds; a way that does not fails every one of them.
 */
async function pings(host: TestHost, from: string, address: string): Promise<boolean> {
  for (let round = 0; round < 3; round++) if (await pingRound(host, from, address)) return true;
  return false;
}

/** The interface the host's kernel sends a packet to `address` by (`ip route get`), from a namespace. */
async function kernelRouteDev(host: TestHost, from: string, address: string): Promise<string> {
  const where = from === 'host' ? '' : `ip netns exec ${from} `;
  const got = await host.direct(`${where}ip route get ${address}`);
  assert.equal(got.exitCode, 0, got.stderr);
  return /\bdev (\S+)/.exec(got.stdout)?.[1] ?? `(no dev in: ${got.stdout.trim()})`;
}

/** The probed host's connected routes against the lowered ones: the ties, and the whole order on the lab's links. */
function assertKernelOrder(what: string, lab: Lab, live: Topology): void {
  for (const desired of lab.hosts[0].topology.namespaces) {
    const probed = live.namespaces.find((ns) => ns.name === desired.name && ns.root === desired.root);
    assert.ok(probed, `${what}: namespace ${desired.name} is on the host`);
    const prefixes = tiedPrefixes(desired);
    const ours = new Set(desired.interfaces.map((i) => i.name));
    const onlyTies = (routes: Route[] | undefined) => byPrefix((routes ?? []).filter((r) => prefixes.has(r.to)));
    assert.deepEqual(onlyTies(probed.kernelRoutes), onlyTies(desired.kernelRoutes), `${what}, ${desired.name}: the tied routes`);
    // Every connected route of the lab's own links too (the host's eth0 and IPv6 link-local routes aside),
    // prefix by prefix: a probe lists a table as the kernel walks it, by prefix, and keeps each prefix's order.
    const made = (probed.kernelRoutes ?? []).filter((r) => r.dev !== null && ours.has(r.dev) && !r.to.startsWith('fe80:'));
    assert.deepEqual(byPrefix(made), byPrefix(desired.kernelRoutes ?? []), `${what}, ${desired.name}: every connected route`);
  }
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
        assertKernelOrder(`example ${id}`, lab, await show(transport));
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
    const result = JSON.parse(traced.stdout) as {
      reachable: boolean; uncertain: boolean; assumptions: { assumed: string }[]; question: { toAddress: string; fromAddress: string };
      hops: Hop[]; reply: Hop[] | null;
    };
    assert.ok(!result.assumptions.some((a) => /tie/.test(a.assumed)), `${from} → ${to}: no guess about the two routes to 172.16.0.0/24`);
    // Where the host sends 172.16.0.0/24 (the request's or the reply's way out of it) is the kernel's choice.
    const hostRoute = [...result.hops, ...(result.reply ?? [])].find((h) => h.namespace === 'host' && h.step === 'route');
    if (hostRoute) {
      const towards = from === 'host' ? result.question.toAddress : result.question.fromAddress;
      assert.equal(await kernelRouteDev(host, 'host', towards), hostRoute.interface, `${from} → ${to}: the host's route to ${towards}`);
    }
    if (certainty === 'certain') assert.equal(result.uncertain, false, `${from} → ${to}: ${JSON.stringify(result.assumptions)}`);
    assert.equal(await pings(host, from, result.question.toAddress), result.reachable, `${from} → ${to} (${result.question.toAddress}): the trace said reachable=${result.reachable}`);
  }
  // The first question is the one the trace used to guess at: it holds.
  const first = JSON.parse((await vnet(['trace', EXAMPLES.A, '--from', 'netns1', '--to', 'host', '--json'])).stdout) as { reachable: boolean };
  assert.equal(first.reachable, true);
  // What the example's comments say fails once applied, because the host answers 172.16.0.0/24 by veth1:
  // netns2's way out (its replies come back by veth1), and the published port (sent on by veth1).
  assert.equal(await pings(host, 'netns2', host.peer), false, 'netns2 does not reach the LAN peer');
  assert.equal((await host.direct('(setsid timeout 8 ip netns exec netns2 nc -l -p 80 >/dev/null 2>&1 </dev/null &) ; sleep 0.3')).exitCode, 0);
  // The same probe does reach a listener in the host's root namespace (sshd's port is left alone: a
  // connection that never logs in counts against the peer there).
  assert.equal((await host.direct('(setsid timeout 8 nc -l -p 8089 >/dev/null 2>&1 </dev/null &) ; sleep 0.3')).exitCode, 0);
  assert.equal((await bed.peer.sh(`nc -z -w 2 ${host.ip} 8089`)).exitCode, 0, 'the peer reaches a listener on the host');
  const published = await bed.peer.sh(`nc -z -w 2 ${host.ip} 8088`);
  assert.notEqual(published.exitCode, 0, 'the LAN peer\'s connection to port 8088 never reaches netns2:80');
}));

const EDGES = `lab edges
host {
  bridge br0 { address 10.0.0.1/24 fd00::1/64 }
  bridge br1 { address 10.5.0.1/24 }
  address v 10.0.0.2/24 10.0.0.3/24 10.9.9.9/32 fd00::2/64 fd00:9::9/128
  address w 10.5.0.2/24
  link w down
}
namespace a {
  address y 10.7.0.2/24
  address x 10.7.0.1/24
}
namespace b
veth host:v -- a:x
veth host:w -- b:z
veth b:y2 -- a:y
veth br0:p -- b:p
`;

test('shared subnets, a secondary address, a /32, IPv6 and a link left down: the kernel makes what the file lowers to', () => withHost('A', async (host) => {
  const file = join(await mkdtemp(join(tmpdir(), 'vnet-order-')), 'edges.vnet');
  await writeFile(file, EDGES);
  const applied = await vnet(['apply', file, ...host.vnetArgs, '--yes'], { host });
  assert.equal(applied.exitCode, 0, applied.stderr);
  const transport = transportFor(host);
  try {
    assertKernelOrder('edges', compileText(EDGES), await show(transport));
  } finally {
    await transport.close();
    await rm(dirname(file), { recursive: true, force: true });
  }
}));
