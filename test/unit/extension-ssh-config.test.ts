// "Add host…" offers the Host aliases of the ssh config: concrete names only, with what they stand for,
// following Include lines as ssh does.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeSshConfigHost, parseSshConfigHosts } from '../../src/extension/ssh-config-hosts';
import { readSshConfigHosts } from '../../src/extension/ssh-config-reader';

test('Host blocks give aliases; patterns, negations and Match blocks give none', () => {
  const { hosts, includes } = parseSshConfigHosts([
    '# my hosts',
    'Include conf.d/*.conf',
    'Host lab1 lab2',
    '  HostName 10.0.1.48',
    '  User root',
    '  Port 2222',
    'Host *.example.com !bad.example.com web-?',
    '  User nobody',
    'host=bastion',
    '\tHostname=bastion.example.com',
    'Match host foo exec "true"',
    '  User ignored',
    'Host "quoted name" plain',
    '  User first',
    '  User second',
  ].join('\n'));
  assert.deepEqual(hosts.map((h) => h.alias), ['lab1', 'lab2', 'bastion', 'plain']);
  assert.deepEqual(hosts[0], { alias: 'lab1', hostName: '10.0.1.48', user: 'root', port: '2222' });
  assert.equal(hosts[2].hostName, 'bastion.example.com');
  assert.equal(hosts[3].user, 'first', 'the first value wins, as in ssh');
  assert.deepEqual(includes, ['conf.d/*.conf']);
  assert.equal(describeSshConfigHost(hosts[0]), 'root@10.0.1.48:2222');
  assert.equal(describeSshConfigHost({ alias: 'x', hostName: null, user: null, port: null }), '');
});

test('words split like ssh: blanks separate, quotes group', () => {
  const { hosts, includes } = parseSshConfigHosts('Host  a\t"b c" d\n  HostName "lab box"\nInclude "x y.conf"  z.conf\n');
  // "b c" is one word (a name with a blank, so no alias), not the aliases b and c.
  assert.deepEqual(hosts.map((h) => [h.alias, h.hostName]), [['a', 'lab box'], ['d', 'lab box']]);
  assert.deepEqual(includes, ['x y.conf', 'z.conf']);
});

test('the reader follows Include (relative to ~/.ssh, with globs), once per file, each alias once', async () => {
  const home = await mkdtemp(join(tmpdir(), 'vnet-sshcfg-'));
  try {
    await mkdir(join(home, '.ssh', 'conf.d'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), 'Include conf.d/*.conf\nInclude ~/.ssh/config\nHost main\n  HostName 10.0.0.1\n');
    await writeFile(join(home, '.ssh', 'conf.d', 'a.conf'), 'Host a-one main\n  HostName 10.0.0.2\n');
    await writeFile(join(home, '.ssh', 'conf.d', 'b.conf'), 'Host b-two\n');
    await writeFile(join(home, '.ssh', 'conf.d', 'skip.txt'), 'Host not-included\n');
    const hosts = await readSshConfigHosts(undefined, home);
    assert.deepEqual(hosts.map((h) => h.alias).sort(), ['a-one', 'b-two', 'main']);
    assert.deepEqual(await readSshConfigHosts(join(home, 'missing'), home), [], 'a missing file is no aliases, not an error');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
