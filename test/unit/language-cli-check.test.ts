import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand } from '../../src/cli/commands/check';
import { EXIT } from '../../src/cli/exit-codes';
import type { CliIo } from '../../src/cli/command';

const ROOT = join(__dirname, '..', '..');

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => { out += t; },
    stderr: (t) => { err += t; },
    interactive: false,
    prompt: async () => '',
    signal: new AbortController().signal,
  };
  const code = await checkCommand.run(argv, io);
  return { code, out, err };
}

test('vnet check prints file:line:col: severity: message [code] and exits 1 on errors', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-check-'));
  try {
    const bad = join(dir, 'bad.vnet');
    await writeFile(bad, 'lab x\nnamespce a\nhost {\n  route 10.1.0.5/16 dev eth0\n}\n');
    const result = await run([bad, join(dir, 'missing.vnet')]);
    assert.equal(result.code, EXIT.failure);
    assert.deepEqual(result.out.trimEnd().split('\n'), [
      `${bad}:2:1: error: Unknown statement \`namespce\`. Did you mean \`namespace\`? [VN-SYNTAX-UNKNOWN]`,
      `${bad}:4:9: error: 10.1.0.5/16 has host bits set; a route goes to a subnet, and the kernel refuses this one. Write 10.1.0.0/16. [VN-ADDR-HOSTBITS]`,
      `${bad}:4:25: info: eth0 is not created by this lab, so it must already exist on the host when the lab is applied. [VN-NAME-EXTERNAL]`,
      `${join(dir, 'missing.vnet')}:1:1: error: cannot read the file (no such file). Check the path. [VN-CHECK-READ]`,
    ]);
    assert.equal(result.err, '3 errors, 0 warnings, 1 note in 2 files.\n');
    const quiet = await run(['--quiet', bad]);
    assert.ok(!quiet.out.includes('info:'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('warnings alone exit 0; no file is a usage error', async () => {
  const result = await run([join(ROOT, 'examples', 'a-bridge-nat.vnet'), join(ROOT, 'examples', 'd-veth-pair.vnet')]);
  assert.equal(result.code, EXIT.ok);
  // Three checks of the network, and scenario A's expectations: two fail, three are notes (d's all hold).
  assert.equal(result.out.split('\n').filter(Boolean).length, 8);
  assert.match(result.out, /a-bridge-nat\.vnet:9:17: warning: .*\[VN-ROUTE-SUBNET-SHARED\]/);
  assert.match(result.out, /a-bridge-nat\.vnet:40:1: warning: Expected netns1 reaches 10\.0\.1\.26, but it is dropped in netns1: no route to 10\.0\.1\.26\. \[VN-EXPECT-FAILS\]/);
  assert.equal(result.out.match(/VN-EXPECT-FAILS/g)?.length, 2);
  await assert.rejects(run([]), (error: Error & { code?: string }) => error.code === 'VN-USAGE-ARGS');
});
