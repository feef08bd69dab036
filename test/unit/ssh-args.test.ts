import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSshOption, sshControlArgs, sshExecArgs, type SshSettings } from '../../src/host/ssh-args';
import { parseDestination } from '../../src/host/ssh-destination';
import { isVnetError } from '../../src/model/errors';

const settings = (extra: Partial<SshSettings> = {}): SshSettings => ({ connectTimeoutSec: 7, controlPersistSec: 60, controlDir: '/run/user/0/vnet-ssh-0', ...extra });

function optionValues(argv: string[], key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length - 1; i++) if (argv[i] === '-o' && argv[i + 1].toLowerCase().startsWith(`${key.toLowerCase()}=`)) out.push(argv[i + 1].slice(key.length + 1));
  return out;
}

test('batch mode, connect timeout, a shared connection in the private directory; host keys left to ssh', () => {
  const argv = sshExecArgs(parseDestination('ops@web:2200'), settings(), 'sh -c x');
  assert.deepEqual(optionValues(argv, 'BatchMode'), ['yes']);
  assert.deepEqual(optionValues(argv, 'ConnectTimeout'), ['7']);
  assert.deepEqual(optionValues(argv, 'ControlMaster'), ['auto']);
  assert.match(optionValues(argv, 'ControlPath')[0], /^\/run\/user\/0\/vnet-ssh-0\/[0-9a-f]{12}-%C$/);
  assert.deepEqual(optionValues(argv, 'StrictHostKeyChecking'), [], 'the user\'s policy, or ssh\'s default, applies');
  assert.deepEqual(argv.slice(-3), ['--', 'web', 'sh -c x'], 'the destination follows --, the command is one argument');
  assert.equal(argv[argv.indexOf('-l') + 1], 'ops');
  assert.equal(argv[argv.indexOf('-p') + 1], '2200');
});

test('the user\'s options come first, so that they win (OpenSSH keeps the first value)', () => {
  const argv = sshExecArgs(parseDestination('web'), settings({ options: [['ConnectTimeout', '3'], ['StrictHostKeyChecking', 'accept-new']], identity: '/k/id' }), 'true');
  assert.deepEqual(optionValues(argv, 'ConnectTimeout'), ['3', '7']);
  assert.deepEqual(optionValues(argv, 'StrictHostKeyChecking'), ['accept-new']);
  assert.equal(argv[argv.indexOf('-i') + 1], '/k/id');
  assert.deepEqual(optionValues(argv, 'IdentitiesOnly'), ['yes']);
  assert.ok(argv.indexOf('ConnectTimeout=3') < argv.indexOf('ConnectTimeout=7'));
});

test('no control directory: no sharing; -O exit targets the same socket', () => {
  assert.deepEqual(optionValues(sshExecArgs(parseDestination('web'), settings({ controlDir: null }), 'true'), 'ControlPath'), ['none']);
  const exit = sshControlArgs(parseDestination('web'), settings(), 'exit');
  assert.deepEqual(exit.slice(-4), ['-O', 'exit', '--', 'web']);
  assert.deepEqual(optionValues(exit, 'ControlPath'), optionValues(sshExecArgs(parseDestination('web'), settings(), 'true'), 'ControlPath'));
});

test('the same address behind different proxies never shares a connection', () => {
  const path = (proxy: string) => optionValues(sshExecArgs(parseDestination('root@10.99.0.11'), settings({ options: [['ProxyCommand', proxy]] }), 'true'), 'ControlPath')[0];
  assert.notEqual(path('nsenter --net=/proc/1/ns/net nc %h %p'), path('nsenter --net=/proc/2/ns/net nc %h %p'));
  assert.equal(path('nc %h %p'), path('nc %h %p'));
  assert.ok(path('nc %h %p').length < 100, 'a unix socket path stays short');
});

test('--ssh-option takes KEY=VALUE and nothing else', () => {
  assert.deepEqual(parseSshOption('ProxyJump=bastion'), ['ProxyJump', 'bastion']);
  assert.deepEqual(parseSshOption('ProxyCommand=nc %h %p'), ['ProxyCommand', 'nc %h %p']);
  for (const bad of ['Port', '=x', '-oX=y', 'Po rt=1', 'Port=1\nHost=x']) {
    assert.throws(() => parseSshOption(bad), (e: unknown) => isVnetError(e) && e.code === 'VN-USAGE-SSH-OPTION', JSON.stringify(bad));
  }
});
