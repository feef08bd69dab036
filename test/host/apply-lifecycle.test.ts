// The life of a lab on a real host: re-apply, edits, destroy, adoption, and the faults apply must survive
// (a step failing midway, a connection killed mid-apply, two applies at once). Real ssh, real kernel.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VnetError } from '../../src/model/errors';
import { emptyTopology } from '../../src/model/topology';
import type { ProgressEvent } from '../../src/engine/run-plan';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { EXAMPLES, compileText, convergeOn, freshHost, normalize, planSteps, show, transportFor, vnet } from './apply-support';

let bed: Testbed;
let dir: string;
let exampleA: string;

before(async () => {
  bed = await Testbed.start();
  dir = await mkdtemp(join(tmpdir(), 'vnet-lifecycle-'));
  exampleA = await readFile(EXAMPLES.A, 'utf8');
});

after(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function withHost<T>(fn: (host: TestHost) => Promise<T>): Promise<T> {
  const host = await freshHost(bed);
  try { return await fn(host); } finally { await host.remove(); }
}

test('re-apply plans nothing, and each edit plans only what it changes', () => withHost(async (host) => {
  const transport = transportFor(host);
  try {
    const lab = compileText(exampleA);
    // Watched, as at a terminal: the script's markers stream back and every step is ticked off once.
    const events: ProgressEvent[] = [];
    const [result] = await convergeOn(lab, [transport], { onProgress: (_host, event) => events.push(event) });
    const total = result.plan.steps.length;
    assert.deepEqual(events[0], { kind: 'begin', total });
    const ticked = events.flatMap((e) => (e.kind === 'steps' ? e.steps.map((s) => s.description) : []));
    assert.deepEqual(ticked.sort(), result.plan.steps.map((s) => s.description).sort());
    assert.deepEqual(await planSteps(lab, transport), []);

    const more = compileText(`${exampleA}\nnamespace netns4\n`);
    assert.deepEqual(await planSteps(more, transport), ['create namespace netns4']);
    await convergeOn(more, [transport]);

    const moved = compileText(`${exampleA}\nnamespace netns4\n`.replace('172.16.0.103/24', '172.16.0.113/24'));
    assert.deepEqual(await planSteps(moved, transport), [
      'remove address 172.16.0.103/24 from veth3-peer in netns3',
      'add address 172.16.0.113/24 to veth3-peer in netns3',
    ]);
    await convergeOn(moved, [transport]);

    const fewer = compileText(`${exampleA}\nnamespace netns4\n`.replace('172.16.0.103/24', '172.16.0.113/24').replace(/^\s*nat masquerade .*$/m, ''));
    assert.deepEqual(await planSteps(fewer, transport), ['remove NAT rule in host: -A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE']);
    await convergeOn(fewer, [transport]);
    assert.deepEqual(await planSteps(fewer, transport), []);
    const nat = await host.mustSh('iptables-save -t nat | grep -- "^-A" || true');
    assert.doesNotMatch(nat, /MASQUERADE/);
    assert.match(nat, /DNAT/);
  } finally {
    await transport.close();
  }
}));

test('destroy returns the host to its state before apply; a namespace and a NAT rule made by hand stay', () => withHost(async (host) => {
  await host.mustSh('ip netns add handmade && iptables -t nat -A POSTROUTING -s 10.123.0.0/24 -j MASQUERADE');
  const transport = transportFor(host);
  try {
    const before = normalize(await show(transport));
    const file = EXAMPLES.A;
    const applied = await vnet(['apply', file, ...host.vnetArgs, '--yes'], { host });
    assert.equal(applied.exitCode, 0, applied.stderr);
    const live = await show(transport);
    assert.notDeepEqual(normalize(live), before);
    // The ownership marks are read back: the lab's namespaces and interfaces, nobody's for the hand-made one.
    const owner = (name: string) => live.namespaces.find((ns) => ns.name === name)?.owner;
    assert.equal(owner('netns1'), 'a-bridge-nat');
    assert.equal(owner('handmade'), undefined);
    assert.equal(live.namespaces.find((ns) => ns.root)?.interfaces.find((i) => i.name === 'br0')?.owner, 'a-bridge-nat');

    const destroyed = await vnet(['destroy', file, ...host.vnetArgs, '--yes'], { host });
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /^Destroyed: \d+ steps/m);
    assert.doesNotMatch(destroyed.stdout, /handmade|10\.123\.0\.0/);
    assert.deepEqual(normalize(await show(transport)), before);
    assert.equal((await host.sh('ls /run/vnet/a-bridge-nat.jsonl')).exitCode, 2, 'the lab\'s state file is gone');

    const again = await vnet(['destroy', file, ...host.vnetArgs, '--yes'], { host });
    assert.equal(again.exitCode, 0, again.stderr);
    assert.match(again.stdout, /Nothing to destroy/);
  } finally {
    await transport.close();
  }
}));

