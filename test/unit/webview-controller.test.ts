import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { createElkEngine } from '../../src/diagram/elk-engine';
import { layoutDiagram } from '../../src/diagram/layout';
import { allElements } from '../../src/diagram/model';
import { buildTraceOverlay, overlayModelOfLayout } from '../../src/diagram/trace-overlay';
import { isFromWebviewMessage, isToWebviewMessage, type DiagramInput, type ShowMessage } from '../../src/model/protocol';
import { trace } from '../../src/trace/index';
import { handleExtensionMessage, handleLayout, handleUserAction, initialState, refOf, type Effect, type PanelState } from '../../webview/controller';
import { menuItems } from '../../webview/menu-model';
import { answerLayoutRequest } from '../../webview/layout-worker';
import { scenarioA, scenarioC } from './fixtures/scenario-topologies';

const elk = createElkEngine();

function show(labKey: string, input: DiagramInput, extra: Partial<ShowMessage> = {}): ShowMessage {
  return { type: 'show', labKey, input, layout: null, menus: { namespace: [{ command: 'vnet.namespace.delete', title: 'Delete' }] }, canRevealInTree: true, canGoToSource: false, ...extra };
}

async function laidOut(state: PanelState, effects: Effect[]): Promise<[PanelState, Effect[]]> {
  const request = effects.find((e) => e.type === 'layout');
  assert.ok(request && request.type === 'layout', 'a layout is requested');
  const model = buildDiagramModel(request.input);
  const layout = await layoutDiagram(model, elk, { order: request.order });
  return handleLayout(state, layout, allElements(model).map((e) => e.id));
}

const inputA: DiagramInput = { title: 'A', hosts: [{ name: 'host', desired: scenarioA() }] };

test('show → layout → render, fitting the first time only, and the order is saved for the next refresh', async () => {
  let [state, effects] = handleExtensionMessage(initialState(), show('lab-a', inputA), { layouts: {} });
  assert.equal(state.status.state, 'loading');
  [state, effects] = await laidOut(state, effects);
  assert.deepEqual(effects.map((e) => e.type), ['render', 'fit', 'persist', 'post']);
  const save = effects.find((e) => e.type === 'post');
  assert.ok(save && save.type === 'post' && save.message.type === 'saveLayout' && save.message.layout.order.length > 0);
  // A refresh of the same lab asks for a layout with the remembered order and does not fit again.
  [state, effects] = handleExtensionMessage(state, show('lab-a', inputA), { layouts: {} });
  const request = effects.find((e) => e.type === 'layout');
  assert.ok(request?.type === 'layout');
  assert.deepEqual(request.order, state.saved.order);
  [state, effects] = await laidOut(state, effects);
  assert.deepEqual(effects.map((e) => e.type), ['render']);
});

test('the webview\'s own saved positions win over the extension\'s older copy; another lab starts from its own', () => {
  const mine = { offsets: { 'ns:host/netns1': { dx: 5, dy: 6 } }, order: ['x'] };
  const theirs = { offsets: {}, order: [] };
  const [state] = handleExtensionMessage(initialState(), show('lab-a', inputA, { layout: theirs }), { layouts: { 'lab-a': mine } });
  assert.deepEqual(state.saved, mine);
  const [other] = handleExtensionMessage(state, show('lab-c', { title: 'C', hosts: [{ name: 'h', desired: scenarioC() }] }, { layout: theirs }), { layouts: { 'lab-a': mine } });
  assert.deepEqual(other.saved, theirs);
  assert.equal(other.base, null);
});

test('dragging adds to the offset, persists it and tells the extension', async () => {
  let [state, effects] = handleExtensionMessage(initialState(), show('lab-a', inputA), { layouts: {} });
  [state] = await laidOut(state, effects);
  [state, effects] = handleUserAction(state, { type: 'moved', id: 'ns:host/netns1', dx: 10, dy: 0 });
  [state, effects] = handleUserAction(state, { type: 'moved', id: 'ns:host/netns1', dx: 5, dy: -3 });
  assert.deepEqual(state.saved.offsets['ns:host/netns1'], { dx: 15, dy: -3 });
  assert.deepEqual(effects.map((e) => e.type), ['render', 'persist', 'post']);
  [state] = handleUserAction(state, { type: 'resetPositions' });
  assert.deepEqual(state.saved.offsets, {});
});

test('context menu actions become messages about the element; search finds and walks through matches', async () => {
  let [state, effects] = handleExtensionMessage(initialState(), show('lab-a', inputA), { layouts: {} });
  [state] = await laidOut(state, effects);
  [, effects] = handleUserAction(state, { type: 'menu', id: 'ns:host/netns2', action: { type: 'command', command: 'vnet.namespace.delete' } });
  assert.deepEqual(effects, [{ type: 'post', message: { type: 'command', command: 'vnet.namespace.delete', element: { kind: 'namespace', host: 'host', namespace: 'netns2' } } }]);
  [, effects] = handleUserAction(state, { type: 'menu', id: 'ns:host/netns2', action: { type: 'goToSource' } });
  assert.deepEqual(effects, [{ type: 'post', message: { type: 'goToSource', element: { kind: 'namespace', host: 'host', namespace: 'netns2' } } }]);
  [state, effects] = handleUserAction(state, { type: 'search', query: '172.16.0.10' });
  assert.ok(state.matches.includes('if:host/netns2/veth2-peer'));
  assert.ok(state.matches.includes('if:host/netns3/veth3-peer'));
  assert.ok(!state.matches.includes('if:host/netns1/veth1-peer'));
  [state] = handleUserAction(state, { type: 'nextMatch' });
  assert.equal(state.selected, state.matches[0]);
  [state] = handleUserAction(state, { type: 'nextMatch' });
  assert.equal(state.selected, state.matches[1]);
});

