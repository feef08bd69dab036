// The command lines of the shell, ping and capture terminals: argv for the namespace, root, and ssh with the
// user's settings, quoted only by the shared quoting. The remote line is checked by parsing it back the
// way a POSIX shell splits words.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyNamespace, type Namespace } from '../../src/model/topology';
import { DEFAULT_SETTINGS, type ExtensionSettings, type SudoMode } from '../../src/extension/settings';
import { captureTerminal, pingTerminal, shellTerminal } from '../../src/extension/terminal-command';

/** Splits a line made only of bare words and '…' quotes (all shellQuote writes) back into words. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      assert.ok(end > i, `unterminated quote in ${line}`);
      current += line.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (ch === '\\') {
      current += line[++i];
      inWord = true;
    } else if (ch === ' ') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      assert.doesNotMatch(ch, /[;&|<>()$`"*?[\]{}~#\n]/, `unquoted shell character ${ch} in ${line}`);
      current += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

const settings: ExtensionSettings = { ...DEFAULT_SETTINGS, sshOptions: [['ProxyJump', 'bastion']], sshConfigFile: '/cfg/ssh config', useSudo: 'never' };
const named = emptyNamespace(`we ird'$(reboot)`);
const root = emptyNamespace('host', true);
/** bash where the host has it, else sh. */
const interactiveShell = ['sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -i; else exec sh -i; fi'];

const local = { destination: 'local', label: null, identityFile: null };

/** The argv a local ping terminal runs: what the namespace and the sudo setting wrap around `ping`. */
function localPing(ns: Namespace, useSudo: SudoMode = 'never'): string[] {
  const spec = pingTerminal(local, { ...settings, useSudo }, ns, '10.0.0.1');
  return [spec.shellPath, ...spec.shellArgs];
}

const ping = ['ping', '-c', '5', '--', '10.0.0.1'];

test('inside a namespace: as is in the root one, ip netns exec by name, nsenter by path for anonymous ones', () => {
  assert.deepEqual(localPing(root), ping);
  assert.deepEqual(localPing(emptyNamespace('netns1')), ['ip', 'netns', 'exec', 'netns1', ...ping]);
  const docker = { ...emptyNamespace('/run/docker/netns/abc'), anonymous: true, path: '/run/docker/netns/abc' };
  assert.deepEqual(localPing(docker), ['nsenter', '--net=/run/docker/netns/abc', '--', ...ping]);
  const held = { ...emptyNamespace('pid:42'), anonymous: true, path: '/proc/42/ns/net' };
  assert.deepEqual(localPing(held), ['nsenter', '--net=/proc/42/ns/net', '--', ...ping]);
  assert.throws(() => localPing({ ...emptyNamespace('pid:1'), anonymous: true }), /no path/);
});

test('root: never, always, or sudo only when not root', () => {
  assert.deepEqual(localPing(root, 'never'), ping);
  assert.deepEqual(localPing(root, 'always'), ['sudo', '--', ...ping]);
  const auto = localPing(root, 'auto');
  assert.deepEqual([auto[0], auto[1], ...auto.slice(3)], ['sh', '-c', 'sh', ...ping]);
  assert.match(auto[2], /id -u/);
});

test('a local shell runs without any shell line of ours in between', () => {
  const spec = shellTerminal(local, settings, named);
  assert.equal(spec.shellPath, 'ip');
  assert.deepEqual(spec.shellArgs, ['netns', 'exec', `we ird'$(reboot)`, ...interactiveShell]);
});

test('over ssh: -t, the config file, options, identity, user and port, then one quoted remote line', () => {
  const entry = { destination: 'admin@10.0.1.48:2222', label: 'Lab', identityFile: '/keys/id' };
  const spec = shellTerminal(entry, settings, named);
  assert.equal(spec.shellPath, 'ssh');
  const args = spec.shellArgs;
  assert.deepEqual(args.slice(0, -2), ['-t', '-F', '/cfg/ssh config', '-o', 'ProxyJump=bastion', '-i', '/keys/id', '-l', 'admin', '-p', '2222', '--']);
  assert.equal(args.at(-2), '10.0.1.48');
  assert.deepEqual(shellWords(args.at(-1)!), ['ip', 'netns', 'exec', `we ird'$(reboot)`, ...interactiveShell]);
  assert.equal(spec.name, `we ird'$(reboot) @ Lab`);
  assert.match(spec.commandLine, /^ssh -t -F /);
});

test('ping and capture: bounded ping, line-buffered tcpdump, a filter that cannot become an option', () => {
  const entry = { destination: 'h1', label: null, identityFile: null };
  const ping = pingTerminal(entry, { ...settings, sshConfigFile: null, sshOptions: [] }, root, '172.16.0.2');
  assert.deepEqual(shellWords(ping.shellArgs.at(-1)!), ['ping', '-c', '5', '--', '172.16.0.2']);
  const capture = captureTerminal(entry, { ...settings, sshConfigFile: null, sshOptions: [] }, emptyNamespace('netns1'), 'veth1', '-w /tmp/x');
  assert.deepEqual(shellWords(capture.shellArgs.at(-1)!), ['ip', 'netns', 'exec', 'netns1', 'tcpdump', '-l', '-n', '-i', 'veth1', '--', '-w /tmp/x']);
  const all = captureTerminal(entry, settings, root, 'br0', '  ');
  assert.deepEqual(shellWords(all.shellArgs.at(-1)!), ['tcpdump', '-l', '-n', '-i', 'br0']);
});
