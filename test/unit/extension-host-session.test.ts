// A host session's states and how it keeps current, with the probe and the watcher replaced by scripted
// ones (the real ones run in test/host/extension-*.test.ts): connecting → connected or error, Retry,
// following the watcher, polling, reads that overlap, and one failing host beside a working one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VnetError } from '../../src/model/errors';
import { emptyNamespace, emptyTopology, type Topology } from '../../src/model/topology';
import type { HostWatcher, WatchOptions } from '../../src/host/watch';
import type { Transport } from '../../src/host/transport';
import { HostSession } from '../../src/extension/host-session';
import { HostsModel } from '../../src/extension/hosts-model';
import { DEFAULT_SETTINGS } from '../../src/extension/settings';

function fakeTransport(target: string): Transport & { closed: boolean } {
  return {
    target,
    closed: false,
    runScript: () => Promise.reject(new Error('not used')),
    stream: () => { throw new Error('not used'); },
    streamBytes: () => { throw new Error('not used'); },
    async close() { this.closed = true; },
  };
}

function topologyWith(host: string, ...names: string[]): Topology {
  const t = emptyTopology(host);
  for (const name of names) t.namespaces.push(emptyNamespace(name));
  return t;
}

/** A probe whose answers the test gives one by one. */
function scriptedProbe() {
  const waiting: { resolve: (t: Topology) => void; reject: (e: unknown) => void; signal?: AbortSignal }[] = [];
  const probe = (_t: Transport, options: { signal?: AbortSignal }) => new Promise<Topology>((resolve, reject) => {
    waiting.push({ resolve, reject, signal: options.signal });
  });
  return {
    probe,
    get calls() { return waiting.length; },
    answer(i: number, value: Topology | Error) {
      const call = waiting[i];
      if (value instanceof Error) call.reject(value); else call.resolve(value);
    },
    signal(i: number) { return waiting[i].signal; },
  };
}

function fakeWatch() {
  const started: { onChange: (r: string[]) => void; options: WatchOptions; stopped: boolean }[] = [];
  const watch = (_t: Transport, onChange: (r: string[]) => void, options: WatchOptions): HostWatcher => {
    const entry = { onChange, options, stopped: false };
    started.push(entry);
    return { stop: () => { entry.stopped = true; }, done: Promise.resolve(), status: 'live' };
  };
  return { watch, started };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const entry = (destination: string) => ({ destination, label: null, identityFile: null });

test('idle → connecting → connected, then the watcher is followed: a change reads the host again', async () => {
  const probe = scriptedProbe();
  const watch = fakeWatch();
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: () => undefined, probe: probe.probe, watch: watch.watch, now: () => 1000 }, { refreshMode: 'live', intervalMs: 1000 });
  const states: string[] = [];
  session.onDidChange(() => states.push(session.view().connection.state));
  assert.equal(session.view().connection.state, 'idle');
  session.start();
  session.start();
  assert.equal(probe.calls, 1, 'start() twice connects once');
  probe.answer(0, topologyWith('h1', 'a'));
  await tick();
  assert.deepEqual(states, ['connecting', 'connected']);
  assert.deepEqual(session.topology?.namespaces.map((n) => n.name), ['host', 'a']);
  assert.equal(watch.started.length, 1);

  watch.started[0].onChange(['4026531840']);
  assert.equal(probe.calls, 2);
  probe.answer(1, topologyWith('h1', 'a', 'b'));
  await tick();
  assert.deepEqual(session.topology?.namespaces.map((n) => n.name), ['host', 'a', 'b']);
  assert.equal(states.length, 3);
  await session.dispose();
  assert.equal(watch.started[0].stopped, true);
});

test('a read that finds the same network changes nothing on screen', async () => {
  const probe = scriptedProbe();
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: () => undefined, probe: probe.probe, watch: fakeWatch().watch }, { refreshMode: 'manual', intervalMs: 1000 });
  let changes = 0;
  session.onDidChange(() => changes++);
  session.start();
  probe.answer(0, topologyWith('h1', 'a'));
  await tick();
  const first = changes;
  const again = session.refresh();
  probe.answer(1, topologyWith('h1', 'a'));
  await again;
  assert.equal(changes, first);
});

test('a failure becomes the error state with the message and code; Retry connects again', async () => {
  const probe = scriptedProbe();
  const logged: string[] = [];
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: (l) => logged.push(l), probe: probe.probe, watch: fakeWatch().watch }, { refreshMode: 'live', intervalMs: 1000 });
  session.start();
  probe.answer(0, new VnetError('VN-HOST-UNREACHABLE', 'Cannot reach "h1". Check the address.'));
  await tick();
  const view = session.view().connection;
  assert.equal(view.state, 'error');
  assert.equal(view.state === 'error' && view.code, 'VN-HOST-UNREACHABLE');
  assert.match(logged.join('\n'), /Cannot reach "h1"/);
  assert.equal(session.topology, null);

  session.retry();
  assert.equal(session.view().connection.state, 'connecting');
  probe.answer(1, topologyWith('h1'));
  await tick();
  assert.equal(session.view().connection.state, 'connected');
  await session.dispose();
});

