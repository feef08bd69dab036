// `vnet trace --live` on a testbed host built by hand (scenario B: red and blue on a bridge, the host as
// gateway, port 80 published to blue): the real packet agrees with the trace for ICMP, TCP (to VNet's own
// listener, and to one already there), UDP, a drop, and a .vnet file's network; a stale state file
// disagrees, and `ip route get` names the namespace whose route changed; a mangle DROP the model does not
// read disagrees with every route agreeing; an outside source is refused; and nothing VNet started is left
// running. Traffic goes only to the testbed's own addresses.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt, vnet } from './show-support';
import type { TraceResult } from '../../src/trace/index';
import type { LiveCheck } from '../../src/model/live-check';
import { EXIT } from '../../src/cli/exit-codes';

type LiveTrace = TraceResult & { live: LiveCheck };

let bed: Testbed;
let host: TestHost;
let dir: string;
const scenario = SCENARIOS.B.hosts[0];

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  await host.mustSh(scenario.script);
  dir = await mkdtemp(join(tmpdir(), 'vnet-live-'));
});
after(async () => {
  await host?.remove();
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function live(args: string[], expectedExit: number): Promise<LiveTrace> {
  const result = await vnet(['trace', ...args, '--live', '--json']);
  assert.equal(result.exitCode, expectedExit, `vnet trace ${args.join(' ')} --live: exit ${result.exitCode}\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout) as LiveTrace;
}

/** The processes a live check could leave behind on the host: its listener, sender and pings. */
async function leftovers(): Promise<string[]> {
  const out = await host.mustSh('ps -eo args=\n');
  return out.split('\n').filter((line) => /vnet-live|^ping |perl -e/.test(line));
}

test('ICMP: red reaches blue, and the real ping agrees', async () => {
  const verdict = await live([...host.vnetArgs, '--from', 'red', '--to', 'blue'], EXIT.ok);
  assert.equal(verdict.reachable, true);
  assert.deepEqual([verdict.live.sent, verdict.live.reachable, verdict.live.agrees], [true, true, true]);
  assert.deepEqual(verdict.live.from, { host: verdict.hops[0].host, namespace: 'red' });
  assert.match(verdict.live.evidence, /^ping: [123] of 3 answered$/);
  assert.deepEqual(verdict.live.routes, [], 'no route lookups when reality agrees');
});

test('TCP: VNet starts a listener where the trace lands, and sees the connection arrive there', async () => {
  const verdict = await live([...host.vnetArgs, '--from', 'red', '--to', 'blue', '--tcp', '8080'], EXIT.ok);
  assert.deepEqual(verdict.live.listener, { state: 'started', host: verdict.hops[0].host, namespace: 'blue', port: 8080 });
  assert.equal(verdict.live.evidence, 'tcp: connected');
  assert.deepEqual([verdict.live.landedOn?.namespace, verdict.live.landedOn?.address, verdict.live.landedOn?.port], ['blue', '192.168.15.2', 8080]);
  assert.equal(verdict.live.agrees, true);
  assert.deepEqual(await leftovers(), []);
});

test('TCP: a port something already listens on is used as it is', async () => {
  await host.mustSh('ip netns exec blue setsid timeout 60 perl -MIO::Socket::IP -e \'my $s = IO::Socket::IP->new(LocalPort => 9090, Listen => 5, ReuseAddr => 1) or die; while (my $c = $s->accept) { close $c }\' </dev/null >/dev/null 2>&1 &\nsleep 0.3\n');
  try {
    const verdict = await live([...host.vnetArgs, '--from', 'red', '--to', 'blue', '--tcp', '9090'], EXIT.ok);
    assert.equal(verdict.live.listener?.state, 'already');
    assert.deepEqual([verdict.live.reachable, verdict.live.agrees, verdict.live.landedOn], [true, true, null]);
  } finally {
    await host.mustSh('pkill -f "LocalPort => 9090" || true\n');
  }
});

test('UDP: VNet\'s listener answers the datagram, so the round trip is seen', async () => {
  const verdict = await live([...host.vnetArgs, '--from', 'blue', '--to', 'red', '--udp', '5353'], EXIT.ok);
  assert.equal(verdict.live.listener?.state, 'started');
  assert.deepEqual([verdict.live.evidence, verdict.live.landedOn?.namespace, verdict.live.agrees], ['udp: answered', 'red', true]);
});

test('a drop: an INPUT rule in blue stops TCP 8081, and the trace and the real packet agree', async () => {
  await host.mustSh('ip netns exec blue iptables -A INPUT -p tcp --dport 8081 -j DROP\n');
  try {
    const verdict = await live([...host.vnetArgs, '--from', 'red', '--to', 'blue', '--tcp', '8081'], EXIT.traceDropped);
    assert.equal(verdict.drop?.namespace, 'blue');
    assert.deepEqual([verdict.live.reachable, verdict.live.agrees, verdict.live.listener?.state], [false, true, 'started']);
    assert.match(verdict.live.evidence, /^tcp: /);
  } finally {
    await host.mustSh('ip netns exec blue iptables -D INPUT -p tcp --dport 8081 -j DROP\n');
  }
});

test('a stale model disagrees with reality; ip route get names the namespace whose route changed', async () => {
  const saved = await vnet(['show', '--json', ...host.vnetArgs]);
  assert.equal(saved.exitCode, 0, saved.stderr);
  const state = join(dir, 'state.json');
  await writeFile(state, saved.stdout);
  await host.mustSh('ip netns exec red ip route del default\n');
  try {
    const result = await vnet(['trace', state, ...host.vnetArgs, '--from', 'red', '--to', scenario.peer, '--live']);
    assert.equal(result.exitCode, EXIT.liveDisagrees, result.stdout + result.stderr);
    assert.match(result.stdout, /live: not reachable \(ping: .*\), but the trace predicted reachable/);
    const verdict = await live([state, ...host.vnetArgs, '--from', 'red', '--to', scenario.peer], EXIT.liveDisagrees);
    const red = verdict.live.routes.find((r) => r.namespace === 'red' && r.direction === 'request')!;
    assert.deepEqual([red.modelDevice, red.kernelDevice, red.agrees], ['veth-red', null, false]);
    assert.match(red.kernel, /unreachable/i);
    assert.match(verdict.live.wrongStep!, /route step is wrong in red/);
  } finally {
    await host.mustSh('ip netns exec red ip route add default via 192.168.15.5\n');
  }
});

test('with a .vnet FILE, its desired network is traced and the packet sent on --host', async () => {
  const file = join(__dirname, '../../examples/b-bridge-gateway.vnet');
  const verdict = await live([file, ...host.vnetArgs, '--from', 'red', '--to', 'blue', '--tcp', '80'], EXIT.ok);
  assert.deepEqual(verdict.live.from, { host: 'host', namespace: 'red' }, 'the lab\'s own name for its machine');
  assert.deepEqual([verdict.live.listener?.namespace, verdict.live.landedOn?.namespace, verdict.live.agrees], ['blue', 'blue', true]);
});

test('a rule the model does not read (mangle DROP) disagrees; the routes agree, so the step is one routes cannot show', async () => {
  await host.mustSh('ip netns exec blue iptables -t mangle -A PREROUTING -p tcp --dport 8082 -j DROP\n');
  try {
    const verdict = await live([...host.vnetArgs, '--from', 'red', '--to', 'blue', '--tcp', '8082'], EXIT.liveDisagrees);
    assert.deepEqual([verdict.reachable, verdict.live.reachable, verdict.live.listener?.state], [true, false, 'started']);
    assert.ok(verdict.live.routes.length > 0 && verdict.live.routes.every((r) => r.agrees !== false), JSON.stringify(verdict.live.routes));
    assert.match(verdict.live.wrongStep!, /^Every route lookup on the path agrees with the kernel, so something the model does not see stops the real packet/);
  } finally {
    await host.mustSh('ip netns exec blue iptables -t mangle -D PREROUTING -p tcp --dport 8082 -j DROP\n');
  }
});

test('an outside source cannot be sent from the host, and says so', async () => {
  const result = await vnet(['trace', ...host.vnetArgs, '--from', scenario.peer, '--to', scenario.address.split('/')[0], '--tcp', '80', '--live']);
  assert.equal(result.exitCode, EXIT.liveNotSent, result.stderr);
  assert.match(result.stdout, /live: not sent: 192\.168\.1\.3 is outside the host/);
  const verdict = await live([...host.vnetArgs, '--from', scenario.peer, '--to', scenario.address.split('/')[0], '--tcp', '80'], EXIT.liveNotSent);
  assert.deepEqual([verdict.live.sent, verdict.live.reachable, verdict.live.agrees, verdict.live.listener], [false, null, null, null]);
});

test('--live with a FILE and no host says what is missing', async () => {
  const state = join(dir, 'empty.json');
  const saved = await vnet(['show', '--json', ...host.vnetArgs]);
  await writeFile(state, saved.stdout);
  const result = await vnet(['trace', state, '--from', 'red', '--to', 'blue', '--live']);
  assert.equal(result.exitCode, EXIT.usage);
  assert.match(result.stderr, /needs the host to send on: add --host TARGET/);
});

test('nothing VNet started is left running on the host', async () => {
  await live([...host.vnetArgs, '--from', 'red', '--to', 'blue', '--udp', '6000'], EXIT.ok);
  await live([...host.vnetArgs, '--from', 'red', '--to', 'blue', '--tcp', '6001'], EXIT.ok);
  assert.deepEqual(await leftovers(), []);
});
