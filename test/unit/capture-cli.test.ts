// `vnet capture`'s arguments, refused before anything connects: the points, --count, --duration, a
// hostile --filter, and its usage. (Captures themselves: test/host/capture-cli.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CliIo } from '../../src/cli/command';
import { captureCommand } from '../../src/cli/commands/capture';
import { commands } from '../../src/cli/commands';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes';
import { isVnetError } from '../../src/model/errors';

function io(): CliIo & { out: string; err: string } {
  const result = {
    out: '', err: '', interactive: false, signal: new AbortController().signal,
    stdout: (t: string) => { result.out += t; }, stderr: (t: string) => { result.err += t; },
    prompt: async () => '',
  };
  return result;
}

async function codeOf(argv: string[]): Promise<string> {
  try {
    await captureCommand.run(argv, io());
    return 'none';
  } catch (error) {
    return isVnetError(error) ? error.code : String(error);
  }
}

test('vnet capture is registered, and --help prints its usage with -w, --count, --duration and --filter', async () => {
  assert.ok(commands.includes(captureCommand));
  const console = io();
  assert.equal(await captureCommand.run(['--help'], console), EXIT.ok);
  assert.match(console.out, /^Usage: vnet capture \[--host T\] NS:IFACE\.\.\. \[-w FILE\] \[--count N\] \[--duration S\] \[--filter BPF\]/);
  for (const flag of ['-w, --write FILE', '--count N', '--duration S', '--filter BPF', '--host TARGET']) assert.ok(console.out.includes(flag), flag);
});

test('bad points, counts and durations are usage errors (exit 2), before anything connects', async () => {
  assert.equal(await codeOf([]), 'VN-USAGE-ARGS');
  assert.equal(await codeOf(['veth0']), 'VN-USAGE-ARGS');
  assert.equal(await codeOf(['ns1:']), 'VN-USAGE-ARGS');
  for (const count of ['0', '-1', '1.5', 'ten']) assert.equal(await codeOf(['ns1:veth0', '--count', count]), 'VN-USAGE-CAPTURE', count);
  for (const duration of ['0', '-3', 'soon']) assert.equal(await codeOf(['ns1:veth0', '--duration', duration]), 'VN-USAGE-CAPTURE', duration);
  assert.equal(await codeOf(['ns1:veth0', '--wat']), 'VN-USAGE-FLAG');
  assert.equal(exitCodeFor('VN-USAGE-CAPTURE'), EXIT.usage);
});

test('a hostile filter or a bad name is refused before anything connects', async () => {
  // Should a refusal ever come too late, this host goes nowhere: ssh's ProxyCommand is `false`, so not even
  // a name lookup leaves this machine.
  const unreachable = ['--host', 'root@vnet-capture.invalid', '--ssh-option', 'ProxyCommand=false', '--timeout', '1'];
  assert.equal(await codeOf([...unreachable, 'ns1:veth0', '--filter', 'icmp; reboot']), 'VN-CAPTURE-FILTER');
  assert.equal(await codeOf([...unreachable, 'ns1:veth0', '--filter', '$(reboot)']), 'VN-CAPTURE-FILTER');
  assert.equal(await codeOf([...unreachable, 'ns/1:veth0']), 'VN-CAPTURE-NAME');
  assert.equal(await codeOf([...unreachable, 'ns1:a-name-far-too-long0']), 'VN-CAPTURE-NAME');
});
