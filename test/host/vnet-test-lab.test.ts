// `vnet test`'s run on a testbed host (scenario B built by hand), with a lab constructed from the host's
// own network and its expectations written as data (the `expect` syntax lands on another branch): pass,
// fail and not-checked per expectation, the exit code, the JUnit report, and nothing left running.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt, showJson } from './show-support';
import { parseArgs } from '../../src/cli/args';
import type { CliIo } from '../../src/cli/command';
import { runLabTests } from '../../src/cli/commands/test';
import { EXIT } from '../../src/cli/exit-codes';
import { HOST_FLAGS } from '../../src/cli/host-options';
import { liveHostsOf } from '../../src/cli/live-hosts';
import type { Expectation } from '../../src/model/expectation';
import type { Lab } from '../../src/model/topology';

let bed: Testbed;
let host: TestHost;
let dir: string;
const scenario = SCENARIOS.B.hosts[0];

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  await host.mustSh(scenario.script);
  dir = await mkdtemp(join(tmpdir(), 'vnet-test-'));
});
after(async () => {
  await host?.remove();
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function expect(from: string, to: string, more: Partial<Expectation> = {}): Expectation {
  const protocol = more.protocol ?? 'icmp';
  const text = `expect ${from} ${more.reaches === false ? 'does not reach' : 'reaches'} ${to}${protocol === 'icmp' ? '' : ` ${protocol} ${more.port}`}`;
  return { from, to, protocol, port: null, reaches: true, landsOn: null, text, line: null, ...more };
}

function io(): CliIo & { out: string; err: string } {
  const result = {
    out: '', err: '', interactive: false, signal: new AbortController().signal,
    stdout: (t: string) => { result.out += t; }, stderr: (t: string) => { result.err += t; },
    prompt: async () => '',
  };
  return result;
}

async function run(lab: Lab, extra: string[] = []): Promise<{ code: number; out: string }> {
  const args = parseArgs([...host.vnetArgs, ...extra], { ...HOST_FLAGS, json: {}, junit: { value: true } });
  const console = io();
  const code = await runLabTests(lab, 'b.vnet', liveHostsOf(lab, args, 'b.vnet'), args, console);
  return { code, out: console.out };
}

test('every expectation that holds passes; an outside source is not checked; exit 0', async () => {
  const topology = await showJson(host);
  const lab: Lab = {
    name: 'b', hosts: [{ name: 'host', target: null, topology }],
    expectations: [
      expect('red', 'blue', { line: 3 }),
      expect('red', 'blue', { protocol: 'tcp', port: 8080 }),
      expect('blue', 'host', { protocol: 'udp', port: 5000 }),
      expect(scenario.peer, '192.168.1.2', { protocol: 'tcp', port: 80, landsOn: { namespace: 'blue', port: 80 } }),
    ],
  };
  const { code, out } = await run(lab);
  assert.equal(code, EXIT.ok, out);
  const lines = out.split('\n').filter((l) => /^(PASS|FAIL|SKIP)/.test(l));
  assert.deepEqual(lines.map((l) => l.slice(0, 4)), ['PASS', 'PASS', 'PASS', 'SKIP'], out);
  assert.match(lines[0], /^PASS {2}expect red reaches blue {2}\(line 4; predicted: holds; live: ping: [123] of 3 answered\)$/);
  assert.match(out, /4 expectations: 3 passed, 0 failed, 1 not checked live\./);
});

test('a host broken after the file was written fails live beside a prediction that holds; negative ones pass; JUnit says so', async () => {
  const topology = await showJson(host);
  await host.mustSh('ip netns exec blue iptables -A INPUT -p udp --dport 53 -j DROP\n');
  try {
    const lab: Lab = {
      name: 'b', hosts: [{ name: 'host', target: null, topology }],
      expectations: [
        expect('red', 'blue', { protocol: 'udp', port: 53, line: 9 }),
        expect('red', 'blue', { protocol: 'udp', port: 54, reaches: false }),
      ],
    };
    const junit = join(dir, 'report.xml');
    const { code, out } = await run(lab, ['--junit', junit]);
    assert.equal(code, EXIT.testFailed, out);
    assert.match(out, /^FAIL {2}expect red reaches blue udp 53 {2}\(line 10; predicted: holds; live: udp: no answer within 5 s\)\n {6}the real packet does not get through/m);
    // Predicted to get through (the model saw no rule), and it does: the negative expectation fails too.
    assert.match(out, /^FAIL {2}expect red does not reach blue udp 54 .*\n {6}the real packet gets through \(udp: answered\)/m);
    const xml = await readFile(junit, 'utf8');
    assert.match(xml, /<testsuite name="b" tests="2" failures="2" errors="0" skipped="0">/);
    // The reason is the trace on the host as it is: the rule added by hand drops it in blue.
    assert.match(xml, /<failure message="the real packet does not get through \(udp: no answer within 5 s\): on the host as it is, it is dropped in blue \(veth-blue\): filter INPUT drops it/);
  } finally {
    await host.mustSh('ip netns exec blue iptables -D INPUT -p udp --dport 53 -j DROP\n');
  }
  const left = await host.mustSh('ps -eo args=\n');
  assert.deepEqual(left.split('\n').filter((l) => /vnet-live|^ping /.test(l)), []);
});
