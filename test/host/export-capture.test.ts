// `vnet export` on a real host that holds more than one lab's network: what it writes, what it leaves
// out (and says so), and that `--lab` captures exactly one lab, which then rebuilds on an empty host.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { EXAMPLES, compileText, freshHost, normalize, show, transportFor, vnet } from './apply-support';

let bed: Testbed;
let dir: string;

before(async () => {
  bed = await Testbed.start();
  dir = await mkdtemp(join(tmpdir(), 'vnet-export-'));
});

after(async () => {
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function stateOf(host: TestHost): Promise<unknown> {
  const transport = transportFor(host);
  try { return normalize(await show(transport)); } finally { await transport.close(); }
}

test('export writes what a file can rebuild, and lists what it left out', async () => {
  const spec = SCENARIOS.H.hosts[0];
  const host = await freshHost(bed, { address: spec.address, peer: spec.peer });
  try {
    const applied = await vnet(['apply', EXAMPLES.H, ...host.vnetArgs, '--yes'], { host });
    assert.equal(applied.exitCode, 0, applied.stderr);
    // Someone else's namespace and rule, and a namespace only a process holds (as Docker's are).
    await host.mustSh([
      'ip netns add other',
      'iptables -t nat -A POSTROUTING -s 10.9.9.0/24 -j MASQUERADE',
      'setsid unshare --net sleep 120 >/dev/null 2>&1 </dev/null &',
      'sleep 0.3',
    ].join('\n'));
    const lab = await vnet(['show', '--json', ...host.vnetArgs], { host });
    const anonymous = (JSON.parse(lab.stdout) as { namespaces: { name: string; anonymous?: boolean }[] }).namespaces.filter((ns) => ns.anonymous);
    assert.equal(anonymous.length, 1, 'the probe sees the namespace the process holds');

    const file = join(dir, 'all.vnet');
    const all = await vnet(['export', ...host.vnetArgs, '-o', file], { host });
    assert.equal(all.exitCode, 0, all.stderr);
    const text = await readFile(file, 'utf8');
    assert.match(text, /^# Left out:$/m);
    assert.match(text, /^#   - interface eth0 \(192\.168\.61\.11\/24\): the host's own/m);
    for (const ns of anonymous) assert.ok(text.includes(`namespace ${ns.name}`), `the anonymous namespace ${ns.name} is listed as left out`);
    assert.match(text, /^namespace other$/m);
    assert.match(text, /nat masquerade src 10\.9\.9\.0\/24/);
    assert.match(text, /nat chain chain-myns/);
    compileText(text);

    const only = await vnet(['export', ...host.vnetArgs, '--lab', 'h-cni-chain'], { host });
    assert.equal(only.exitCode, 0, only.stderr);
    assert.doesNotMatch(only.stdout, /other|10\.9\.9\.0/);
    assert.match(only.stdout, /^lab h-cni-chain$/m);
    const labOnly = join(dir, 'h.vnet');
    await writeFile(labOnly, only.stdout);

    const missing = await vnet(['export', ...host.vnetArgs, '--lab', 'no-such-lab'], { host });
    assert.equal(missing.exitCode, 1);
    assert.match(missing.stderr, /Lab no-such-lab owns nothing/);

    // What one lab owns, captured, rebuilds that lab's network on an empty host.
    const labState = await (async () => {
      const probe = await freshHost(bed, { address: '192.168.62.11/24', peer: '192.168.62.12' });
      try {
        const applied = await vnet(['apply', EXAMPLES.H, ...probe.vnetArgs, '--yes'], { host: probe });
        assert.equal(applied.exitCode, 0, applied.stderr);
        return await stateOf(probe);
      } finally {
        await probe.remove();
      }
    })();
    const copy = await freshHost(bed, { address: '192.168.62.11/24', peer: '192.168.62.12' });
    try {
      const rebuilt = await vnet(['apply', labOnly, ...copy.vnetArgs, '--yes'], { host: copy });
      assert.equal(rebuilt.exitCode, 0, rebuilt.stderr);
      assert.deepEqual(await stateOf(copy), labState);
    } finally {
      await copy.remove();
    }
  } finally {
    await host.remove();
  }
});
