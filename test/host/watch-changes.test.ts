// The live watcher against a real host over ssh: hand-made changes of every kind arrive, bursts are
// debounced, a dropped connection is re-opened, a host without perl is polled, and stopping leaves nothing
// running on the host. Assertions are on events arriving, with generous bounds, never on timing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import type { Transport } from '../../src/host/transport';
import { watchHost, type HostWatcher, type WatchStatus } from '../../src/host/watch';

let bed: Testbed;
let host: TestHost;

before(async () => { bed = await Testbed.start(); host = await bed.addHost(); });
after(async () => { await bed?.stop(); });

// A bound for "it arrives", not for how fast: a loaded 2-core CI machine can take seconds to open ssh.
// bench/show.bench.ts measures the latency.
const ARRIVES_MS = 30_000;

interface Recorder {
  watcher: HostWatcher;
  transport: Transport;
  notifications: string[][];
  statuses: WatchStatus[];
  /** Resolves with the reasons of the next notification (after any already seen). */
  next(): Promise<string[]>;
  waitStatus(status: WatchStatus): Promise<void>;
  close(): Promise<void>;
}

function record(target: TestHost, extraOptions: [string, string][] = [], pollIntervalMs?: number): Recorder {
  // ServerAlive every second: a connection killed on the far side is noticed quickly through the testbed proxy.
  const transport = createTransport(target.target, { sshOptions: [...extraOptions, ['ServerAliveInterval', '1'], ['ServerAliveCountMax', '2'], ...Object.entries(target.sshOptions)] });
  const notifications: string[][] = [];
  const statuses: WatchStatus[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => { for (const w of waiters.splice(0)) w(); };
  const watcher = watchHost(transport, (reasons) => { notifications.push(reasons); wake(); }, {
    onStatus: (s) => { statuses.push(s); wake(); },
    pollIntervalMs,
  });
  const until = async (ready: () => boolean, what: string) => {
    const deadline = Date.now() + ARRIVES_MS;
    while (!ready()) {
      const left = deadline - Date.now();
      assert.ok(left > 0, `${what} did not arrive (statuses: ${statuses.join(' → ')}, notifications: ${JSON.stringify(notifications)})`);
      await new Promise<void>((resolve) => { waiters.push(resolve); setTimeout(resolve, Math.min(left, 250)); });
    }
  };
  return {
    watcher, transport, notifications, statuses,
    next: async () => {
      const seen = notifications.length;
      await until(() => notifications.length > seen, 'a change notification');
      return notifications[seen];
    },
    waitStatus: (status) => until(() => watcher.status === status, `status ${status}`),
    close: async () => { watcher.stop(); await watcher.done; await transport.close(); },
  };
}

/** Lets the events of set-up settle, so that the next notification is the one the test causes. */
async function quiet(r: Recorder): Promise<void> {
  for (let count = -1; count !== r.notifications.length;) {
    count = r.notifications.length;
    await new Promise((resolve) => setTimeout(resolve, 700));
  }
}

test('hand-made changes of every kind are reported', async () => {
  const r = record(host);
  try {
    await r.waitStatus('live');
    await quiet(r);
    const changes: [string, string][] = [
      ['a new namespace', 'ip netns add w1'],
      ['a veth into it', 'ip link add wv0 type veth peer name wv1 netns w1'],
      ['an address inside the namespace', 'ip -n w1 addr add 10.30.0.2/24 dev wv1'],
      ['a link set up', 'ip link set wv0 up'],
      ['a route', 'ip route add 10.31.0.0/16 dev wv0'],
      ['a root qdisc (an impairment)', 'tc qdisc add dev wv0 root tbf rate 1mbit burst 16k latency 100ms'],
      ['forwarding switched on', 'echo 1 > /proc/sys/net/ipv4/ip_forward'],
      ['a NAT rule (iptables-nft)', 'iptables-nft -t nat -A POSTROUTING -s 10.30.0.0/24 -j MASQUERADE'],
      ['a NAT rule (iptables-legacy)', 'iptables-legacy -t nat -A POSTROUTING -s 10.32.0.0/24 -j MASQUERADE'],
      ['forwarding inside a namespace', 'ip netns exec w1 sysctl -qw net.ipv4.ip_forward=1'],
      ['a namespace removed', 'ip netns del w1'],
    ];
    for (const [what, command] of changes) {
      const next = r.next();
      await host.mustSh(command);
      const reasons = await next.catch((error: Error) => { throw new Error(`${what}: ${error.message}`); });
      assert.ok(reasons.length > 0, what);
      await quiet(r);
    }
  } finally {
    await r.close();
  }
});

test('a burst of changes is debounced into fewer notifications', async () => {
  const r = record(host);
  try {
    await r.waitStatus('live');
    await quiet(r);
    const before = r.notifications.length;
    await host.mustSh(Array.from({ length: 20 }, (_, i) => `ip link add burst${i} type bridge`).join('\n'));
    await r.next();
    await quiet(r);
    const burst = r.notifications.length - before;
    assert.ok(burst >= 1 && burst < 20, `20 changes gave ${burst} notifications`);
  } finally {
    await r.close();
  }
});

test('a dropped connection is re-opened, and changes are reported again', async () => {
  const r = record(host);
  try {
    await r.waitStatus('live');
    await quiet(r);
    // Drop it from the far side: end the sshd session processes that serve us (they are ours to end).
    const sessions = await host.direct("ps -eo pid=,args= | awk '/sshd: root@notty/ && !/awk/ { print $1 }'");
    assert.ok(sessions.stdout.trim(), 'an ssh session to drop');
    const reconnected = r.next();
    await host.direct(`kill ${sessions.stdout.trim().split(/\s+/).join(' ')}`);
    assert.ok((await reconnected).length > 0);
    await r.waitStatus('live');
    assert.ok(r.statuses.includes('polling'), `went through polling: ${r.statuses.join(' → ')}`);
    await quiet(r);
    const next = r.next();
    await host.mustSh('ip link add after-drop type bridge');
    assert.ok((await next).length > 0);
  } finally {
    await r.close();
  }
});

test('a host without perl is polled, and its changes still arrive', async () => {
  const plain = await bed.addHost();
  try {
    const hidden = await plain.direct('touch /run/not-a-program && chmod 0644 /run/not-a-program && mount --bind /run/not-a-program /usr/bin/perl');
    assert.equal(hidden.exitCode, 0, hidden.stderr);
    const r = record(plain, [], 500);
    try {
      await r.waitStatus('polling');
      await quiet(r);
      const next = r.next();
      await plain.mustSh('ip netns add polled');
      assert.deepEqual(await next, ['poll']);
    } finally {
      await r.close();
    }
  } finally {
    await plain.remove();
  }
});

test('stopping the watcher leaves nothing running on the host', async () => {
  const r = record(host);
  await r.waitStatus('live');
  const during = await host.direct('ps -eo args=');
  assert.match(during.stdout, /perl -/, 'the watcher runs while watched');
  await r.close();
  let after = '';
  for (let i = 0; i < 40; i++) {
    after = (await host.direct('ps -eo args=')).stdout;
    if (!/perl -|__VNET_SCRIPT_END/.test(after)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  assert.doesNotMatch(after, /perl -|__VNET_SCRIPT_END/);
});
