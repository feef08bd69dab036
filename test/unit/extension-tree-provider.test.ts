// The thin TreeDataProvider over the view-model, with only the few `vscode` classes it touches stubbed:
// rows become TreeItems with plain-string tooltips (never markdown), theme icons and colours, the node as the
// command argument; redraws follow the hosts; reveal() can walk from any element up to its host.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import Module, { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileVnet } from '../../src/language/index';
import { VnetError } from '../../src/model/errors';
import type { Transport } from '../../src/host/transport';
import { HostsModel } from '../../src/extension/hosts-model';
import { DEFAULT_SETTINGS } from '../../src/extension/settings';
import type { TreeNode } from '../../src/extension/tree-model';

class ThemeIcon { constructor(readonly id: string, readonly color?: ThemeColor) {} }
class ThemeColor { constructor(readonly id: string) {} }
class TreeItem {
  id?: string; description?: string; tooltip?: unknown; iconPath?: ThemeIcon; contextValue?: string;
  command?: { command: string; arguments?: unknown[] }; accessibilityInformation?: { label: string };
  constructor(readonly label: string, readonly collapsibleState: number) {}
}
class EventEmitter<T> {
  private listeners: ((value: T) => void)[] = [];
  readonly event = (listener: (value: T) => void) => { this.listeners.push(listener); return { dispose: () => undefined }; };
  fire(value: T): void { for (const l of this.listeners) l(value); }
  dispose(): void { this.listeners = []; }
}
const vscodeStub = { ThemeIcon, ThemeColor, TreeItem, EventEmitter, TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 } };
const moduleWithLoad = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = moduleWithLoad._load;
moduleWithLoad._load = function (request: string, ...rest: unknown[]) {
  return request === 'vscode' ? vscodeStub : originalLoad.call(this, request, ...rest);
};
const load = createRequire(__filename);
const { HostsTreeProvider } = load('../../src/extension/hosts-tree-provider') as typeof import('../../src/extension/hosts-tree-provider');

const topology = compileVnet(readFileSync(join(__dirname, '../../examples/a-bridge-nat.vnet'), 'utf8')).lab!.hosts[0].topology;

function model(): HostsModel {
  const transport = (target: string): Transport => ({ target, runScript: async () => ({ stdout: '', stderr: '', exitCode: 0 }), stream: () => { throw new Error('unused'); }, streamBytes: () => { throw new Error('unused'); }, close: async () => undefined });
  return new HostsModel({
    createTransport: (entry) => transport(entry.destination),
    log: () => undefined,
    probe: async (t) => {
      if (t.target === 'down') throw new VnetError('VN-HOST-UNREACHABLE', 'Cannot reach "down" <b>now</b>.');
      return { ...topology, host: t.target };
    },
    watch: () => ({ stop: () => undefined, done: Promise.resolve(), status: 'live' }),
  }, { ...DEFAULT_SETTINGS, showLocalHost: false, refreshMode: 'manual', hosts: [{ destination: 'up', label: null, identityFile: null }, { destination: 'down', label: null, identityFile: null }] });
}

/** Waits until `ready` holds (the hosts answer and the debounced redraw fires on timers). */
async function waitFor(ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ready()) {
    assert.ok(Date.now() < deadline, `${what} did not happen`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('rows become TreeItems: plain tooltips, theme icons and colours, ids, the node as the command argument', async () => {
  const hosts = model();
  const provider = new HostsTreeProvider(hosts);
  let redraws = 0;
  provider.onDidChangeTreeData(() => { redraws++; });
  const roots = provider.getChildren();
  assert.deepEqual(roots.map((r) => r.label), ['up', 'down']);
  await waitFor(() => redraws >= 1 && hosts.get('up')!.topology !== null && hosts.get('down')!.view().connection.state === 'error', 'the view redraws when the hosts answer');
  const [up, down] = provider.getChildren();
  const item = provider.getTreeItem(up) as unknown as TreeItem;
  assert.equal(item.id, up.id);
  assert.equal(item.collapsibleState, 2);
  assert.equal(typeof item.tooltip, 'string', 'tooltips are plain strings, never markdown');
  assert.equal(item.iconPath?.id, 'server');
  assert.equal(item.iconPath?.color?.id, 'charts.green');
  assert.equal(item.contextValue, 'vnet-host connected remote');

  const downItem = provider.getTreeItem(down) as unknown as TreeItem;
  assert.equal(downItem.iconPath?.color?.id, 'errorForeground');
  const retry = provider.getChildren(down).find((n: TreeNode) => n.label === 'Retry')!;
  assert.deepEqual((provider.getTreeItem(retry) as unknown as TreeItem).command?.arguments, [{ host: 'down' }]);
  const message = provider.getChildren(down)[0];
  assert.equal((provider.getTreeItem(message) as unknown as TreeItem).label, 'Cannot reach "down" <b>now</b>. [VN-HOST-UNREACHABLE]');
  provider.dispose();
  await hosts.dispose();
});

test('an element of the topology panel is found, and reveal can walk up from it to its host', async () => {
  const hosts = model();
  const provider = new HostsTreeProvider(hosts);
  provider.getChildren();
  await waitFor(() => hosts.get('up')!.topology !== null, 'the first read');
  const node = provider.find({ kind: 'interface', host: 'up', namespace: 'netns1', interface: 'veth1-peer' });
  assert.ok(node);
  const chain: string[] = [];
  for (let current: TreeNode | undefined = node; current; current = provider.getParent(current)) chain.push(current.label);
  assert.deepEqual(chain, ['veth1-peer', 'netns1', 'Namespaces', 'up']);
  assert.equal(provider.find({ kind: 'nat', host: 'up', namespace: 'host', rule: '-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE' })?.label, 'masquerade 172.16.0.0/24 leaving by any but br0');
  assert.equal(provider.find({ kind: 'namespace', host: 'nowhere', namespace: 'x' }), undefined);
  provider.dispose();
  await hosts.dispose();
});
