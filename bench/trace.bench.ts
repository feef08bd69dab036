// `vnet trace` speed (issue 14 §5): the pure engine on hosts the probe read from a testbed host, beside
// the real thing measured in the same run on the same host: live pings of the same pairs.
//   - one trace on a 1000-namespace host (every namespace a veth to the host, which routes between them):
//     target ≤ 10 ms;
//   - every ordered pair of a 100-namespace host (9900 traces): target ≤ 1 s.
// The baseline pings run from inside the source namespace (`nsenter --net=… ping -c1 -W1`), one ssh-less
// exec for all of them, 8 at a time: what checking the same pairs live costs at best.
// The host routes (a /30 per namespace) rather than bridging: on one bridge, every pair would leave a
// neighbour entry in both namespaces, and 9900 pairs overflow the kernel's neighbour table, which all
// network namespaces of the machine share (gc_thresh3, 1024 by default): pings then fail for everyone.
// Routed, each namespace learns one neighbour (its gateway) and the host one per namespace.

import { performance } from 'node:perf_hooks';
import { Testbed, type TestHost } from '../test/testbed/testbed';
import { createTransport } from '../src/host/connect';
import { probeHost } from '../src/host/probe';
import type { Topology } from '../src/model/topology';
import { trace } from '../src/trace/index';
import { measure, median, report, type Figure } from './lib/measure';

/** Which parts run: `one`, `pairs` (both by default). */
const CASES = (process.env.VNET_BENCH_TRACE_CASES ?? 'one,pairs').split(',');

/** Namespace n$i's address: the second of its /30 (the host's end is the first). */
function addressOf(i: number): string {
  return `10.129.${(4 * i) >> 8}.${((4 * i) & 255) + 2}`;
}

/** Builds the namespaces directly in the host (set-up is not what is measured). */
async function populate(host: TestHost, count: number): Promise<void> {
  const script = `set -e
i=1; while [ $i -le ${count} ]; do echo "netns add n$i"; i=$((i+1)); done > /tmp/add.batch
ip -batch /tmp/add.batch
i=1; while [ $i -le ${count} ]; do
  printf 'link add h%d type veth peer name eth0 netns n%d\\naddr add 10.129.%d.%d/30 dev h%d\\nlink set h%d up\\n' $i $i $((4 * i / 256)) $((4 * i % 256 + 1)) $i $i
  i=$((i+1))
done > /tmp/links.batch
ip -batch /tmp/links.batch
i=1; while [ $i -le ${count} ]; do
  printf 'addr add 10.129.%d.%d/30 dev eth0\\nlink set eth0 up\\nlink set lo up\\nroute add default via 10.129.%d.%d\\n' $((4 * i / 256)) $((4 * i % 256 + 2)) $((4 * i / 256)) $((4 * i % 256 + 1)) > /tmp/ns.batch
  nsenter --net=/run/netns/n$i ip -batch /tmp/ns.batch
  i=$((i+1))
done
echo 1 > /proc/sys/net/ipv4/ip_forward
`;
  const result = await host.direct(script, { timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`set-up failed: ${result.stderr}`);
}

/** The pairs as lines `nFROM ADDRESS` written by a shell command on the host (a list this long is no argument). */
function pairLines(pairs: readonly [number, number][], count: number): string {
  if (pairs.length === count * (count - 1)) {
    return `awk -v n=${count} 'BEGIN { for (a = 1; a <= n; a++) for (b = 1; b <= n; b++) if (a != b) printf "n%d 10.129.%d.%d\\n", a, int(4 * b / 256), 4 * b % 256 + 2 }'`;
  }
  return `printf '%s\\n' ${pairs.map(([from, to]) => `'n${from} ${addressOf(to)}'`).join(' ')}`;
}

/** Live pings of the pairs, 8 at a time, in one exec; the wall time, and how many answered. */
async function pingPairs(host: TestHost, pairs: readonly [number, number][], count: number): Promise<{ ms: number; answered: number }> {
  const script = `${pairLines(pairs, count)} > /tmp/pairs
xargs -P 8 -L 1 sh -c 'nsenter --net=/run/netns/"$0" ping -n -c1 -W1 "$1" >/dev/null 2>&1 && echo ok' < /tmp/pairs | wc -l`;
  const start = performance.now();
  const result = await host.direct(script, { timeoutMs: 1_800_000 });
  const ms = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`pings failed: ${result.stderr}`);
  return { ms, answered: Number(result.stdout.trim()) };
}

