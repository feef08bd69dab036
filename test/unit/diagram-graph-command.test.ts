import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGraphCommand, graphCommand } from '../../src/cli/commands/graph';
import type { CliIo } from '../../src/cli/command';
import { VnetError } from '../../src/model/errors';
import { asLive, scenarioA, scenarioC } from './fixtures/scenario-topologies';
import { byDataId, parseXml, walk } from './fixtures/xml-check';

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

/** The pieces of a drawn trace: `data-trace` value → the ids of the elements they highlight. */
function traced(svgText: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const node of walk(parseXml(svgText))) {
    const kind = node.attrs['data-trace'];
    if (kind) out.set(kind, [...(out.get(kind) ?? []), node.attrs['data-trace-of']]);
  }
  return out;
}

test('vnet graph --trace draws the request and reply paths of a file\'s network', async () => {
  const console = io();
  assert.equal(await graphCommand.run(['examples/f-router.vnet', '--trace', 'ns1 ns2'], console), 0);
  const pieces = traced(console.out);
  const veth = 'link:if:host/ns-router/veth-ns1-router|if:host/ns1/veth-ns1';
  assert.ok(pieces.get('request')?.includes(veth), 'the request crosses ns1\'s veth');
  assert.ok(pieces.get('reply')?.includes(veth), 'so does the reply');
  assert.ok(pieces.get('request')?.includes('ns:host/ns-router'));
  assert.equal(pieces.get('drop'), undefined);
  assert.match(console.err, /trace icmp ns1 → ns2: reachable/);
});

test('vnet graph --trace marks the drop point with its reason, for a file and for a state file', async () => {
  const file = io();
  assert.equal(await graphCommand.run(['examples/a-bridge-nat.vnet', '--trace', 'netns1 10.0.1.26 tcp 80'], file), 0);
  assert.deepEqual(traced(file.out).get('drop'), ['ns:host/netns1']);
  assert.match(file.out, /dropped: no route to 10\.0\.1\.26/);
  assert.match(file.err, /no route to 10\.0\.1\.26/);

  const dir = await mkdtemp(join(tmpdir(), 'vnet-graph-'));
  try {
    const state = join(dir, 'a.json');
    await writeFile(state, JSON.stringify(asLive(scenarioA(), '10.0.1.48/24')));
    const live = io();
    assert.equal(await graphCommand.run([state, '--trace', '10.0.1.26 10.0.1.48 tcp 8088'], live), 0);
    const pieces = traced(live.out);
    assert.deepEqual(pieces.get('drop'), ['if:host/host/veth1']);
    assert.ok(pieces.get('request')?.includes('link:if:host/host/eth0|outside'), 'in from outside by eth0');
    assert.equal(pieces.get('reply'), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('vnet graph --trace on a drift view traces the live side', async () => {
  const live = asLive(scenarioC());
  live.namespaces.find((ns) => ns.name === 'net1')!.routes = [];
  const command = createGraphCommand({ probe: async () => live });
  const console = io();
  assert.equal(await command.run(['examples/c-net1.vnet', '--host', 'root@lab1', '--trace', 'net1 10.0.1.26'], console), 0);
  assert.deepEqual(traced(console.out).get('drop'), ['ns:host/net1'], 'the live net1 has no default route; the file\'s has');
});

test('vnet graph --trace refuses what is not a trace', async () => {
  for (const spec of ['ns1', 'ns1 ns2 tcp', 'ns1 ns2 icmp 3', 'ns1 ns2 sctp 80', 'a b c d e']) {
    await assert.rejects(graphCommand.run(['examples/f-router.vnet', '--trace', spec], io()), (e: VnetError) => e.code === 'VN-USAGE-TRACE', spec);
  }
  await assert.rejects(graphCommand.run(['examples/f-router.vnet', '--trace', 'ns1 ns2 tcp 70000'], io()), (e: VnetError) => e.code === 'VN-USAGE-PORT');
  await assert.rejects(graphCommand.run(['examples/f-router.vnet', '--trace', 'nowhere ns2'], io()), (e: VnetError) => e.code === 'VN-USAGE-TRACE');
});
