// The manifest (package.json `contributes`) and the code agree: every contributed command has a handler and
// every handler is contributed, menus name real commands, every contextValue a menu matches is one the tree
// produces, activation is never `*` (and commands activate through their contribution, not onCommand events),
// and the files the manifest points at exist.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileVnet } from '../../src/language/index';
import { parseProbeOutput } from '../../src/host/probe-parse';
import { COMMAND_IDS } from '../../src/extension/commands/command-ids';
import { TOPOLOGY_VIEW_TYPE } from '../../src/extension/topology/view-type';
import { handledCommands } from '../../src/extension/commands/command-table';
import { hostNode, walk } from '../../src/extension/tree-model';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const contributes = pkg.contributes;

interface MenuEntry { command: string; when?: string; group?: string }

test('contributed commands, registered ids and handlers are the same set', () => {
  const contributed = contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual(contributed, [...COMMAND_IDS].sort());
  assert.deepEqual(handledCommands().sort(), [...COMMAND_IDS].sort());
  for (const c of contributes.commands) {
    assert.equal(c.category, 'VNet', c.command);
    assert.ok(c.title, c.command);
    assert.match(c.icon, /^\$\([a-z-]+\)$/, c.command);
  }
  // The code lens of the language server runs these two.
  assert.ok(COMMAND_IDS.includes('vnet.plan') && COMMAND_IDS.includes('vnet.apply'));
});

test('activation: on .vnet files, on the Hosts view and on a topology panel to restore; commands activate by their contribution, never "*"', () => {
  const events: string[] = pkg.activationEvents;
  // A topology panel open before a reload is restored, which needs the extension running.
  assert.deepEqual([...events].sort(), ['onLanguage:vnet', `onWebviewPanel:${TOPOLOGY_VIEW_TYPE}`, 'onView:vnet.hosts'].sort());
  // No onCommand events: since VS Code 1.74 every command in contributes.commands activates the extension
  // by itself, and the test above keeps that list equal to the commands activate() registers.
  assert.ok(events.every((event) => !event.startsWith('onCommand:')), events.join(', '));
  const [major, minor] = String(pkg.engines.vscode).replace(/^\^/, '').split('.').map(Number);
  assert.ok(major > 1 || (major === 1 && minor >= 74), `engines.vscode ${pkg.engines.vscode} predates implicit command activation (1.74)`);
  assert.deepEqual(pkg.extensionKind, ['workspace']);
  assert.equal(pkg.main, './dist/extension.js');
});

test('the language, grammar, snippets and icons point at files that exist', () => {
  const language = contributes.languages.find((l: { id: string }) => l.id === 'vnet');
  assert.deepEqual(language.extensions, ['.vnet']);
  const files = [
    language.configuration,
    contributes.grammars[0].path,
    contributes.snippets[0].path,
    contributes.viewsContainers.activitybar[0].icon,
  ];
  assert.equal(contributes.grammars[0].scopeName, 'source.vnet');
  for (const file of files) assert.ok(existsSync(join(root, file)), `${file} is missing`);
  assert.deepEqual(contributes.viewsContainers.activitybar.map((c: { id: string; title: string }) => [c.id, c.title]), [['vnet', 'VNet']]);
  assert.deepEqual(contributes.views.vnet.map((v: { id: string; name: string }) => [v.id, v.name]), [['vnet.hosts', 'Hosts']]);
});

test('the settings the issue names are contributed', () => {
  const keys = Object.keys(contributes.configuration.properties);
  for (const key of ['vnet.hosts', 'vnet.refresh.mode', 'vnet.refresh.intervalSeconds', 'vnet.ssh.path', 'vnet.ssh.options', 'vnet.ssh.configFile', 'vnet.useSudo', 'vnet.labsFolder']) {
    assert.ok(keys.includes(key), key);
  }
  assert.deepEqual(contributes.configuration.properties['vnet.refresh.mode'].enum, ['live', 'poll', 'manual']);
  assert.deepEqual(contributes.configuration.properties['vnet.useSudo'].enum, ['auto', 'always', 'never']);
});

const menuEntries: [string, MenuEntry][] = Object.entries(contributes.menus as Record<string, MenuEntry[]>).flatMap(([menu, entries]) => entries.map((e) => [menu, e] as [string, MenuEntry]));

test('menus name contributed commands; item-only commands are hidden from the palette', () => {
  for (const [menu, entry] of menuEntries) assert.ok(COMMAND_IDS.includes(entry.command as never), `${menu}: ${entry.command}`);
  const hidden = contributes.menus.commandPalette.filter((e: MenuEntry) => e.when === 'false').map((e: MenuEntry) => e.command);
  for (const id of ['vnet.copyName', 'vnet.copyAddress']) assert.ok(hidden.includes(id), id);
  const editorTitle = contributes.menus['editor/title'].map((e: MenuEntry) => e.command);
  const explorer = contributes.menus['explorer/context'].map((e: MenuEntry) => e.command);
  for (const id of ['vnet.plan', 'vnet.apply', 'vnet.destroy']) assert.ok(editorTitle.includes(id) && explorer.includes(id), id);
});

test('every contextValue token a menu matches is one the tree produces', () => {
  const scenarioA = compileVnet(readFileSync(join(root, 'examples/a-bridge-nat.vnet'), 'utf8')).lab!.hosts[0].topology;
  const rich = parseProbeOutput(readFileSync(join(root, 'test/fixtures/probe/rich-netlink.txt'), 'utf8'), '@@fixture0nonce', 'local');
  const entry = { destination: 'h', label: null, identityFile: null };
  // An impaired link (a root netem qdisc), which the captured fixtures do not have.
  const impaired = compileVnet(readFileSync(join(root, 'examples/a-bridge-nat.vnet'), 'utf8')).lab!.hosts[0].topology;
  impaired.namespaces.find((ns) => ns.interfaces.some((i) => i.kind === 'veth'))!.interfaces.find((i) => i.kind === 'veth')!.impairment = { lossPct: 1 };
  const nodes = [
    ...[scenarioA, rich, impaired].flatMap((topology) => walk(hostNode({ entry, connection: { state: 'connected', topology, updatedAt: 0, following: 'live', stale: null } }))),
    ...walk(hostNode({ entry, connection: { state: 'error', message: 'x', code: null } })),
    hostNode({ entry, connection: { state: 'connecting' } }),
  ];
  const produced = new Set(nodes.flatMap((n) => n.contextValue.split(' ')));
  const used = new Set<string>();
  for (const [, entry] of menuEntries) {
    for (const m of (entry.when ?? '').matchAll(/viewItem [=!]~ \/\(\^\| \)([\w-]+)\( \|\$\)\//g)) used.add(m[1]);
  }
  assert.ok(used.size > 10);
  for (const token of used) assert.ok(produced.has(token), `menus match "${token}", which no tree node has`);
  for (const [menu, entry] of menuEntries.filter(([m]) => m === 'view/item/context')) {
    assert.match(entry.when ?? '', /^view == vnet\.hosts && /, `${menu} ${entry.command}`);
  }
});

test('when clauses use only operators VS Code knows (there is no "!~": such a clause never hides the item)', () => {
  const menus = (contributes.menus ?? {}) as Record<string, MenuEntry[]>;
  const clauses = Object.values(menus).flat().map((entry) => entry.when ?? '');
  for (const clause of clauses) assert.doesNotMatch(clause, /!~/, clause);
});
