import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ipBatchQuote, shellCommand, shellQuote } from '../../src/model/shell';
import { checkInterfaceName, checkNamespaceName } from '../../src/model/names';

const run = promisify(execFile);

test('shellQuote survives a real sh for hostile strings', async () => {
  const hostile = ["a'b", '$(touch /tmp/pwned)', '`id`', 'a b\tc', '"; rm -rf /', 'ns<script>', '-n', '\\', 'é✓'];
  for (const text of hostile) {
    const { stdout } = await run('sh', ['-c', `printf %s ${shellQuote(text)}`]);
    assert.equal(stdout, text);
  }
  assert.equal(shellCommand(['ip', 'netns', 'add', "x'y"]), `ip netns add 'x'\\''y'`);
  assert.throws(() => shellQuote('a\0b'));
});

test('ip -batch quoting refuses what iproute2 cannot carry', () => {
  assert.equal(ipBatchQuote('veth1'), 'veth1');
  assert.equal(ipBatchQuote('a b'), '"a b"');
  assert.equal(ipBatchQuote('a"b'), "'a\"b'");
  assert.equal(ipBatchQuote(`a"b'c`), null);
  assert.equal(ipBatchQuote('a\nb'), null);
  assert.equal(ipBatchQuote('a#b'), null, 'iproute2 cuts batch lines at # even inside quotes');
  assert.equal(ipBatchQuote('a\\'), null, 'a trailing backslash joins the next batch line');
});

test('names the kernel refuses are refused with a code', () => {
  assert.equal(checkInterfaceName('veth1'), null);
  assert.equal(checkInterfaceName('a-very-long-name-x')?.code, 'VN-NAME-LONG');
  assert.equal(checkInterfaceName('a:b')?.code, 'VN-NAME-CHARS');
  assert.equal(checkInterfaceName('a b')?.code, 'VN-NAME-CHARS');
  assert.equal(checkNamespaceName('ns/1')?.code, 'VN-NAME-CHARS');
  assert.equal(checkNamespaceName('ns <img src=x onerror=alert(1)>'), null);
});
