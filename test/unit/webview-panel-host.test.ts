import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ElementRef, SavedLayout } from '../../src/model/protocol';
import { LayoutStore, type StateMemento } from '../../src/extension/topology/layout-store';
import { handlePanelMessage, type PanelActions } from '../../src/extension/topology/message-handler';
import { buildPanelHtml, contentSecurityPolicy, createNonce } from '../../src/extension/topology/panel-html';
import { locateInVnet } from '../../src/extension/topology/source-locator';
import { parseSourceKey, sourceKey, type SourceRef } from '../../src/extension/topology/source-key';

test('the panel HTML has a strict nonce CSP that allows the blob: layout worker, and no inline handlers', () => {
  const nonce = createNonce();
  assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  assert.notEqual(createNonce(), nonce);
  const html = buildPanelHtml({
    cspSource: 'https://x.vscode-cdn.net', nonce, scriptUri: 'https://x.vscode-cdn.net/dist/webview.js', title: '<script>alert(1)</script> & "lab"',
    sourceKey: 'host:root@"><script>x</script>',
  });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1];
  assert.ok(csp.includes("default-src 'none'"));
  assert.ok(csp.includes(`script-src 'nonce-${nonce}'`));
  assert.ok(csp.includes('worker-src blob:'));
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  assert.equal((html.match(/<script /g) ?? []).length, 1);
  assert.ok(html.includes(`<script nonce="${nonce}" src=`));
  assert.ok(html.includes(`<style nonce="${nonce}">`));
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
  assert.ok(html.includes('<title>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;lab&quot;</title>'));
  // The source key is an attribute value, escaped like any host data.
  assert.ok(html.includes('<meta name="vnet-source" content="host:root@&quot;&gt;&lt;script&gt;x&lt;/script&gt;">'));
  assert.throws(() => buildPanelHtml({ cspSource: 'x', nonce: 'short', scriptUri: 'y', title: 't', sourceKey: 'k' }));
  assert.ok(html.includes('<meta name="vnet-view" content="topology">'), 'the bundle starts the topology UI by default');
  const matrix = buildPanelHtml({ cspSource: 'x', nonce, scriptUri: 'y', title: 't', sourceKey: 'matrix:h', view: 'matrix' });
  assert.ok(matrix.includes('<meta name="vnet-view" content="matrix">'));
  assert.equal(contentSecurityPolicy('S', 'N').split('; ').find((d) => d.startsWith('connect-src')), 'connect-src S');
});

function recorder(): { actions: PanelActions; calls: string[] } {
  const calls: string[] = [];
  const note = (name: string) => (...args: unknown[]) => { calls.push(`${name} ${JSON.stringify(args)}`); };
  return {
    calls,
    actions: {
      ready: note('ready'), refresh: note('refresh'), revealInTree: note('reveal'), goToSource: note('source'),
      runCommand: note('command'), copy: note('copy'), saveLayout: note('save'), exportSvg: note('svg'),
      exportPng: (bytes: Uint8Array) => { calls.push(`png ${bytes.length}`); }, log: note('log'),
      traceFrom: note('traceFrom'), clearTrace: note('clearTrace'),
    },
  };
}

test('the panel runs only the commands it offered for that kind of element', async () => {
  const { actions, calls } = recorder();
  const context = { labKey: 'lab', menus: { namespace: [{ command: 'vnet.namespace.delete', title: 'Delete' }] } };
  const element: ElementRef = { kind: 'namespace', host: 'h', namespace: 'n' };
  await handlePanelMessage({ type: 'command', command: 'vnet.namespace.delete', element }, context, actions);
  await handlePanelMessage({ type: 'command', command: 'vnet.host.destroyEverything', element }, context, actions);
  await handlePanelMessage({ type: 'command', command: 'vnet.namespace.delete', element: { ...element, kind: 'interface' } }, context, actions);
  await handlePanelMessage({ type: 'saveLayout', labKey: 'other-lab', layout: { offsets: {}, order: [] } }, context, actions);
  await handlePanelMessage({ type: 'export', format: 'png', base64: Buffer.from('PNGDATA').toString('base64') }, context, actions);
  await handlePanelMessage({ type: 'bogus' }, context, actions);
  assert.equal(calls[0], `command ["vnet.namespace.delete",${JSON.stringify(element)}]`);
  assert.match(calls[1], /^log .*refused command vnet.host.destroyEverything/);
  assert.match(calls[2], /^log .*refused command vnet.namespace.delete for a interface/);
  assert.equal(calls[3], 'png 7', 'a layout for another lab is ignored');
  assert.match(calls[4], /^log .*malformed/);
  assert.equal(calls.length, 5);
});

