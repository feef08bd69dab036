// The extension's commands against a real host, through the command table the editor calls: every answer
// is typed into the same validated boxes and pickers, the real engine changes the testbed host over ssh,
// and the result is checked on the host itself, by the tree, and with real traffic. Only VS Code's UI is
// replaced (by a scripted Ui).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createHostTransport } from '../../src/extension/host-transport';
import { HostsModel } from '../../src/extension/hosts-model';
import { runCommand, type ExtensionCommandContext } from '../../src/extension/commands/command-table';
import type { CommandId } from '../../src/extension/commands/command-ids';
import { hostNode, walk, type TreeNode } from '../../src/extension/tree-model';
import type { TerminalSpec } from '../../src/extension/ui';
import { ScriptedUi, type Answer } from '../unit/extension-scripted-ui';
import { settingsFor, until } from './extension-support';

let bed: Testbed;
let host: TestHost;
let labHost: TestHost;
let model: HostsModel;
const remembered = new Map<string, string>();
const logged: string[] = [];
/** What "Show Drift" asked the editor to draw: [file, host of the file, live host]. */
const drifts: [string, string | undefined, string][] = [];

before(async () => {
  bed = await Testbed.start();
  [host, labHost] = await Promise.all([
    bed.addHost({ address: '10.71.0.10/24', peer: '10.71.0.1' }),
    bed.addHost({ address: '10.72.0.10/24', peer: '10.72.0.1' }),
  ]);
  const log = (line: string) => logged.push(line);
  // Manual refresh: every change the tests see comes from the commands' own re-read.
  model = new HostsModel({ createTransport: (entry, settings) => createHostTransport(entry, settings, log), log }, settingsFor([host, labHost], { refreshMode: 'manual' }));
  model.startAll();
});

after(async () => {
  await model?.dispose();
  await bed?.stop();
});

function context(ui: ScriptedUi, files: Record<string, string> = {}): ExtensionCommandContext {
  return {
    ui,
    hosts: model,
    settings: () => model.current,
    activeHost: () => host.target,
    setActiveHost: () => undefined,
    saveHosts: async () => undefined,
    rawHosts: () => [],
    readLabFile: async (arg) => ({ text: files[String(arg)], label: String(arg), key: `file:///${String(arg)}` }),
    recall: (key) => remembered.get(key),
    remember: async (key, value) => { remembered.set(key, value); },
    log: (line) => logged.push(line),
    showTopology: async () => undefined,
    showDrift: async (fileKey, labHostName, destination) => { drifts.push([fileKey, labHostName, destination]); },
    findLabFiles: async () => Object.entries(files).map(([name, text]) => ({
      label: name, read: async () => ({ text, label: name, key: `file:///${name}` }),
    })),
    saveLabFile: async () => undefined,
  };
}

/** Runs a command as the editor would, with scripted answers; fails on any error message it shows. */
async function command(id: CommandId, arg: unknown, answers: Answer[], options: { files?: Record<string, string>; allowErrors?: boolean } = {}): Promise<ScriptedUi> {
  const ui = new ScriptedUi(answers);
  await runCommand(context(ui, options.files), id, arg);
  if (!options.allowErrors) assert.deepEqual(ui.errors(), [], `${id} showed an error`);
  assert.equal(ui.remaining, 0, `${id} did not ask everything the script answers: ${ui.asked.join('; ')}`);
  return ui;
}

function rows(target: TestHost): TreeNode[] {
  return walk(hostNode(model.get(target.target)!.view()));
}

function row(target: TestHost, predicate: (node: TreeNode) => boolean, what: string): TreeNode {
  const found = rows(target).find(predicate);
  assert.ok(found, `no tree row for ${what}`);
  return found;
}

async function sh(script: string): Promise<string> {
  return host.mustSh(script);
}

/** Runs a terminal's command line as a process (without a terminal), feeding it stdin. */
function runTerminal(spec: TerminalSpec, input: string, timeoutMs = 20_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(spec.shellPath, spec.shellArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => { clearTimeout(timer); resolve({ stdout, stderr, code }); });
    child.stdin.end(input);
  });
}

