// `vnet capture` against a testbed host over real ssh: a ping across a veth ends up in the file it names,
// Ctrl-C stops a capture on two interfaces cleanly (one file each, no tcpdump left), and a missing
// interface or a host without tcpdump are errors with codes and exit codes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run, type RunResult } from '../testbed/run';
import { assertBuilt, CLI, vnet } from './show-support';
import { EXIT } from '../../src/cli/exit-codes';
import { sshReady, vethHost } from './capture-support';

let bed: Testbed;
let host: TestHost;
let dir: string;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await vethHost(bed);
  dir = await mkdtemp(join(tmpdir(), 'vnet-capture-cli-'));
});

after(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tcpdumpsOn(h: TestHost): Promise<string> {
  return (await h.direct('pgrep -a tcpdump || true')).stdout.trim();
}

/** Starts `vnet capture`, pinging across the veth every 0.2 s while it runs; stop() sends SIGINT (Ctrl-C). */
function captureWhilePinging(args: string[]): { result: Promise<RunResult>; stderr: () => string; interrupt: () => void } {
  const child = spawn('node', [CLI, 'capture', ...host.vnetArgs, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let running = true;
  const pinging = (async () => {
    for (let i = 0; running && i < 300; i++) await host.direct('ip netns exec cap-a ping -c1 -W1 10.77.0.2 >/dev/null; sleep 0.2');
  })();
  const result = new Promise<RunResult>((resolve) => {
    child.on('close', (code) => { running = false; void pinging.then(() => resolve({ stdout, stderr, exitCode: code ?? 128 })); });
  });
  return { result, stderr: () => stderr, interrupt: () => child.kill('SIGINT') };
}

async function icmpLines(file: string): Promise<string[]> {
  const read = await run('tcpdump', ['-r', file, '-nn']);
  assert.equal(read.exitCode, 0, read.stderr);
  return read.stdout.split('\n').filter((line) => / ICMP echo (request|reply)/.test(line));
}

test('vnet capture NS:IFACE -w FILE --count N: the ping is in the file, listed on stdout, and no tcpdump is left', async () => {
  const file = join(dir, 'count.pcap');
  const { result } = captureWhilePinging(['cap-a:va', '-w', file, '--count', '6', '--filter', 'icmp']);
  const { stdout, stderr, exitCode } = await result;
  assert.equal(exitCode, EXIT.ok, stderr);
  assert.equal(stdout, `${file}\tcap-a:va\t6 packets\n`);
  assert.match(stderr, /^Capturing on cap-a:va of root@/);
  assert.match(stderr, /Capture ended: every interface reached its count\./);
  assert.equal((await icmpLines(file)).length, 6);
  assert.equal(await tcpdumpsOn(host), '');
});

test('Ctrl-C stops a capture on two interfaces: one file each, progress on stderr, no tcpdump left', async () => {
  const file = join(dir, 'both.pcap');
  const capture = captureWhilePinging(['cap-a:va', 'cap-b:vb', '--write', file, '--filter', 'icmp']);
  // Interrupt once the progress shows packets on both interfaces.
  for (let i = 0; i < 300 && !/cap-a:va [1-9]\d* packets? · cap-b:vb [1-9]/.test(capture.stderr()); i++) await new Promise((r) => setTimeout(r, 100));
  capture.interrupt();
  const { stdout, stderr, exitCode } = await capture.result;
  assert.equal(exitCode, EXIT.ok, stderr);
  assert.match(stderr, /Capture ended: stopped\./);
  const listed = stdout.trim().split('\n').map((line) => line.split('\t'));
  assert.deepEqual(listed.slice(0, 2).map(([f, point]) => [f, point]), [[join(dir, 'both-cap-a-va.pcap'), 'cap-a:va'], [join(dir, 'both-cap-b-vb.pcap'), 'cap-b:vb']]);
  for (const [f, , packets] of listed.slice(0, 2)) {
    const lines = await icmpLines(f);
    assert.ok(lines.length > 0, f);
    assert.equal(packets, `${lines.length} packet${lines.length === 1 ? '' : 's'}`, 'the count said is what the file holds');
  }
  assert.equal(await tcpdumpsOn(host), '');
});

test('pid:PID:IFACE captures in the namespace a process holds', async () => {
  const pid = (await host.direct('ip netns exec cap-b sh -c "sleep 300 </dev/null >/dev/null 2>&1 & echo \\$!"')).stdout.trim();
  assert.match(pid, /^\d+$/);
  try {
    const file = join(dir, 'pid.pcap');
    const { result } = captureWhilePinging([`pid:${pid}:vb`, '-w', file, '--count', '2', '--filter', 'icmp']);
    const { stdout, stderr, exitCode } = await result;
    assert.equal(exitCode, EXIT.ok, stderr);
    assert.equal(stdout, `${file}\tpid:${pid}:vb\t2 packets\n`);
    assert.equal((await icmpLines(file)).length, 2);
  } finally {
    await host.direct(`kill ${pid}`);
  }
  assert.equal(await tcpdumpsOn(host), '');
});

test('an unknown interface and a hostile filter: errors with codes, nothing left running', async () => {
  const missing = await vnet(['capture', ...host.vnetArgs, 'cap-a:nope0', '-w', join(dir, 'x.pcap'), '--count', '1']);
  assert.equal(missing.exitCode, EXIT.failure);
  assert.match(missing.stderr, /There is no interface nope0 in cap-a on root@[\d.]+\. .*\[VN-CAPTURE-INTERFACE\]/);
  const hostile = await vnet(['capture', ...host.vnetArgs, 'cap-a:va', '--filter', 'icmp; touch /tmp/pwned']);
  assert.match(hostile.stderr, /\[VN-CAPTURE-FILTER\]/);
  assert.equal((await host.direct('test -e /tmp/pwned && echo yes || echo no')).stdout.trim(), 'no');
  assert.equal((await vnet(['capture', ...host.vnetArgs, 'cap-a'])).exitCode, EXIT.usage);
  assert.equal(await tcpdumpsOn(host), '');
});

test('a host without tcpdump: VN-HOST-TOOL, exit code 7, saying to install it', async () => {
  const bare = await bed.addHost();
  try {
    await sshReady(bare);
    // Only this host's own mount namespace loses tcpdump.
    await bare.direct('for f in $(ls /usr/sbin/tcpdump /usr/bin/tcpdump /sbin/tcpdump /bin/tcpdump 2>/dev/null); do mount --bind /dev/null "$f" 2>/dev/null; done; true');
    const result = await vnet(['capture', ...bare.vnetArgs, 'host:eth0', '--count', '1', '-w', join(dir, 'bare.pcap')]);
    assert.equal(result.exitCode, EXIT.missingTool, result.stderr);
    assert.match(result.stderr, /has no tcpdump, which a capture needs\. Install it there .*\[VN-HOST-TOOL\]/);
  } finally {
    await bare.remove();
  }
});
