// The foundation's smoke tests: real sshd in emulated hosts, the real kernel, and the machine's own
// network left exactly as it was.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run } from '../testbed/run';
import { SCENARIOS } from '../testbed/scenarios';

async function realNetwork(): Promise<string> {
  const netns = await run('ip', ['netns', 'list']);
  const nat = await run('iptables-save', ['-t', 'nat']);
  const links = await run('ip', ['-o', 'link', 'show']);
  const strip = (text: string) => text.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/g, '')).join('\n');
  return [netns.stdout, strip(nat.stdout), links.stdout.replace(/ qdisc.*/g, '')].join('\n---\n');
}

let realBefore = '';
let bed: Testbed;
let a: TestHost;
let b: TestHost;

before(async () => {
  realBefore = await realNetwork();
  bed = await Testbed.start();
  [a, b] = await Promise.all([bed.addHost(), bed.addHost()]);
});

after(async () => {
  await bed?.stop();
  assert.equal(await realNetwork(), realBefore, "the machine's own namespaces, links or NAT rules changed");
});

test('a namespace and a veth made over ssh on host a are visible on a only', async () => {
  await a.mustSh('ip netns add smoke-ns && ip link add smoke0 type veth peer name smoke1 && ip link set smoke1 netns smoke-ns');
  assert.match(await a.mustSh('ip netns list'), /^smoke-ns/m);
  assert.match(await a.mustSh('ip -o link show smoke0'), /smoke0@/);
  assert.match(await a.mustSh('ip netns exec smoke-ns ip -o link show smoke1'), /smoke1@/);

  assert.doesNotMatch(await b.mustSh('ip netns list'), /smoke-ns/);
  const onB = await b.sh('ip -o link show smoke0');
  assert.notEqual(onB.exitCode, 0, 'host b must not see host a\'s interface');
  const inWorld = await bed.peer.sh('ip netns list; ip -o link show');
  assert.doesNotMatch(inWorld.stdout, /smoke/, 'the world must not see host a\'s namespace or interfaces');
});

test('the LAN peer reaches both hosts with real traffic', async () => {
  for (const host of [a, b]) {
    const ping = await bed.peer.sh(`ping -c 1 -W 2 ${host.ip}`);
    assert.equal(ping.exitCode, 0, `ping ${host.ip}: ${ping.stdout}${ping.stderr}`);
  }
  // And the other way: a TCP connection from a host to a listener in the peer.
  const listener = bed.peer.spawn('timeout 20 nc -d -l -p 7070');
  let received = '';
  listener.stdout?.on('data', (chunk: Buffer) => { received += chunk.toString(); });
  const closed = new Promise((resolve) => listener.once('close', resolve));
  try {
    let sent = { exitCode: 1, stdout: '', stderr: '' };
    for (let attempt = 0; attempt < 50 && sent.exitCode !== 0; attempt++) {
      sent = await a.sh(`echo hello-from-a | nc -q 1 -w 2 ${a.peer} 7070`);
      if (sent.exitCode !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(sent.exitCode, 0, sent.stderr);
    await closed;
    assert.match(received, /hello-from-a/);
  } finally {
    listener.kill('SIGKILL');
  }
});

test('host key checking is on: a host whose key is not trusted is refused', async () => {
  const stranger = await bed.addHost({ untrustedHostKey: true });
  try {
    const result = await stranger.sh('true');
    assert.equal(result.exitCode, 255);
    assert.match(result.stderr, /Host key verification failed/);
  } finally {
    await stranger.remove();
  }
});

test('a fresh host starts empty, and a scenario built by hand on it works', async () => {
  const scenario = SCENARIOS.C.hosts[0];
  const host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  try {
    assert.equal((await host.mustSh('ip netns list')).trim(), '');
    assert.equal((await host.mustSh('iptables-save -t nat | grep -c "^-A" || true')).trim(), '0');
    await host.mustSh(scenario.script);
    const ping = await host.sh('ip netns exec net1 ping -c 1 -W 2 192.168.0.1');
    assert.equal(ping.exitCode, 0, ping.stdout + ping.stderr);
    // Egress through MASQUERADE to the LAN peer.
    const egress = await host.sh(`ip netns exec net1 ping -c 1 -W 2 ${scenario.peer}`);
    assert.equal(egress.exitCode, 0, egress.stdout + egress.stderr);
  } finally {
    await host.remove();
  }
});

test('killing the world process leaves no namespace and no process behind', async () => {
  const other = await Testbed.start();
  const host = await other.addHost();
  await host.mustSh('ip netns add doomed && sleep 1000 </dev/null >/dev/null 2>&1 &');
  const worldNet = `/proc/${other.worldPid}/ns/net`;
  assert.ok(existsSync(worldNet));
  const sshdBefore = (await run('pgrep', ['-c', '-f', 'vnet-testbed/sshd_config'])).stdout.trim();
  process.kill(other.worldPid, 'SIGKILL');
  // Wait for the world's PID namespace to be reaped, then look for survivors.
  // The world init stays a zombie until unshare reaps it: wait for both to be gone, not just killed.
  for (let i = 0; i < 100 && (existsSync(`/proc/${host.pid}`) || existsSync(`/proc/${other.worldPid}`)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(!existsSync(`/proc/${host.pid}`), 'the host init must die with the world');
  assert.ok(!existsSync(`/proc/${other.worldPid}`), 'the world init is gone');
  const sshdAfter = (await run('pgrep', ['-c', '-f', 'vnet-testbed/sshd_config'])).stdout.trim();
  assert.ok(Number(sshdAfter) < Number(sshdBefore), `sshd of the killed world must be gone (${sshdBefore} → ${sshdAfter})`);
  await other.stop();
});

test('the testbed refuses to run where it cannot isolate itself', async () => {
  // A non-root user cannot create namespaces: the testbed must say so instead of touching anything.
  const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--',
      process.execPath, '--import', 'tsx', '-e',
      "import('./test/testbed/testbed.ts').then(m => (m.Testbed ?? m.default.Testbed).start()).then(() => process.exit(0), e => { console.error(e.message); process.exit(3); })"],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: '/tmp' } });
    let output = '';
    child.stdout.on('data', (c: Buffer) => { output += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { output += c.toString(); });
    child.on('close', (code) => resolve({ code, output }));
  });
  assert.equal(result.code, 3, result.output);
  assert.match(result.output, /testbed: needs root/);
});