test('build a bridge network from the tree: namespace, bridge, veth wizard, route, forwarding, NAT', async () => {
  const session = model.get(host.target)!;
  await until(session, () => session.topology !== null, 'first read');
  const hostRow = rows(host)[0];

  await command('vnet.addNamespace', hostRow, [{ input: ['host', 'red'] }]);
  assert.match(await sh('ip netns list'), /^red\b/m);
  assert.ok(rows(host).some((n) => n.kind === 'namespace' && n.label === 'red'), 'the tree shows it at once');

  const rootNs = row(host, (n) => n.kind === 'namespace' && n.label === 'host', 'the root namespace');
  await command('vnet.addBridge', rootNs, [{ input: 'br0' }, { input: ['192.168.15.5', '192.168.15.5/24'] }]);

  const red = row(host, (n) => n.kind === 'namespace' && n.label === 'red', 'red');
  const wizard = await command('vnet.addVethPair', red, [
    { pick: 'red' }, { pick: 'host' },
    { input: ['veth red', 'veth-red'] }, { input: 'veth-red-br' },
    { input: '192.168.15.1/24' }, { input: '' },
    { pick: 'Attach veth-red-br to bridge br0' },
  ]);
  assert.deepEqual(wizard.refusals.map((r) => r.text), ['veth red'], 'the bad name was refused as typed');
  assert.match(await sh('ip -o link show veth-red-br'), /master br0/);
  assert.match(await sh('ip netns exec red ip -o addr show veth-red'), /192\.168\.15\.1\/24/);

  await command('vnet.addRoute', red, [{ input: 'default' }, { input: '192.168.15.5' }, { pick: 'Any interface' }]);
  assert.match(await sh('ip netns exec red ip route show default'), /default via 192\.168\.15\.5/);

  const forwarding = row(host, (n) => n.kind === 'forwarding' && n.namespace === 'host', 'host forwarding');
  await command('vnet.toggleForwarding', forwarding, []);
  assert.equal((await sh('cat /proc/sys/net/ipv4/ip_forward')).trim(), '1');

  const natGroup = row(host, (n) => n.group === 'nat', 'NAT group');
  await command('vnet.addMasquerade', natGroup, [{ pick: 'host' }, { input: '192.168.15.0/24' }, { pick: 'leaving by any but br0' }]);
  await command('vnet.addPortForward', natGroup, [{ pick: 'host' }, { pick: 'tcp' }, { input: '8080' }, { input: '192.168.15.1:80' }, { pick: 'Arriving by any interface' }]);
  const nat = await sh('iptables-save -t nat');
  assert.match(nat, /^-A POSTROUTING -s 192\.168\.15\.0\/24 ! -o br0 -j MASQUERADE$/m);
  assert.match(nat, /^-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 192\.168\.15\.1:80$/m);
  const words = rows(host).filter((n) => n.kind === 'natRule').map((n) => n.label).sort();
  assert.deepEqual(words, ['masquerade 192.168.15.0/24 leaving by any but br0', 'tcp :8080 → 192.168.15.1:80']);

  await sh('ip netns exec red ping -c 1 -W 2 192.168.15.5');
  assert.ok(logged.some((l) => l.startsWith(`${host.target}: ssh`)), 'commands sent to the host are logged');
});

