// Apply and destroy of a 100- and a 500-namespace lab over real ssh into a testbed host, beside the
// tutorial way measured in the same run: one ip/iptables command per step, run as one bash script over
// one ssh exec. The lab: a bridge; per namespace a veth (one end on the bridge), an address and a default
// route; 100 DNAT rules. Medians and ratios; the target is ≥ 5× faster than the tutorial way.

import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileVnet } from '../src/language/index';
import { createTransport } from '../src/host/connect';
import { probeHost, probeSnapshot } from '../src/host/probe';
import { emptyTopology, type Lab } from '../src/model/topology';
import { converge } from '../src/engine/converge';
import { Testbed, type TestHost } from '../test/testbed/testbed';
import { median, report, type Figure } from './lib/measure';

const RUNS = Number(process.env.VNET_BENCH_RUNS ?? 3);
const DNAT_RULES = 100;

function address(i: number): string {
  return `10.200.${Math.floor(i / 200) + 1}.${(i % 200) + 2}`;
}

function labText(count: number): string {
  const lines = [`lab bench${count}`, '', 'host {', '  bridge br0 { address 10.200.0.1/16 }'];
  for (let k = 1; k <= DNAT_RULES; k++) lines.push(`  nat dnat tcp ${20000 + k} to ${address(((k - 1) % count) + 1)}:80`);
  lines.push('}', '');
  for (let i = 1; i <= count; i++) {
    lines.push(`namespace n${i} {`, `  address v${i} ${address(i)}/16`, '  route default via 10.200.0.1', '}', `veth n${i}:v${i} -- br0:b${i}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The same lab as a tutorial builds it: one command per step. */
function tutorialApply(count: number): string {
  const out = ['set -e', 'ip link add br0 type bridge', 'ip addr add 10.200.0.1/16 dev br0', 'ip link set br0 up'];
  for (let i = 1; i <= count; i++) {
    out.push(
      `ip netns add n${i}`,
      `ip link add b${i} type veth peer name v${i}`,
      `ip link set v${i} netns n${i}`,
      `ip link set b${i} master br0`,
      `ip link set b${i} up`,
      `ip netns exec n${i} ip addr add ${address(i)}/16 dev v${i}`,
      `ip netns exec n${i} ip link set v${i} up`,
      `ip netns exec n${i} ip route add default via 10.200.0.1`,
    );
  }
  for (let k = 1; k <= DNAT_RULES; k++) {
    out.push(`iptables -t nat -A PREROUTING -p tcp --dport ${20000 + k} -j DNAT --to-destination ${address(((k - 1) % count) + 1)}:80`);
  }
  return `${out.join('\n')}\n`;
}

/** The tutorial's teardown, one command per element it made: each rule, each veth, each namespace, the bridge. */
function tutorialDestroy(count: number): string {
  const out = ['set -e'];
  for (let k = 1; k <= DNAT_RULES; k++) {
    out.push(`iptables -t nat -D PREROUTING -p tcp --dport ${20000 + k} -j DNAT --to-destination ${address(((k - 1) % count) + 1)}:80`);
  }
  for (let i = 1; i <= count; i++) out.push(`ip link del b${i}`, `ip netns del n${i}`);
  out.push('ip link del br0');
  return `${out.join('\n')}\n`;
}

/**
 * The shorter teardown some tutorials use: the rules, then only the namespaces (their veths go with
 * them) and the bridge. The kernel frees the namespaces in the background; the script waits, as vnet's
 * does, until the veths' host ends are gone, so that both are timed to the same end: a clean host.
 */
function tutorialDestroyNamespacesOnly(count: number): string {
  const out = ['set -e'];
  for (let k = 1; k <= DNAT_RULES; k++) {
    out.push(`iptables -t nat -D PREROUTING -p tcp --dport ${20000 + k} -j DNAT --to-destination ${address(((k - 1) % count) + 1)}:80`);
  }
  for (let i = 1; i <= count; i++) out.push(`ip netns del n${i}`);
  out.push('ip link del br0');
  out.push(`i=1; while [ $i -le ${count} ]; do while [ -e /sys/class/net/b$i ]; do sleep 0.05; done; i=$((i+1)); done`);
  return `${out.join('\n')}\n`;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function mustRun(host: TestHost, script: string): Promise<void> {
  const result = await host.sh(script, { timeoutMs: 600_000 });
  if (result.exitCode !== 0) throw new Error(`tutorial script failed: ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

async function assertEmpty(host: TestHost): Promise<void> {
  const left = (await host.mustSh('ip netns list | wc -l; ip -o link | wc -l; iptables-save -t nat | grep -c -- "^-A" || true')).trim().split('\n');
  if (left[0] !== '0' || left[1] !== '2' || left[2] !== '0') throw new Error(`the host is not back to empty: ${left.join(' ')}`);
}

async function main(): Promise<void> {
  const bed = await Testbed.start();
  const controlDir = join(mkdtempSync(join(tmpdir(), 'vnet-bench-ssh-')), 'vnet-ssh');
  const figures: Figure[] = [];
  try {
    const host = await bed.addHost();
    const transport = createTransport(host.target, { sshOptions: host.sshOptions, controlDir, defaultTimeoutMs: 600_000 });
    // Warm up: the shared ssh connection is made once, outside the figures.
    await probeHost(transport);
    await host.sh('true');
    for (const count of [100, 500]) {
      const result = compileVnet(labText(count));
      const lab: Lab = result.lab!;
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length) throw new Error(`bench lab does not compile: ${errors[0].message}`);
      const target = { name: 'host', transport, desired: lab.hosts[0].topology };
      const empty = { ...target, desired: emptyTopology(host.target) };
      const samples = { apply: [] as number[], destroy: [] as number[], tutorialApply: [] as number[], tutorialDestroy: [] as number[], tutorialDestroyShort: [] as number[] };
      for (let run = 0; run < RUNS; run++) {
        samples.apply.push(await timed(() => converge([target], { lab: lab.name, probe: probeSnapshot, timeoutMs: 600_000 })));
        samples.destroy.push(await timed(() => converge([empty], { lab: lab.name, probe: probeSnapshot, timeoutMs: 600_000 })));
        await assertEmpty(host);
        samples.tutorialApply.push(await timed(() => mustRun(host, tutorialApply(count))));
        samples.tutorialDestroy.push(await timed(() => mustRun(host, tutorialDestroy(count))));
        await assertEmpty(host);
        await mustRun(host, tutorialApply(count));
        samples.tutorialDestroyShort.push(await timed(() => mustRun(host, tutorialDestroyNamespacesOnly(count))));
        await assertEmpty(host);
      }
      const figure = (verb: string, ms: number, baselineName: string, baseline: number, target: boolean): Figure => ({
        name: `vnet ${verb}, ${count} namespaces + ${DNAT_RULES} DNAT rules over ssh (probe, plan and one script)`,
        ms,
        baseline: { name: baselineName, ms: baseline },
        ...(target ? { target: '≥ 5× faster than the tutorial way', met: baseline / ms >= 5 } : {}),
      });
      const tutorial = 'the tutorial way (one command per step, one bash script over one ssh exec)';
      figures.push(figure('apply', median(samples.apply), tutorial, median(samples.tutorialApply), true));
      figures.push(figure('destroy', median(samples.destroy), tutorial, median(samples.tutorialDestroy), true));
      figures.push(figure('destroy', median(samples.destroy), 'the short teardown (rules, namespaces and bridge only; kernel cleanup awaited)', median(samples.tutorialDestroyShort), false));
    }
    await transport.close();
  } finally {
    await bed.stop();
  }
  report(`apply and destroy (median of ${RUNS} runs)`, figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