test('a select request waits for the layout that holds the element', async () => {
  let [state, effects] = handleExtensionMessage(initialState(), show('lab-a', inputA), { layouts: {} });
  [state, effects] = handleExtensionMessage(state, { type: 'select', element: { kind: 'namespace', host: 'host', namespace: 'netns3' } }, { layouts: {} });
  assert.deepEqual(effects, []);
  [state, effects] = await laidOut(state, [{ type: 'layout', input: inputA, order: [] }]);
  assert.equal(state.selected, 'ns:host/netns3');
  assert.ok(effects.some((e) => e.type === 'center'));
});

test('the worker answers a layout request, and reports a broken one as an error instead of dying', async () => {
  const ok = await answerLayoutRequest({ id: 7, input: inputA, order: [] }, elk);
  assert.equal(ok.id, 7);
  assert.ok('layout' in ok && ok.layout.boxes.length === 6);
  const broken = await answerLayoutRequest({ id: 8, input: { title: 'x', hosts: [{ name: 'h', desired: { schema: 'vnet.state/1', host: 'h', namespaces: null as never } }] }, order: [] }, elk);
  assert.equal(broken.id, 8);
  assert.ok('error' in broken);
});

test('a trace from the extension is drawn and listed; hops select their element; Clear tells the extension', async () => {
  let [state, effects] = await laidOut(...handleExtensionMessage(initialState(), show('lab-a', inputA), { layouts: {} }));
  const network = scenarioA();
  const result = trace(network, { from: 'netns1', to: '10.0.1.26', protocol: 'icmp', port: null });
  [state, effects] = handleExtensionMessage(state, { type: 'trace', result }, { layouts: {} });
  assert.equal(state.trace, result);
  assert.deepEqual(effects, [{ type: 'render' }]);
  // The hops the pane lists name elements of this layout; choosing one selects and centres it.
  const overlay = buildTraceOverlay(overlayModelOfLayout(state.base!), result);
  assert.equal(overlay.drop?.elementId, 'ns:host/netns1');
  const hop = overlay.hops[0].elementId!;
  [state, effects] = handleUserAction(state, { type: 'focus', id: hop });
  assert.equal(state.selected, hop);
  assert.deepEqual(effects, [{ type: 'highlight' }, { type: 'center', id: hop }]);
  assert.deepEqual(handleUserAction(state, { type: 'focus', id: 'ns:host/gone' })[1], [], 'an element no longer drawn is not selected');
  [state, effects] = handleUserAction(state, { type: 'clearTrace' });
  assert.equal(state.trace, null);
  assert.deepEqual(effects, [{ type: 'render' }, { type: 'post', message: { type: 'clearTrace' } }]);
});

test('"Trace from here…" is offered on namespaces and the host, and asks the extension with the element', async () => {
  const [state] = await laidOut(...handleExtensionMessage(initialState(), show('lab-a', inputA), { layouts: {} }));
  const flags = { canRevealInTree: false, canGoToSource: false };
  const ref = refOf(state, 'ns:host/netns2')!;
  assert.ok(menuItems(ref, {}, flags).some((i) => i.title === 'Trace from here…'));
  assert.ok(menuItems(refOf(state, 'host:host')!, {}, flags).some((i) => i.title === 'Trace from here…'));
  assert.ok(!menuItems(refOf(state, 'if:host/netns2/veth2-peer')!, {}, flags).some((i) => i.title === 'Trace from here…'));
  const [, effects] = handleUserAction(state, { type: 'menu', id: 'ns:host/netns2', action: { type: 'traceFrom' } });
  assert.deepEqual(effects, [{ type: 'post', message: { type: 'traceFrom', element: ref } }]);
  assert.deepEqual(handleUserAction(state, { type: 'traceFrom' })[1], [{ type: 'post', message: { type: 'traceFrom', element: null } }]);
});

test('trace messages are checked both ways: a malformed trace or source is refused', () => {
  const result = trace(scenarioA(), { from: 'netns2', to: 'netns3', protocol: 'icmp', port: null });
  assert.ok(isToWebviewMessage({ type: 'trace', result }));
  assert.ok(isToWebviewMessage({ type: 'trace', result: null }));
  assert.ok(!isToWebviewMessage({ type: 'trace', result: { ...result, hops: [{ host: 1 }] } }));
  assert.ok(!isToWebviewMessage({ type: 'trace', result: { ...result, drop: { reason: 'x' } } }));
  assert.ok(!isToWebviewMessage({ type: 'trace' }));
  assert.ok(isFromWebviewMessage({ type: 'traceFrom', element: null }));
  assert.ok(isFromWebviewMessage({ type: 'traceFrom', element: { kind: 'namespace', host: 'h', namespace: 'n' } }));
  assert.ok(!isFromWebviewMessage({ type: 'traceFrom', element: { kind: 'bogus', host: 'h' } }));
  assert.ok(!isFromWebviewMessage({ type: 'traceFrom' }));
  assert.ok(isFromWebviewMessage({ type: 'clearTrace' }));
});