test('the shell, ping and capture terminals run inside the namespace on the host', async () => {
  const red = row(host, (n) => n.kind === 'namespace' && n.label === 'red', 'red');
  const shell = (await command('vnet.openShell', red, [])).terminals[0];
  assert.equal(shell.shellPath, 'ssh');
  const inShell = await runTerminal(shell, 'echo "in=$(ip netns identify $$)"; ip -o addr show veth-red; exit\n');
  assert.match(inShell.stdout, /^in=red$/m);
  assert.match(inShell.stdout, /192\.168\.15\.1\/24/);

  const pinged = (await command('vnet.ping', red, [{ pick: '192.168.15.5' }])).terminals[0];
  const ping = await runTerminal(pinged, '');
  assert.match(ping.stdout, /5 packets transmitted, 5 received/);

  const port = row(host, (n) => n.kind === 'interface' && n.label === 'veth-red-br' && n.id.includes('"ns"'), 'veth-red-br');
  const capture = (await command('vnet.capture', port, [{ input: 'icmp' }])).terminals[0];
  const child = spawn(capture.shellPath, capture.shellArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  let seen = '';
  child.stdout.on('data', (d: Buffer) => { seen += d.toString(); });
  try {
    const deadline = Date.now() + 20_000;
    while (!/ICMP echo request/.test(seen) && Date.now() < deadline) {
      await sh('ip netns exec red ping -c 1 -W 1 192.168.15.5 >/dev/null || true');
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.match(seen, /192\.168\.15\.1 > 192\.168\.15\.5: ICMP echo request/);
  } finally {
    child.kill('SIGKILL');
    await sh('pkill -x tcpdump || true');
  }
});

test('removals ask first, naming what goes with them; declining changes nothing', async () => {
  const link = row(host, (n) => n.kind === 'link' && n.label === 'host:veth-red-br ⇄ red:veth-red', 'the veth link');
  const declined = await command('vnet.removeVethPair', link, [{ confirm: false }]);
  assert.equal(declined.confirmations[0].message, `Remove veth pair host:veth-red-br ⇄ red:veth-red from ${host.name}?`);
  assert.match(declined.confirmations[0].detail, /Its other end veth-red in red is deleted too/);
  assert.match(declined.confirmations[0].detail, /192\.168\.15\.1\/24/);
  assert.match(await sh('ip -o link show veth-red-br'), /veth-red-br/, 'declined: still there');

  const rule = row(host, (n) => n.kind === 'natRule' && n.label.startsWith('tcp :8080'), 'the port forward');
  await command('vnet.removeNatRule', rule, [{ confirm: true }]);
  assert.doesNotMatch(await sh('iptables-save -t nat'), /--dport 8080/);

  await command('vnet.removeVethPair', link, [{ confirm: true }]);
  assert.notEqual((await host.sh('ip link show veth-red-br')).exitCode, 0);
  assert.equal((await sh('ip netns exec red ip -o link show')).includes('veth-red'), false);

  const red = row(host, (n) => n.kind === 'namespace' && n.label === 'red', 'red');
  const gone = await command('vnet.removeNamespace', red, [{ confirm: true }]);
  assert.equal(gone.confirmations[0].message, `Remove namespace red from ${host.name}?`);
  assert.doesNotMatch(await sh('ip netns list'), /^red\b/m);
});

test('a command on something that changed meanwhile fails with a message that says what to do', async () => {
  await command('vnet.addNamespace', { host: host.target }, [{ input: 'blue' }]);
  const blue = row(host, (n) => n.kind === 'namespace' && n.label === 'blue', 'blue');
  await sh('ip netns del blue');
  const ui = await command('vnet.removeNamespace', blue, [], { allowErrors: true });
  assert.deepEqual(ui.confirmations, [], 'the host is read again before asking: nothing to confirm');
  assert.equal(ui.errors().length, 1);
  assert.match(ui.errors()[0], /There is no namespace blue on .* any more: it was removed meanwhile\. The Hosts view shows what is there now\./);
});

test('plan shows the plan and changes nothing; apply asks, a no changes nothing, a yes builds the lab; destroy removes it', async () => {
  const files = { 'c-net1.vnet': readFileSync(join(__dirname, '../../examples/c-net1.vnet'), 'utf8') };
  const pickLabHost: Answer = { pick: labHost.name };

  const planned = await command('vnet.plan', 'c-net1.vnet', [pickLabHost], { files });
  assert.equal(planned.documents.length, 1);
  assert.match(planned.documents[0].text, /^ {2}\+ create namespace net1$/m);
  assert.match(planned.messages[0].text, /Plan for lab c-net1: .*Nothing has changed\./);
  assert.equal((await labHost.mustSh('ip netns list')).trim(), '', 'plan changed nothing');

  // The host picked last time for this file comes first.
  const declined = await command('vnet.apply', 'c-net1.vnet', [{ pick: (labels) => labels[0] }, { confirm: false }], { files });
  assert.match(declined.confirmations[0].message, new RegExp(`^Apply lab c-net1 on ${labHost.target.replace(/\./g, '\\.')}\\?$`));
  assert.match(declined.documents[0].text, /Nothing has changed yet/);
  assert.match(declined.messages.at(-1)!.text, /cancelled: nothing was changed/);
  assert.equal((await labHost.mustSh('ip netns list')).trim(), '');

  const applied = await command('vnet.apply', 'c-net1.vnet', [pickLabHost, { confirm: true }], { files });
  assert.match(applied.messages.at(-1)!.text, /^Applied lab c-net1\. .* steps done\.$/);
  await labHost.mustSh('ip netns exec net1 ping -c 1 -W 2 192.168.0.1');
  const session = model.get(labHost.target)!;
  await until(session, () => walk(hostNode(session.view())).some((n) => n.label === 'net1'), 'net1 in the tree');

  const again = await command('vnet.apply', 'c-net1.vnet', [pickLabHost], { files });
  assert.deepEqual(again.confirmations, [], 'nothing to change: nothing to confirm');
  assert.match(again.messages.at(-1)!.text, /already as the file says; nothing to do/);

  const destroyed = await command('vnet.destroy', 'c-net1.vnet', [pickLabHost, { confirm: true }], { files });
  assert.match(destroyed.documents[0].text, /^ {2}- delete namespace net1 with its veth pair veth1 -- veth1_p$/m);
  assert.equal((await labHost.mustSh('ip netns list')).trim(), '');
  assert.doesNotMatch(await labHost.mustSh('iptables-save -t nat'), /192\.168\.0\.0/);
});

test('a .vnet file with an error is refused before any host is touched', async () => {
  const ui = await command('vnet.apply', 'bad.vnet', [], { files: { 'bad.vnet': 'lab bad\nnamespace x {\n  address e0 300.1.1.1/24\n}\n' }, allowErrors: true });
  assert.equal(ui.errors().length, 1);
  assert.match(ui.errors()[0], /^bad\.vnet has 1 error; nothing was planned\./);
  assert.equal(ui.asked.length, 0);
});

test('Show Drift asks which live host, and for a two-host file which of its hosts; a host the view lacks is refused; Compare from a host asks for the file', async () => {
  const files = {
    'two.vnet': 'lab two\nmachine a {\n  namespace x {}\n}\nmachine b ssh root@10.250.0.1 {\n  namespace y {}\n}\n',
  };
  drifts.length = 0;
  const single = { 'c-net1.vnet': readFileSync(join(__dirname, '../../examples/c-net1.vnet'), 'utf8') };
  await command('vnet.showDrift', 'c-net1.vnet', [{ pick: labHost.name }], { files: single });
  assert.deepEqual(drifts.splice(0), [['file:///c-net1.vnet', undefined, labHost.target]], 'a one-host file has no host to choose');

  const shown = await command('vnet.showDrift', 'two.vnet', [{ pick: 'a' }, { pick: labHost.name }], { files });
  assert.equal(shown.asked.length, 2);
  assert.deepEqual(drifts, [['file:///two.vnet', 'a', labHost.target]]);

  // Machine b names its own ssh target, which the Hosts view does not have: nothing to follow, so it says how.
  const refused = await command('vnet.showDrift', 'two.vnet', [{ pick: 'b' }], { files, allowErrors: true });
  assert.equal(refused.errors().length, 1);
  assert.match(refused.errors()[0], /^root@10\.250\.0\.1 is not in the Hosts view.*Add it with "VNet: Add Host…"/);
  assert.equal(drifts.length, 1);

  // From the host's row: the file is picked from the workspace, then which of its hosts.
  drifts.length = 0;
  const hostRow = rows(labHost)[0];
  await command('vnet.compareWithFile', hostRow, [{ pick: 'two.vnet' }, { pick: 'b' }], { files: { ...files, ...single } });
  assert.deepEqual(drifts, [['file:///two.vnet', 'b', labHost.target]]);
  const none = await command('vnet.compareWithFile', hostRow, [], { files: {}, allowErrors: true });
  assert.match(none.errors()[0], /^There is no \.vnet file in the workspace to compare with\./);
});
