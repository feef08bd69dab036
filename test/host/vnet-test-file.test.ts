// `vnet test FILE` as a user runs it: scenario B's example applied to a testbed host, its `expect` lines
// checked live (exit 0, a JUnit report with no failure), then the host broken on purpose (blue's link down):
// the expectations through blue fail with the reason (the trace on the host as it is), exit 16, and the
// JUnit report names them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt } from './show-support';
import { vnet } from './apply-support';
import { EXIT } from '../../src/cli/exit-codes';

const FILE = 'examples/b-bridge-gateway.vnet';
const scenario = SCENARIOS.B.hosts[0];
let bed: Testbed;
let host: TestHost;
let dir: string;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  dir = await mkdtemp(join(tmpdir(), 'vnet-test-file-'));
  const applied = await vnet(['apply', FILE, ...host.vnetArgs, '--yes'], { host });
  assert.equal(applied.exitCode, 0, applied.stderr);
  assert.match(applied.stdout + applied.stderr, /vnet test/, 'apply points at vnet test');
});
after(async () => {
  await host?.remove();
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function verdicts(stdout: string): Map<string, string> {
  const lines = stdout.split('\n').filter((line) => /^(PASS|FAIL|SKIP) {2}expect /.test(line));
  return new Map(lines.map((line) => [line.slice(6).split('  ')[0], line.slice(0, 4)]));
}

test('the applied example passes its expectations live; the LAN peer\'s are not sent from the host', async () => {
  const junit = join(dir, 'pass.xml');
  const result = await vnet(['test', FILE, ...host.vnetArgs, '--junit', junit], { host });
  assert.equal(result.exitCode, EXIT.ok, result.stdout + result.stderr);
  const seen = verdicts(result.stdout);
  for (const statement of ['expect red reaches blue', 'expect blue reaches red', 'expect host reaches blue']) {
    assert.equal(seen.get(statement), 'PASS', `${statement}\n${result.stdout}`);
  }
  assert.ok(![...seen.values()].includes('FAIL'), result.stdout);
  const report = await readFile(junit, 'utf8');
  assert.match(report, /<testsuite [^>]*failures="0"/);
  assert.doesNotMatch(report, /<failure/);
  assert.match(report, /expect red reaches blue/);
});

test('broken on purpose, the expectations through blue fail with the reason, exit 16 and JUnit failures', async () => {
  await host.mustSh('ip netns exec blue ip link set veth-blue down');
  try {
    const junit = join(dir, 'fail.xml');
    const result = await vnet(['test', FILE, ...host.vnetArgs, '--junit', junit], { host });
    assert.equal(result.exitCode, EXIT.testFailed, result.stdout + result.stderr);
    const seen = verdicts(result.stdout);
    assert.equal(seen.get('expect red reaches blue'), 'FAIL', result.stdout);
    assert.equal(seen.get('expect blue reaches red'), 'FAIL', result.stdout);
    // The reason is the trace on the host as it is: blue's link down leaves no neighbour for its address on
    // the bridge, and no route out of blue.
    assert.match(result.stdout, /expect red reaches blue .*\n.*on the host as it is, it is dropped in host \(v-net-0\): no neighbour answers for 192\.168\.15\.2/);
    assert.match(result.stdout, /expect blue reaches red .*\n.*on the host as it is, it is dropped in blue: no route to 192\.168\.15\.1/);
    const report = await readFile(junit, 'utf8');
    assert.match(report, /<failure/);
    assert.doesNotMatch(report, /<testsuite [^>]*failures="0"/);
  } finally {
    await host.mustSh('ip netns exec blue ip link set veth-blue up');
  }
});
