// `vnet trace` on the example files: text and JSON, its exit codes, and the usage errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/command';
import { traceCommand } from '../../src/cli/commands/trace';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes';
import { VnetError } from '../../src/model/errors';
import { renderTrace, trace } from '../../src/trace/index';
import { asLive, scenarioA, scenarioB } from './fixtures/scenario-topologies';
import { filterTable, nsOf } from './trace-support';

function io(): CliIo & { out: string; err: string } {
  const result = {
    out: '', err: '', interactive: false, signal: new AbortController().signal,
    stdout: (t: string) => { result.out += t; }, stderr: (t: string) => { result.err += t; },
    prompt: async () => '',
  };
  return result;
}

const B = join('examples', 'b-bridge-gateway.vnet');

test('vnet trace FILE: the desired network, one line per hop, the reply, the verdict; exit 0', async () => {
  const console = io();
  assert.equal(await traceCommand.run([B, '--from', 'red', '--to', 'blue'], console), EXIT.ok);
  const lines = console.out.trim().split('\n');
  assert.equal(lines[0], 'trace icmp from red (192.168.15.1) to blue (192.168.15.2)');
  assert.ok(lines.includes('request:') && lines.includes('reply:'));
  assert.match(lines.at(-1)!, /^reachable: lands in blue at 192\.168\.15\.2, and the reply comes back$/);
});

test('vnet trace --json prints one object with the verdict, the hops and the reply', async () => {
  const console = io();
  assert.equal(await traceCommand.run([B, '--from', 'red', '--to', '192.168.15.2', '--tcp', '8080', '--json'], console), EXIT.ok);
  const result = JSON.parse(console.out);
  assert.equal(result.reachable, true);
  assert.equal(result.uncertain, false);
  assert.deepEqual(result.deliveredTo, { host: 'host', namespace: 'blue', address: '192.168.15.2', port: 8080 });
  assert.equal(result.drop, null);
  assert.ok(Array.isArray(result.hops) && result.hops.length > 0 && Array.isArray(result.reply) && result.reply.length > 0);
  for (const hop of [...result.hops, ...result.reply]) assert.deepEqual(Object.keys(hop), ['host', 'namespace', 'step', 'interface', 'packet', 'says', 'by']);
});

test('a dropped packet exits with its own code and says where and why', async () => {
  const console = io();
  // The desired network has no uplink: nothing routes to the LAN.
  assert.equal(await traceCommand.run([B, '--from', 'red', '--to', '10.9.9.9', '--udp', '53', '--json'], console), EXIT.traceDropped);
  const result = JSON.parse(console.out);
  assert.deepEqual(result.drop, { host: 'host', namespace: 'host', interface: 'v-net-0', reason: 'no route to 10.9.9.9', rule: null, direction: 'request' });
});

test('an uncertain verdict exits with its own code; a state file is traced as it is', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-trace-'));
  try {
    const topology = asLive(scenarioB(), '192.168.1.2/24');
    nsOf(topology, 'host').iptables = [filterTable(['-A FORWARD -m recent --rcheck -j DROP'])];
    const state = join(dir, 'state.json');
    await writeFile(state, JSON.stringify(topology));
    const console = io();
    assert.equal(await traceCommand.run([state, '--from', 'blue', '--to', '192.168.1.3'], console), EXIT.traceUncertain);
    assert.match(console.out, /assumed in host: -m recent --rcheck is not evaluated: assumed the rule does not match\n {6}rule: -A FORWARD -m recent --rcheck -j DROP/);
    assert.match(console.out, /\(uncertain: see the assumptions\)\n$/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

async function usageError(argv: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(traceCommand.run(argv, io()), (error: unknown) => {
    assert.ok(error instanceof VnetError);
    assert.equal(exitCodeFor(error.code), EXIT.usage, error.code);
    assert.match(error.message, pattern);
    return true;
  });
}

test('usage errors: --live with FILE needs a host, one protocol, a port, --from and --to, FILE or --host', async () => {
  await usageError([B, '--from', 'red', '--to', 'blue', '--live'], /needs the host the lab runs on: add --host TARGET/);
  await usageError([B, '--from', 'red', '--to', 'blue', '--icmp', '--tcp', '80'], /Give one of --icmp, --tcp PORT, --udp PORT/);
  await usageError([B, '--from', 'red', '--to', 'blue', '--tcp', '0'], /--tcp takes a port from 1 to 65535/);
  await usageError([B, '--to', 'blue'], /Give both --from and --to/);
  await usageError([B, '--host', 'local', '--from', 'red', '--to', 'blue'], /not both/);
  await usageError([B, '--from', 'red', '--to', 'nowhere'], /--to nowhere is neither/);
});

test('docs/trace.md shows what the engine prints for scenario A\'s published port', async () => {
  const doc = await readFile(join('docs', 'trace.md'), 'utf8');
  const command = '$ vnet trace --host root@10.0.1.48 --from 10.0.1.26 --to 10.0.1.48 --tcp 8088\n';
  const shown = doc.split(command)[1]?.split('```')[0];
  // As the probe reads A: the kernel's own routes apart, in the order the tutorial made them.
  const live = asLive(scenarioA());
  live.namespaces.find((n) => n.root)!.kernelRoutes = [
    { to: '172.16.0.0/24', via: null, dev: 'veth1', protocol: 'kernel' },
    { to: '172.16.0.0/24', via: null, dev: 'br0', protocol: 'kernel' },
    { to: '10.0.1.0/24', via: null, dev: 'eth0', protocol: 'kernel' },
  ];
  assert.equal(shown, renderTrace(trace(live, { from: '10.0.1.26', to: '10.0.1.48', protocol: 'tcp', port: 8088 })));
});

test('vnet trace FILE quotes the .vnet lines behind a drop: text and JSON', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-trace-source-'));
  try {
    const file = join(dir, 'f.vnet');
    const text = (await readFile(join('examples', 'f-router.vnet'), 'utf8')).replace('  forwarding on\n', '  forwarding off\n');
    await writeFile(file, text);
    const line = text.split('\n').findIndex((l) => l.trim() === 'forwarding off') + 1;
    const console = io();
    assert.equal(await traceCommand.run([file, '--from', 'ns1', '--to', 'ns2'], console), EXIT.traceDropped);
    assert.match(console.out, new RegExp(`in ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\n  line ${line}: forwarding off  \\(forwarding is off in ns-router\\)\\n`));
    const json = io();
    await traceCommand.run([file, '--from', 'ns1', '--to', 'ns2', '--json'], json);
    const source = JSON.parse(json.out).source;
    assert.deepEqual(source[0], { line, text: 'forwarding off', why: 'forwarding is off in ns-router' });
    // The route that took it there is quoted too: the address whose connected route it is.
    assert.match(source[1].text, /^address veth-ns2-router 192\.168\.2\.1\/24$/);
    const reachable = io();
    await traceCommand.run([join('examples', 'f-router.vnet'), '--from', 'ns1', '--to', 'ns2', '--json'], reachable);
    assert.equal(JSON.parse(reachable.out).source, undefined, 'a trace that gets through quotes nothing');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