function allPairs(count: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let from = 1; from <= count; from++) for (let to = 1; to <= count; to++) if (from !== to) pairs.push([from, to]);
  return pairs;
}

function traceOk(topology: Topology, from: number, to: number): boolean {
  const result = trace(topology, { from: `n${from}`, to: addressOf(to), protocol: 'icmp', port: null });
  return result.reachable && !result.uncertain;
}

async function readHost(bed: Testbed, count: number): Promise<{ host: TestHost; topology: Topology }> {
  const host = await bed.addHost();
  console.log(`setting up ${count} namespaces…`);
  await populate(host, count);
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  const topology = await probeHost(transport, { timeoutMs: 600_000 });
  await transport.close();
  if (topology.namespaces.length !== count + 1) throw new Error(`the probe saw ${topology.namespaces.length} namespaces, not ${count + 1}`);
  return { host, topology };
}

async function benchOne(bed: Testbed, count: number): Promise<Figure[]> {
  const { host, topology } = await readHost(bed, count);
  // Pairs spread over the host: first to last, and every 97th to its mirror.
  const pairs: [number, number][] = [[1, count], [count, 1]];
  for (let i = 2; i < count; i += 97) pairs.push([i, count + 1 - i]);
  for (const [from, to] of pairs) if (!traceOk(topology, from, to)) throw new Error(`trace n${from} → n${to} is not reachable and certain`);
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) for (const [from, to] of pairs) samples.push(...await measure(1, () => traceOk(topology, from, to)));
  const pinged = await pingPairs(host, pairs, count);
  if (pinged.answered !== pairs.length) throw new Error(`only ${pinged.answered} of ${pairs.length} live pings answered`);
  const perPing = pinged.ms / pairs.length;
  await host.remove();
  const ms = median(samples);
  return [{ name: `one trace, ${count} namespaces (median of ${samples.length}, ${pairs.length} pairs)`, ms,
    baseline: { name: 'a live ping of the same pair (wall time per pair, 8 at a time)', ms: perPing }, target: '≤ 10 ms', met: ms <= 10 }];
}

async function benchAllPairs(bed: Testbed, count: number): Promise<Figure[]> {
  const { host, topology } = await readHost(bed, count);
  const pairs = allPairs(count);
  let certain = 0;
  const samples = await measure(5, () => { certain = pairs.filter(([from, to]) => traceOk(topology, from, to)).length; });
  if (certain !== pairs.length) throw new Error(`${pairs.length - certain} of ${pairs.length} traces are not reachable and certain`);
  console.log(`pinging the same ${pairs.length} pairs live…`);
  const pinged = await pingPairs(host, pairs, count);
  await host.remove();
  const ms = median(samples);
  return [{ name: `every ordered pair of ${count} namespaces (${pairs.length} traces)`, ms,
    baseline: { name: `live pings of the same pairs (${pinged.answered} answered, 8 at a time)`, ms: pinged.ms }, target: '≤ 1 s', met: ms <= 1000 }];
}

async function main(): Promise<void> {
  const bed = await Testbed.start();
  try {
    if (CASES.includes('one')) report('vnet trace — one trace, 1000 namespaces', await benchOne(bed, 1000));
    if (CASES.includes('pairs')) report('vnet trace — all pairs, 100 namespaces', await benchAllPairs(bed, 100));
  } finally {
    await bed.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