test('a network someone built by hand is a conflict (exit 9) until adopted; then the lab owns and destroys it', async () => {
  const spec = SCENARIOS.C.hosts[0];
  const host = await freshHost(bed, { address: spec.address, peer: spec.peer });
  const transport = transportFor(host);
  try {
    await host.mustSh(spec.script);
    const handBuilt = normalize(await show(transport));
    const refused = await vnet(['apply', EXAMPLES.C, ...host.vnetArgs, '--yes'], { host });
    assert.equal(refused.exitCode, 9, refused.stderr);
    assert.match(refused.stderr, /namespace net1: it exists and lab "c-net1" did not create it \(adopt with --adopt net1\)/);
    assert.match(refused.stderr, /--adopt all/);
    assert.deepEqual(normalize(await show(transport)), handBuilt, 'nothing changed');

    const adopted = await vnet(['apply', EXAMPLES.C, ...host.vnetArgs, '--yes', '--adopt', 'all'], { host });
    assert.equal(adopted.exitCode, 0, adopted.stderr);
    assert.doesNotMatch(adopted.stdout, /^\s+\d+\. [+-] /m, 'adoption creates and deletes nothing');
    assert.deepEqual(normalize(await show(transport)), handBuilt);
    const plan = await vnet(['plan', EXAMPLES.C, ...host.vnetArgs], { host });
    assert.match(plan.stdout, /up to date/);

    const destroyed = await vnet(['destroy', EXAMPLES.C, ...host.vnetArgs, '--yes'], { host });
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    const after = await show(transport);
    assert.deepEqual(after.namespaces.map((ns) => ns.name), ['host']);
    assert.deepEqual(after.namespaces[0].interfaces.map((i) => i.name).sort(), ['eth0', 'lo']);
    assert.deepEqual(after.namespaces[0].nat, []);
  } finally {
    await transport.close();
    await host.remove();
  }
});