test('reads asked for while one runs share one read that starts after it', async () => {
  const probe = scriptedProbe();
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: () => undefined, probe: probe.probe, watch: fakeWatch().watch }, { refreshMode: 'manual', intervalMs: 1000 });
  const first = session.refresh();
  const second = session.refresh();
  const third = session.refresh();
  assert.equal(probe.calls, 1);
  probe.answer(0, topologyWith('h1', 'old'));
  await first;
  await tick();
  assert.equal(probe.calls, 2, 'one more read for both waiting callers');
  probe.answer(1, topologyWith('h1', 'new'));
  assert.deepEqual((await second).namespaces.map((n) => n.name), ['host', 'new']);
  assert.equal(await third, await second);
  await session.dispose();
});

test('poll mode reads again on its interval, and goes on trying after a failure', async () => {
  let reads = 0;
  const probe = async () => {
    reads++;
    if (reads === 2) throw new VnetError('VN-HOST-UNREACHABLE', 'gone for now');
    return topologyWith('h1', `n${reads}`);
  };
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: () => undefined, probe, watch: fakeWatch().watch }, { refreshMode: 'poll', intervalMs: 5 });
  session.start();
  const deadline = Date.now() + 5000;
  while (reads < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(reads >= 4);
  await tick();
  assert.equal(session.view().connection.state, 'connected');
  await session.dispose();
});

test('a cancelled read says nothing about the host', async () => {
  const probe = scriptedProbe();
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: () => undefined, probe: probe.probe, watch: fakeWatch().watch }, { refreshMode: 'manual', intervalMs: 1000 });
  const controller = new AbortController();
  const read = session.refresh(controller.signal);
  controller.abort();
  assert.equal(probe.signal(0)?.aborted, true, 'the probe gets the caller\'s cancellation');
  probe.answer(0, new VnetError('VN-CANCELLED', 'The call was cancelled.'));
  await assert.rejects(read);
  assert.equal(session.view().connection.state, 'idle');
  await session.dispose();
});

test('a read two callers share goes on when one of them cancels; the other gets its result', async () => {
  const probe = scriptedProbe();
  const session = new HostSession(entry('h1'), { createTransport: (e) => fakeTransport(e.destination), log: () => undefined, probe: probe.probe, watch: fakeWatch().watch }, { refreshMode: 'manual', intervalMs: 1000 });
  const first = session.refresh();
  const [a, b] = [new AbortController(), new AbortController()];
  // Both come while a read runs: they share the one read queued after it.
  const readA = session.refresh(a.signal);
  const readB = session.refresh(b.signal);
  a.abort();
  await assert.rejects(readA, (error: unknown) => error instanceof VnetError && error.code === 'VN-CANCELLED');
  probe.answer(0, topologyWith('h1', 'n1'));
  await first;
  await tick();
  assert.equal(probe.calls, 2, 'the queued read ran');
  assert.equal(probe.signal(1)?.aborted, false, 'and no caller\'s cancellation reached it');
  probe.answer(1, topologyWith('h1', 'n2'));
  assert.ok((await readB).namespaces.some((ns) => ns.name === 'n2'));
  await session.dispose();
});

test('the hosts model: one session per host, a failing host leaves the others working, settings changes reconcile', async () => {
  const transports: (Transport & { closed: boolean })[] = [];
  const probe = async (t: Transport) => {
    if (t.target === 'down') throw new VnetError('VN-HOST-UNREACHABLE', 'down is unreachable');
    return topologyWith(t.target, 'x');
  };
  const model = new HostsModel({
    createTransport: (e) => { const t = fakeTransport(e.destination); transports.push(t); return t; },
    log: () => undefined, probe, watch: fakeWatch().watch,
  }, { ...DEFAULT_SETTINGS, hosts: [entry('up'), entry('down')] });
  let listChanges = 0;
  model.onDidChange((s) => { if (!s) listChanges++; });
  assert.deepEqual(model.list().map((s) => s.destination), ['local', 'up', 'down']);
  assert.equal(model.get('up')?.view().connection.state, 'idle', 'nothing connects before the view asks');
  model.startAll();
  await tick(); await tick();
  assert.equal(model.get('up')?.view().connection.state, 'connected');
  assert.equal(model.get('down')?.view().connection.state, 'error');

  const up = model.get('up');
  model.update({ ...DEFAULT_SETTINGS, showLocalHost: false, hosts: [entry('up'), entry('new')] });
  assert.deepEqual(model.list().map((s) => s.destination), ['up', 'new']);
  assert.equal(model.get('up'), up, 'an unchanged host keeps its session');
  assert.equal(listChanges, 1);
  await tick();
  assert.ok(transports.find((t) => t.target === 'down')?.closed, 'a removed host\'s connection is closed');
  assert.equal(model.get('new')?.view().connection.state !== 'idle', true, 'a host added after the view opened connects');

  model.update({ ...DEFAULT_SETTINGS, showLocalHost: false, hosts: [entry('up'), entry('new')], sshOptions: [['Port', '2222']] });
  assert.notEqual(model.get('up'), up, 'new ssh settings make the session again');
  await model.dispose();
});
