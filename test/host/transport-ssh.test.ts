// The ssh transport against a real sshd: whole scripts over one exec, one shared connection in a private
// directory, cancellation and deadlines that really stop the call, and non-root users through sudo -n.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run } from '../testbed/run';
import { SshTransport } from '../../src/host/ssh-transport';
import { isVnetError } from '../../src/model/errors';

let bed: Testbed;
let host: TestHost;
let controlDir: string;

before(async () => {
  bed = await Testbed.start();
  host = await bed.addHost({ users: [{ name: 'carol', sudo: 'nopasswd' }] });
  controlDir = join(await mkdtemp(join(tmpdir(), 'vnet-transport-')), 'sockets');
});

after(async () => {
  await bed?.stop();
  if (controlDir) await rm(join(controlDir, '..'), { recursive: true, force: true });
});

const transport = (target = host.target) => new SshTransport(target, { sshOptions: host.sshOptions, controlDir });

test('a whole script runs in one exec as root; commands in it cannot eat the rest of it', async () => {
  const t = transport();
  try {
    const result = await t.runScript('id -u\ncat\nread line && echo "ate: $line"\necho "still here"\nexit 3\n');
    assert.deepEqual(result, { stdout: '0\nstill here\n', stderr: '', exitCode: 3 });
  } finally {
    await t.close();
  }
});

test('calls share one connection through a control socket in a private 0700 directory', async () => {
  const t = transport();
  try {
    await t.runScript('true');
    const mode = statSync(controlDir).mode & 0o777;
    assert.equal(mode, 0o700);
    const sockets = await readdir(controlDir);
    assert.equal(sockets.length, 1, 'one control socket');
    const check = await run('ssh', [...host.sshArgs, '-o', `ControlPath=${controlDir}/${sockets[0].split('-')[0]}-%C`, '-O', 'check', host.target]);
    assert.match(check.stderr, /Master running/);
    // A second call goes through the same master: still that one socket.
    await t.runScript('true');
    assert.deepEqual(await readdir(controlDir), sockets);
    await t.close();
    assert.ok(!existsSync(join(controlDir, sockets[0])), 'close() ends the shared connection');
  } finally {
    await t.close();
  }
});

test('an AbortSignal stops a running call at once', async () => {
  const t = transport();
  try {
    const controller = new AbortController();
    const call = t.runScript('sleep 30; echo never', { signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    await assert.rejects(call, (error: unknown) => isVnetError(error) && error.code === 'VN-CANCELLED');
  } finally {
    await t.close();
  }
});

test('every call is bounded: a deadline ends it with VN-SSH-TIMEOUT', async () => {
  const t = transport();
  try {
    await assert.rejects(t.runScript('sleep 30; echo never', { timeoutMs: 1500 }), (error: unknown) => isVnetError(error) && error.code === 'VN-SSH-TIMEOUT');
  } finally {
    await t.close();
  }
});

test('a non-root user with passwordless sudo runs scripts as root through sudo -n', async () => {
  const t = transport(host.targetFor('carol'));
  try {
    const result = await t.runScript('id -un\necho "$SUDO_USER"\n');
    assert.equal(result.stdout, 'root\ncarol\n');
  } finally {
    await t.close();
  }
});

test('a stream delivers lines as they come and stops the remote process on stop()', async () => {
  const t = transport();
  try {
    const lines: string[] = [];
    const handle = t.stream('echo first\nwhile sleep 0.2; do echo tick; done\n', (line) => lines.push(line));
    for (let i = 0; i < 100 && lines.filter((l) => l === 'tick').length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(lines[0], 'first');
    assert.ok(lines.includes('tick'));
    handle.stop();
    await handle.done;
    let leftover = '';
    for (let i = 0; i < 40; i++) {
      leftover = (await host.direct('ps -eo args=')).stdout;
      if (!/sleep 0\.2/.test(leftover)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.doesNotMatch(leftover, /sleep 0\.2/, 'nothing of the stream is left on the host');
  } finally {
    await t.close();
  }
});
