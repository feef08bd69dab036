// The probe script is valid sh (and valid Perl inside), and reads namespaces the cheap way.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { probeScript, recordMark } from '../../src/host/probe-script';
import { PROBE_PERL } from '../../src/host/probe-netlink-perl';

const run = promisify(execFile);

async function check(command: string, args: string[], input: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }));
    child.stdin!.end(input);
  });
}

test('the script parses as POSIX sh for every method', async () => {
  for (const method of ['auto', 'netlink', 'ip'] as const) {
    const result = await check('sh', ['-n'], probeScript({ nonce: 'abcdef0123456789', method }));
    assert.equal(result.code, 0, `${method}: ${result.stderr}`);
  }
});

test('the netlink reader compiles', async (t) => {
  const perl = await run('sh', ['-c', 'command -v perl']).catch(() => null);
  if (!perl) { t.skip('no perl on this machine'); return; }
  const result = await check('perl', ['-c', '-'], PROBE_PERL);
  assert.equal(result.code, 0, result.stderr);
});

test('never ip -n or ip -all netns exec (they remount /sys for every namespace)', () => {
  const script = probeScript({ nonce: 'abcdef0123456789' });
  assert.doesNotMatch(script, /\bip\s+(-n|-netns|--netns)\b/);
  assert.doesNotMatch(script, /-all\s+netns/);
  assert.match(script, /nsenter --net=/);
  assert.match(script, /ip -j -d -force -batch/);
});

test('the record mark is a validated nonce', () => {
  assert.equal(recordMark('abcdef0123456789'), '@@abcdef0123456789');
  assert.throws(() => recordMark("x'; rm -rf /"));
  assert.throws(() => recordMark('short'));
});
