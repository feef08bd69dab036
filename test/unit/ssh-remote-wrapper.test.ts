// The wrapper every script passes through: the whole script is read before any of it runs, so a command
// that reads stdin cannot swallow the rest; streams stop when their stdin closes. Run with a local sh.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rootScriptArgv, rootStreamArgv, streamInput } from '../../src/host/remote-wrapper';
import { shellCommand } from '../../src/model/shell';

function runWrapped(argv: string[], input: string, keepOpen = false): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve) => {
    // Its own process group, as the transports start it: the stream wrapper ends with `kill 0`.
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.on('close', (code) => resolve({ stdout, code }));
    child.stdin.write(input);
    if (!keepOpen) child.stdin.end();
    else setTimeout(() => child.stdin.end(), 300);
  });
}

test('commands inside the script that read stdin get nothing, and the exit code comes back', { skip: process.getuid?.() !== 0 && 'needs root (the wrapper becomes root)' }, async () => {
  const result = await runWrapped(rootScriptArgv(), 'echo one\ncat\nread x && echo "read:$x"\necho two\nexit 7\necho never\n');
  assert.equal(result.stdout, 'one\ntwo\n');
  assert.equal(result.code, 7);
});

test('a stream runs until its stdin closes, then everything it started is gone', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  const started = Date.now();
  const result = await runWrapped(rootStreamArgv(), streamInput('echo up\nsleep 30 &\nsleep 30\necho never'), true);
  assert.equal(result.stdout, 'up\n');
  assert.ok(Date.now() - started < 20_000, 'it did not wait for sleep');
});

test('the stream input carries its length in bytes, so any text (unicode, no final newline) arrives whole', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
  assert.equal(streamInput('é'), '2\né');
  const script = "printf '%s\\n' 'naïve ✓'\necho last";
  const result = await runWrapped(rootStreamArgv(), streamInput(script), true);
  assert.equal(result.stdout, 'naïve ✓\nlast\n');
});

test('the remote command is one quoted line', () => {
  const line = shellCommand(rootScriptArgv());
  assert.match(line, /^sh -c '/);
  assert.doesNotMatch(line, /\n'?$/);
});
