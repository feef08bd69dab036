// Live checks across the machines of a lab: examples/g-two-hosts.vnet applied to two testbed hosts. The
// file does not declare the LAN, so `vnet trace FILE --live` finds its prediction wrong and ip route get
// names host a's route. Over the machines as they are (a lab of both hosts' live networks, expectations as
// data), `vnet test`'s run sends from one machine while VNet's listener waits on the other, each reached by
// its ssh target; a link taken down on b fails it. Nothing is left running on either.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt, showJson, vnet } from './show-support';
import { parseArgs } from '../../src/cli/args';
import type { CliIo } from '../../src/cli/command';
import { runLabTests } from '../../src/cli/commands/test';
import { EXIT } from '../../src/cli/exit-codes';
import { HOST_FLAGS } from '../../src/cli/host-options';
import { liveHostsOf } from '../../src/cli/live-hosts';
import type { Expectation } from '../../src/model/expectation';
import type { LiveCheck } from '../../src/model/live-check';
import type { Lab } from '../../src/model/topology';
import type { TraceResult } from '../../src/trace/index';

const FILE = join(__dirname, '../../examples/g-two-hosts.vnet');
let bed: Testbed;
let a: TestHost;
let b: TestHost;

const sshArgs = (host: TestHost) => Object.entries(host.sshOptions).flatMap(([k, v]) => ['--ssh-option', `${k}=${v}`]);

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  const [specA, specB] = SCENARIOS.G.hosts;
  a = await bed.addHost({ address: specA.address, peer: specA.peer });
  b = await bed.addHost({ address: specB.address, peer: specB.peer });
  const applied = await vnet(['apply', FILE, ...sshArgs(a), '--yes']);
  assert.equal(applied.exitCode, 0, applied.stdout + applied.stderr);
});
after(async () => {
  await a?.remove();
  await b?.remove();
  await bed?.stop();
});

test('the file leaves out the LAN: its trace drops at host a, the real ping gets through, ip route get says where', async () => {
  const result = await vnet(['trace', FILE, ...sshArgs(a), '--from', 'a/ns1', '--to', 'b/ns2', '--live', '--json']);
  assert.equal(result.exitCode, EXIT.liveDisagrees, result.stdout + result.stderr);
  const verdict = JSON.parse(result.stdout) as TraceResult & { live: LiveCheck };
  assert.deepEqual([verdict.reachable, verdict.drop?.namespace, verdict.live.reachable], [false, 'host', true]);
  assert.deepEqual(verdict.live.from, { host: 'a', namespace: 'ns1' });
  const root = verdict.live.routes.find((r) => r.host === 'a' && r.namespace === 'host' && r.direction === 'request')!;
  assert.deepEqual([root.modelDevice, root.kernelDevice, root.agrees], [null, 'eth0', false]);
  assert.match(verdict.live.wrongStep!, /^The model's route step is wrong in host \(request\): for 192\.168\.2\.3 the model has no route .*, the kernel sends it out eth0/);
});

function io(): CliIo & { out: string } {
  const result = {
    out: '', interactive: false, signal: new AbortController().signal,
    stdout: (t: string) => { result.out += t; }, stderr: () => undefined, prompt: async () => '',
  };
  return result;
}

function expect(from: string, to: string, more: Partial<Expectation> = {}): Expectation {
  return { from, to, protocol: 'icmp', port: null, reaches: true, landsOn: null, text: `expect ${from} reaches ${to}`, line: null, ...more };
}

interface Report { failed: number; expectations: { result: string; live: LiveCheck | null }[] }

/** `vnet test --json` over a lab of both machines as they are now. */
async function testBoth(expectations: Expectation[]): Promise<{ code: number; report: Report }> {
  const lab: Lab = {
    name: 'g', expectations,
    hosts: [{ name: 'a', target: a.target, topology: await showJson(a) }, { name: 'b', target: b.target, topology: await showJson(b) }],
  };
  const args = parseArgs([...sshArgs(a), '--json'], { ...HOST_FLAGS, json: {}, junit: { value: true } });
  const console = io();
  const code = await runLabTests(lab, 'g.vnet', liveHostsOf(lab, args, 'g.vnet'), args, console);
  return { code, report: JSON.parse(console.out) as Report };
}

test('across machines: sent on a, heard by VNet\'s listener on b; a link down on b fails it', async () => {
  const expectations = [
    expect('a/ns1', 'b/ns2'),
    expect('a/ns1', 'b/ns2', { protocol: 'tcp', port: 7000, text: 'expect a/ns1 reaches b/ns2 tcp 7000' }),
    expect('b/ns1', 'a/ns2', { protocol: 'udp', port: 5300, text: 'expect b/ns1 reaches a/ns2 udp 5300' }),
  ];
  const healthy = await testBoth(expectations);
  assert.equal(healthy.code, EXIT.ok, JSON.stringify(healthy.report, null, 2));
  const tcp = healthy.report.expectations[1].live!;
  assert.deepEqual([tcp.from, tcp.listener?.host, tcp.landedOn?.host, tcp.landedOn?.namespace], [{ host: 'a', namespace: 'ns1' }, 'b', 'b', 'ns2']);
  assert.deepEqual([healthy.report.expectations[2].live?.listener?.host, healthy.report.expectations[2].live?.evidence], ['a', 'udp: answered']);

  await b.mustSh('ip netns exec ns2 ip link set veth-ns2 down\n');
  try {
    const broken = await testBoth(expectations.slice(0, 2));
    assert.equal(broken.code, EXIT.testFailed);
    assert.deepEqual(broken.report.expectations.map((e) => e.result), ['fail', 'fail']);
  } finally {
    await b.mustSh('ip netns exec ns2 ip link set veth-ns2 up\n');
  }
  for (const host of [a, b]) {
    const left = await host.mustSh('ps -eo args=\n');
    assert.deepEqual(left.split('\n').filter((l) => /vnet-live|^ping /.test(l)), [], host.target);
  }
});
