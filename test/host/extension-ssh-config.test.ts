// vnet.ssh.configFile (OpenSSH's -F), as the demo uses it: the testbed writes a config with one Host alias
// per host; "Add host…" offers those aliases, the terminals reach a host by its alias through that file,
// and the Hosts view connects to it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Testbed, type TestHost } from '../testbed/testbed';
import { emptyNamespace } from '../../src/model/topology';
import { readSshConfigHosts } from '../../src/extension/ssh-config-reader';
import { shellTerminal } from '../../src/extension/terminal-command';
import { HostSession } from '../../src/extension/host-session';
import { createHostTransport } from '../../src/extension/host-transport';
import { settingsFor, until } from './extension-support';

let bed: Testbed;
let host: TestHost;
let configFile: string;

before(async () => {
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh('ip netns add via-config');
  configFile = await bed.writeSshConfig();
});

after(async () => { await bed?.stop(); });

test('"Add host…" offers the aliases of vnet.ssh.configFile', async () => {
  const aliases = await readSshConfigHosts(configFile);
  assert.deepEqual(aliases.map((a) => [a.alias, a.hostName, a.user]), [[host.name, host.ip, 'root']]);
});

test('a shell terminal reaches the alias through the config file and opens inside the namespace', async () => {
  // Nothing but the config file: no -o options, no identity.
  const settings = { ...settingsFor([]), sshOptions: [], sshConfigFile: configFile };
  const spec = shellTerminal({ destination: host.name, label: null, identityFile: null }, settings, emptyNamespace('via-config'));
  assert.deepEqual(spec.shellArgs.slice(0, 3), ['-t', '-F', configFile]);
  const output = await new Promise<string>((resolve) => {
    const child = spawn(spec.shellPath, spec.shellArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', () => { clearTimeout(timer); resolve(out); });
    child.stdin.end('echo "ns=$(ip netns identify $$)"; exit\n');
  });
  assert.match(output, /^ns=via-config$/m);
});

test('the Hosts view connects to an alias of vnet.ssh.configFile', async () => {
  // Only this process's own control-socket directory besides the config file (see extension-support.ts).
  const base = settingsFor([]);
  const settings = { ...base, sshOptions: base.sshOptions.filter(([key]) => key === 'ControlPath'), sshConfigFile: configFile };
  const entry = { destination: host.name, label: null, identityFile: null };
  const session = new HostSession(entry, { createTransport: (e) => createHostTransport(e, settings, () => undefined), log: () => undefined }, { refreshMode: 'manual', intervalMs: 1000 });
  try {
    session.start();
    await until(session, () => session.view().connection.state !== 'connecting', 'the first read');
    assert.ok(session.topology?.namespaces.some((n) => n.name === 'via-config'));
  } finally {
    await session.dispose();
  }
});