test('a step that fails midway names itself and the host\'s error (exit 8); the next apply converges', () => withHost(async (host) => {
  // First a lab without netns3's address and without the masquerade rule…
  const partial = await fileWith('partial.vnet', exampleA.replace(/^\s*address veth3-peer .*$/m, '').replace(/^\s*nat masquerade .*$/m, ''));
  const first = await vnet(['apply', partial, ...host.vnetArgs, '--yes'], { host });
  assert.equal(first.exitCode, 0, first.stderr);
  const full = await fileWith('full.vnet', `${exampleA}\nnamespace netns4\n`);

  // …then the full file, while someone holds the host's lock and, meanwhile, gives netns3 that address.
  const holder = (await host.mustSh('setsid sh -c \'exec flock /run/vnet/lock sleep 60\' >/dev/null 2>&1 </dev/null & echo $!')).trim();
  const applying = vnet(['apply', full, ...host.vnetArgs, '--yes'], { host });
  let waiting = '';
  for (let i = 0; i < 100 && !waiting; i++) {
    waiting = (await host.sh('pgrep -f "flock -w 300 9" || true')).stdout.trim();
    if (!waiting) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(waiting, 'the apply waits for the lock instead of going ahead');
  await host.mustSh('ip netns exec netns3 ip addr add 172.16.0.103/24 dev veth3-peer');
  await host.mustSh(`kill -- -${holder}`);
  const failed = await applying;
  assert.equal(failed.exitCode, 8, failed.stderr);
  // The kernel's own words: older kernels say "RTNETLINK answers: File exists".
  assert.match(failed.stderr, /step 2\/3 'add address 172\.16\.0\.103\/24 to veth3-peer in netns3' failed: (RTNETLINK answers: File exists|Error: ipv4: Address already assigned\.)/);
  assert.match(failed.stderr, /\d+ of \d+ steps completed before it; nothing after it ran/);
  // Steps before it ran (netns4 exists), steps after it did not (no masquerade rule yet).
  assert.match(await host.mustSh('ip netns list'), /^netns4/m);
  assert.doesNotMatch(await host.mustSh('iptables-save -t nat'), /MASQUERADE/);

  const next = await vnet(['apply', full, ...host.vnetArgs, '--yes'], { host });
  assert.equal(next.exitCode, 0, next.stderr);
  assert.match(next.stdout, /add NAT rule in host: -A POSTROUTING -s 172\.16\.0\.0\/24 ! -o br0 -j MASQUERADE/);
  const plan = await vnet(['plan', full, ...host.vnetArgs], { host });
  assert.match(plan.stdout, /up to date/);
}));

function bigLab(count: number): string {
  const lines = ['lab big', '', 'host {', '  bridge br0 { address 10.200.0.1/16 }', '}', ''];
  for (let i = 1; i <= count; i++) {
    lines.push(`namespace n${i} {`, `  address v${i} 10.200.${Math.floor(i / 200) + 1}.${(i % 200) + 2}/16`, '  route default via 10.200.0.1', '}', `veth n${i}:v${i} -- br0:b${i}`, '');
  }
  return lines.join('\n');
}

test('a connection killed mid-apply leaves a host the next apply converges from', () => withHost(async (host) => {
  const lab = compileText(bigLab(80));
  const transport = transportFor(host);
  try {
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const killed = convergeOn(lab, [transport], {
      signal: controller.signal,
      onProgress: (_host, event) => {
        events.push(event);
        // Kill the connection as soon as the first phase is through: the rest is still to come.
        if (event.kind === 'steps') controller.abort();
      },
    });
    await assert.rejects(killed, (error: unknown) => error instanceof VnetError && error.code === 'VN-CANCELLED');
    assert.ok(events.some((e) => e.kind === 'steps'));

    const remaining = await planSteps(lab, transport);
    assert.ok(remaining.length > 0, 'the kill left work to do');
    await convergeOn(lab, [transport]);
    assert.deepEqual(await planSteps(lab, transport), []);
    const live = await show(transport);
    assert.equal(live.namespaces.filter((ns) => /^n\d+$/.test(ns.name)).length, 80);
    assert.ok(live.namespaces.filter((ns) => /^n\d+$/.test(ns.name)).every((ns) => ns.routes.some((r) => r.to === 'default')));
  } finally {
    await transport.close();
  }
}));

test('two applies at once do not interleave: one waits, then finds its work done', () => withHost(async (host) => {
  const [one, two] = await Promise.all([
    vnet(['apply', EXAMPLES.B, ...host.vnetArgs, '--yes', '--json'], { host }),
    vnet(['apply', EXAMPLES.B, ...host.vnetArgs, '--yes', '--json'], { host }),
  ]);
  assert.equal(one.exitCode, 0, one.stderr);
  assert.equal(two.exitCode, 0, two.stderr);
  const outcomes = [one, two].map((r) => (JSON.parse(r.stdout) as { hosts: { outcome: string }[] }).hosts[0].outcome).sort();
  // Either the second saw the first's work when planning, or it planned the same work, waited for the
  // lock, found the lab's state changed, planned again and had nothing left to do.
  assert.ok(outcomes[1] === 'ok' && ['nothing-to-do', 'ok'].includes(outcomes[0]), outcomes.join(', '));
  const transport = transportFor(host);
  try {
    const lab = compileText(await readFile(EXAMPLES.B, 'utf8'));
    assert.deepEqual(await planSteps(lab, transport), []);
    // Exactly one of each rule: nothing ran twice.
    const nat = await host.mustSh('iptables-save -t nat | grep -c -- "^-A" || true');
    assert.equal(nat.trim(), '2');
    await convergeOn(lab, [transport], {}, () => emptyTopology('x'));
    assert.deepEqual((await show(transport)).namespaces.map((ns) => ns.name), ['host']);
  } finally {
    await transport.close();
  }
}));
