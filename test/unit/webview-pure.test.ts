import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFromWebviewMessage, isToWebviewMessage } from '../../src/model/protocol';
import { copyText, menuItems } from '../../webview/menu-model';
import { centerOn, fitView, toDiagram, zoomAt, MAX_SCALE } from '../../webview/viewport';

test('zooming keeps the point under the pointer in place and stays within bounds', () => {
  const view = { x: 10, y: 20, k: 1 };
  const before = toDiagram(view, 300, 200);
  const zoomed = zoomAt(view, 2, 300, 200);
  assert.equal(zoomed.k, 2);
  assert.deepEqual(toDiagram(zoomed, 300, 200), before);
  assert.equal(zoomAt({ x: 0, y: 0, k: 7 }, 10, 0, 0).k, MAX_SCALE);
});

test('fit shows all content centred and never enlarges past 1:1; centre puts a box in the middle', () => {
  const fit = fitView({ x: 0, y: 0, width: 2000, height: 500 }, { width: 1048, height: 600 }, 24);
  assert.equal(fit.k, 0.5);
  assert.equal(fit.x, 24);
  assert.equal(fit.y, (600 - 250) / 2);
  assert.equal(fitView({ x: 0, y: 0, width: 100, height: 100 }, { width: 1000, height: 1000 }).k, 1);
  const centred = centerOn({ x: 0, y: 0, k: 2 }, { x: 100, y: 100, width: 50, height: 50 }, { width: 800, height: 600 });
  assert.deepEqual([centred.x + 125 * 2, centred.y + 125 * 2], [400, 300]);
});

test('the context menu offers the tree\'s commands for the kind, then the panel\'s own', () => {
  const menus = { interface: [{ command: 'vnet.interface.down', title: 'Set Down' }] };
  const ref = { kind: 'interface' as const, host: 'h', namespace: 'ns1', interface: 'veth0' };
  assert.deepEqual(menuItems(ref, menus, { canRevealInTree: true, canGoToSource: false }).map((i) => i.title), ['Set Down', 'Reveal in Tree', 'Copy Name']);
  assert.deepEqual(menuItems({ kind: 'outside', host: '' }, menus, { canRevealInTree: true, canGoToSource: true }), []);
  assert.equal(copyText(ref), 'ns1:veth0');
  assert.equal(copyText({ kind: 'nat', host: 'h', namespace: 'host', rule: '-A X -j ACCEPT' }), '-A X -j ACCEPT');
});

test('messages from the webview are checked before the extension acts on them', () => {
  const element = { kind: 'namespace', host: 'h', namespace: 'n' };
  assert.ok(isFromWebviewMessage({ type: 'command', command: 'vnet.namespace.delete', element }));
  assert.ok(!isFromWebviewMessage({ type: 'command', command: 'workbench.action.terminal.sendSequence; rm', element }), 'odd command ids are refused');
  assert.ok(!isFromWebviewMessage({ type: 'command', command: 'vnet.x', element: { ...element, kind: 'file' } }));
  assert.ok(!isFromWebviewMessage({ type: 'saveLayout', labKey: 'k', layout: { offsets: { a: { dx: 'x', dy: 1 } }, order: [] } }));
  assert.ok(isFromWebviewMessage({ type: 'saveLayout', labKey: 'k', layout: { offsets: { a: { dx: 1, dy: 1 } }, order: ['a'] } }));
  assert.ok(!isFromWebviewMessage({ type: 'export', format: 'png', base64: '<script>' }));
  assert.ok(!isFromWebviewMessage({ type: 'eval', code: '1' }));
  assert.ok(!isFromWebviewMessage(null));
  assert.ok(isToWebviewMessage({ type: 'show', labKey: 'k', input: { title: 't', hosts: [] }, layout: null, menus: {}, canRevealInTree: false, canGoToSource: false }));
  assert.ok(!isToWebviewMessage({ type: 'show', labKey: 'k', input: null }));
});
