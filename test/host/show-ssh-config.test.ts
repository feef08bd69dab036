// ~/.ssh/config is honoured: an alias with its HostName, User, Port and IdentityFile reaches the host,
// with no option on the command line. The config is written into a private mount namespace's own
// ~/.ssh (a tmpfs over it), so the machine's real ~/.ssh is never touched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run } from '../testbed/run';
import { shellQuote } from '../../src/model/shell';
import type { Topology } from '../../src/model/topology';
import { assertBuilt, CLI } from './show-support';

let bed: Testbed;
let host: TestHost;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh('ip netns add via-alias');
});

after(async () => { await bed?.stop(); });

function configFor(alias: string, target: TestHost): string {
  const o = target.sshOptions;
  return [
    `Host ${alias}`,
    `  HostName ${target.ip}`,
    '  User root',
    '  Port 22',
    `  IdentityFile ${o.IdentityFile}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${o.UserKnownHostsFile}`,
    `  ProxyCommand ${o.ProxyCommand}`,
    '  LogLevel ERROR',
    '',
  ].join('\n');
}

/** Runs vnet with `config` as ~/.ssh/config, in a mount namespace of its own. */
function withSshConfig(config: string, args: string[]) {
  const ssh = `${homedir()}/.ssh`;
  const script = [
    'set -e',
    `mkdir -p ${shellQuote(ssh)} 2>/dev/null || true`,
    `mount -t tmpfs -o mode=0700 tmpfs ${shellQuote(ssh)}`,
    `printf '%s' ${shellQuote(config)} > ${shellQuote(`${ssh}/config`)}`,
    `exec ${[process.execPath, CLI, ...args].map(shellQuote).join(' ')}`,
  ].join('\n');
  return run('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { timeoutMs: 60_000 });
}

test('an alias from ~/.ssh/config, with its host name, user, port and key', async () => {
  const result = await withSshConfig(configFor('lab-box', host), ['show', '--json', '--host', 'lab-box']);
  assert.equal(result.exitCode, 0, result.stderr);
  const topology = JSON.parse(result.stdout) as Topology;
  assert.equal(topology.host, 'lab-box');
  assert.deepEqual(topology.namespaces.map((n) => n.name), ['host', 'via-alias']);
});

test('the config\'s host key policy applies: a host missing from its known_hosts is refused', async () => {
  const config = configFor('stranger-box', host).replace(/UserKnownHostsFile .*/, 'UserKnownHostsFile /dev/null');
  const result = await withSshConfig(config, ['show', '--host', 'stranger-box']);
  assert.equal(result.exitCode, 5, result.stderr);
  assert.match(result.stderr, /VN-SSH-HOSTKEY/);
});
