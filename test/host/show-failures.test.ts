// Every way `vnet show` can fail against a host: one clear line on stderr, nothing on stdout, and the exit
// code docs/cli.md documents. Real OpenSSH against testbed hosts; tools and users are changed only inside
// a host's own mount namespace.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run } from '../testbed/run';
import { EXIT } from '../../src/cli/exit-codes';
import { argsWith, assertBuilt, vnet } from './show-support';

let bed: Testbed;
let host: TestHost;
let scratch: string;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  scratch = await mkdtemp(join(tmpdir(), 'vnet-show-failures-'));
});

after(async () => {
  await bed?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function expectFailure(args: string[], exitCode: number, code: string, message: RegExp): Promise<void> {
  const result = await vnet(['show', ...args], 60_000);
  assert.equal(result.stdout, '', 'nothing on stdout');
  const lines = result.stderr.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `one line on stderr, got:\n${result.stderr}`);
  assert.match(lines[0], /^vnet show: /);
  assert.ok(lines[0].endsWith(`[${code}]`), `code ${code} in: ${lines[0]}`);
  assert.match(lines[0], message);
  assert.equal(result.exitCode, exitCode, lines[0]);
}

test('unreachable: nothing listens on the port', async () => {
  await expectFailure([...argsWith(host, { Port: '2222' }), '--timeout', '5'], EXIT.unreachable, 'VN-SSH-UNREACHABLE', /Cannot reach "root@10\.99\.0\.\d+"/);
});

test('unreachable: nobody answers within the connect timeout, and vnet does not wait longer', async () => {
  await expectFailure([...argsWith(host, {}, 'root@10.99.0.250'), '--timeout', '1'], EXIT.timeout, 'VN-SSH-TIMEOUT', /did not answer within 1 s/);
});

test('an unknown name', async () => {
  await expectFailure(['--host', 'root@no-such-host.invalid', '--ssh-option', 'BatchMode=yes'], EXIT.unreachable, 'VN-SSH-UNREACHABLE', /resolve/);
});

test('refused authentication: a key the host does not know', async () => {
  const key = join(scratch, 'stranger');
  const made = await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'stranger', '-f', key]);
  assert.equal(made.exitCode, 0, made.stderr);
  const options = Object.entries(host.sshOptions).filter(([k]) => k !== 'IdentityFile').flatMap(([k, v]) => ['--ssh-option', `${k}=${v}`]);
  await expectFailure(['--host', host.target, '--identity', key, ...options], EXIT.authRefused, 'VN-SSH-AUTH', /refused the login/);
});

test('bad host key: unknown', async () => {
  const stranger = await bed.addHost({ untrustedHostKey: true });
  try {
    await expectFailure(stranger.vnetArgs, EXIT.hostKey, 'VN-SSH-HOSTKEY', /not known.*ssh-keyscan/);
  } finally {
    await stranger.remove();
  }
});

test('bad host key: changed since it was recorded', async () => {
  const key = join(scratch, 'impostor');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'impostor', '-f', key]);
  const knownHosts = join(scratch, 'known_hosts_changed');
  const impostor = (await readFile(`${key}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
  await writeFile(knownHosts, `${host.ip} ${impostor}\n`);
  await expectFailure(argsWith(host, { UserKnownHostsFile: knownHosts }), EXIT.hostKey, 'VN-SSH-HOSTKEY', /CHANGED.*ssh-keygen -f ".*known_hosts_changed" -R "10\.99\.0\.\d+"/);
});

test('a user who is not root, on a host without sudo', async () => {
  const target = await bed.addHost({ users: [{ name: 'dave', sudo: 'none' }] });
  try {
    // No sudo on this host: hidden inside its own mount namespace only.
    const hidden = await target.direct('touch /run/not-a-program && chmod 0644 /run/not-a-program && mount --bind /run/not-a-program /usr/bin/sudo');
    assert.equal(hidden.exitCode, 0, hidden.stderr);
    await expectFailure(argsWith(target, {}, target.targetFor('dave')), EXIT.privilege, 'VN-HOST-PRIVILEGE', /not root and the host has no sudo/);
  } finally {
    await target.remove();
  }
});

test('sudo wants a password (or the user may not use it)', async () => {
  const target = await bed.addHost({ users: [{ name: 'alice', sudo: 'password' }, { name: 'bob', sudo: 'none' }, { name: 'carol', sudo: 'nopasswd' }] });
  try {
    await expectFailure(argsWith(target, {}, target.targetFor('alice')), EXIT.privilege, 'VN-HOST-SUDO-PASSWORD', /sudo .* wants a password/);
    await expectFailure(argsWith(target, {}, target.targetFor('bob')), EXIT.privilege, 'VN-HOST-SUDO-PASSWORD', /may not use sudo/);
    // And the way that works: a user with passwordless sudo sees the whole host, as root would.
    const shown = await vnet(['show', '--json', ...argsWith(target, {}, target.targetFor('carol'))]);
    assert.equal(shown.exitCode, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout).namespaces.map((n: { name: string }) => n.name), ['host']);
  } finally {
    await target.remove();
  }
});

test('iptables is missing on the host', async () => {
  const target = await bed.addHost();
  try {
    const hidden = await target.direct([
      'touch /run/not-a-program && chmod 0644 /run/not-a-program',
      'for tool in /usr/sbin/xtables-nft-multi /usr/sbin/xtables-legacy-multi; do mount --bind /run/not-a-program "$tool"; done',
      'command -v iptables-save iptables-nft-save iptables-legacy-save && exit 1 || true',
    ].join('\n'));
    assert.equal(hidden.exitCode, 0, `iptables still found: ${hidden.stdout}${hidden.stderr}`);
    await expectFailure(target.vnetArgs, EXIT.missingTool, 'VN-HOST-TOOL', /iptables is not installed.*apt-get install iptables/);
  } finally {
    await target.remove();
  }
});

test('usage errors: a bad target or option is refused before anything runs', async () => {
  await expectFailure(['--host', '-oProxyCommand=touch /tmp/pwned'], EXIT.usage, 'VN-USAGE-HOST', /not a valid target/);
  await expectFailure(['--host', host.target, '--ssh-option', 'NoEquals'], EXIT.usage, 'VN-USAGE-SSH-OPTION', /KEY=VALUE/);
  await expectFailure(['--timeout', 'soon'], EXIT.usage, 'VN-USAGE-TIMEOUT', /seconds/);
});
