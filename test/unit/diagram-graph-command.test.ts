import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphCommand, graphCommand } from '../../src/cli/commands/graph';
import type { CliIo } from '../../src/cli/command';
import { VnetError } from '../../src/model/errors';
import { asLive, scenarioC } from './fixtures/scenario-topologies';
import { byDataId, parseXml } from './fixtures/xml-check';

function io(): CliIo & { out: string; err: string } {
  const result = {
    out: '', err: '', interactive: false, signal: new AbortController().signal,
    stdout: (t: string) => { result.out += t; }, stderr: (t: string) => { result.err += t; },
    prompt: async () => '',
  };
  return result;
}

test('vnet graph draws every example .vnet file as a well-formed SVG with its namespaces', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-graph-'));
  try {
    const examples = (await readdir('examples')).filter((f) => f.endsWith('.vnet'));
    assert.ok(examples.length >= 8, 'one example per scenario');
    for (const example of examples) {
      const out = join(dir, `${example}.svg`);
      const console = io();
      assert.equal(await graphCommand.run([join('examples', example), '--svg', out], console), 0);
      const svg = parseXml(await readFile(out, 'utf8'));
      const ids = [...byDataId(svg).keys()];
      const text = await readFile(join('examples', example), 'utf8');
      for (const [, name] of text.matchAll(/^namespace\s+(\S+)/gm)) {
        assert.ok(ids.some((id) => id.startsWith('ns:') && id.endsWith(`/${encodeURIComponent(name)}`)), `${example}: namespace ${name} drawn`);
      }
      assert.match(console.err, /wrote/);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('vnet graph reads a state file, prints to stdout, and draws drift with a probe', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-graph-'));
  try {
    const state = join(dir, 'state.json');
    await writeFile(state, JSON.stringify(asLive(scenarioC())));
    const console = io();
    assert.equal(await graphCommand.run([state], console), 0);
    assert.ok(byDataId(parseXml(console.out)).has('ns:host/net1'), 'the state file\'s namespaces are drawn');

    const file = join(dir, 'c.vnet');
    await writeFile(file, await readFile('examples/c-net1.vnet', 'utf8'));
    const live = asLive(scenarioC());
    live.namespaces = live.namespaces.filter((ns) => ns.name !== 'net1');
    const probed: string[] = [];
    const command = createGraphCommand({ probe: async (target) => { probed.push(target); return live; } });
    const drift = io();
    assert.equal(await command.run([file, '--host', 'root@lab1'], drift), 0);
    assert.deepEqual(probed, ['root@lab1']);
    const svg = parseXml(drift.out);
    assert.match(svg.attrs.class, /mode-drift/);
    assert.match(byDataId(svg).get('ns:host/net1')!.attrs.class, /status-only-file/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('vnet graph says what to do when it cannot', async () => {
  await assert.rejects(graphCommand.run([], io()), (e: VnetError) => e.code === 'VN-USAGE-ARGS');
  await assert.rejects(graphCommand.run(['/nonexistent/x.vnet'], io()), (e: VnetError) => e.code === 'VN-GRAPH-READ');
  await assert.rejects(graphCommand.run(['--bogus'], io()), (e: VnetError) => e.code === 'VN-USAGE-FLAG');
  const dir = await mkdtemp(join(tmpdir(), 'vnet-graph-'));
  try {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"schema":"other"}');
    await assert.rejects(graphCommand.run([bad], io()), (e: VnetError) => e.code === 'VN-GRAPH-STATE');
    await assert.rejects(graphCommand.run(['examples/g-two-hosts.vnet', '--host', 'x'], io()), (e: VnetError) => e.code === 'VN-NOT-AVAILABLE' || e.code === 'VN-USAGE-HOSTS');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