test('layouts are kept per lab in the workspace state, and junk there is ignored', async () => {
  const data = new Map<string, unknown>();
  const memento: StateMemento = { get: <T>(key: string) => data.get(key) as T | undefined, update: async (key, value) => { data.set(key, value); } };
  const store = new LayoutStore(memento);
  const layout: SavedLayout = { offsets: { a: { dx: 1, dy: 2 } }, order: ['a'] };
  await store.set('lab-1', layout);
  assert.deepEqual(store.get('lab-1'), layout);
  assert.equal(store.get('lab-2'), null);
  data.set('vnet.topology.layout:lab-3', { offsets: 'x' });
  assert.equal(store.get('lab-3'), null);
});

test('Go to .vnet source finds where an element is declared', () => {
  const text = [
    'lab a',
    'host {',
    '  bridge br0 { address 172.16.0.100/24 }',
    '  nat masquerade src 172.16.0.0/24 not-out br0',
    '  nat dnat tcp 8088 to 172.16.0.102:80 not-in br0',
    '}',
    'namespace netns2 {   # netns1 is elsewhere',
    '  address veth2-peer 172.16.0.102/24',
    '  route default via 172.16.0.100',
    '}',
    'namespace netns1 {',
    '}',
    'veth br0:veth2 -- netns2:veth2-peer',
  ].join('\n');
  assert.deepEqual(locateInVnet(text, { kind: 'namespace', host: 'h', namespace: 'netns1' }), { line: 10, character: 10, length: 6 });
  assert.deepEqual(locateInVnet(text, { kind: 'bridge', host: 'h', namespace: 'host', interface: 'br0' }), { line: 2, character: 9, length: 3 });
  assert.equal(locateInVnet(text, { kind: 'interface', host: 'h', namespace: 'netns2', interface: 'veth2-peer' })?.line, 7);
  assert.equal(locateInVnet(text, { kind: 'route', host: 'h', namespace: 'netns2', route: 'default' })?.line, 8);
  assert.equal(locateInVnet(text, { kind: 'nat', host: 'h', namespace: 'host', rule: '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80' })?.line, 4);
  assert.equal(locateInVnet(text, { kind: 'namespace', host: 'h', namespace: 'docker-1' }), null);
});

test('a panel\'s key names its source, and reads back as the same source after a reload; junk reads as nothing', () => {
  const refs: SourceRef[] = [
    { kind: 'file', uri: 'file:///labs/a%20b.vnet' },
    { kind: 'host', destination: 'root@10.0.1.48' },
    { kind: 'drift', uri: 'file:///labs/x|y.vnet', labHost: null, destination: 'lab-a' },
    { kind: 'drift', uri: 'vscode-remote://h/labs/g.vnet', labHost: 'b', destination: 'root@[fd00::1]:2222' },
  ];
  for (const ref of refs) assert.deepEqual(parseSourceKey(sourceKey(ref)), ref);
  assert.equal(new Set(refs.map(sourceKey)).size, refs.length);
  for (const junk of [undefined, null, 42, '', 'file:', 'host', ':x', 'other:x', 'drift:', 'drift:{', 'drift:[1,2,3]',
    'drift:["u",null]', 'drift:["u",7,"h"]', 'drift:["","a","h"]', { shown: 'host:x' }]) {
    assert.equal(parseSourceKey(junk), null, JSON.stringify(junk));
  }
});
