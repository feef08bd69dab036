import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleUserAction, initialState, type PanelState } from '../../webview/controller';
import {
  CLICK_SLOP, initialGestures, isDraggable, reduceGesture, ZOOM_IN, ZOOM_OUT,
  type GestureEffect, type GestureEvent, type GestureState, type PressTarget,
} from '../../webview/gestures';
import { toDiagram } from '../../webview/viewport';

const NAMESPACE_BOX: PressTarget = { id: 'ns:h/net1', kind: 'namespace', box: true };
const PORT: PressTarget = { id: 'if:h/net1/veth0', kind: 'interface', box: false };
const BACKGROUND: PressTarget = { id: null, kind: null, box: false };

/** Feeds events one after the other; the state at the end and the effects of each event. */
function play(events: GestureEvent[], from: GestureState = initialGestures()): { state: GestureState; effects: GestureEffect[][] } {
  let state = from;
  const effects: GestureEffect[][] = [];
  for (const event of events) {
    const result = reduceGesture(state, event);
    state = result.state;
    effects.push(result.effects);
  }
  return { state, effects };
}

const press = (x: number, y: number, target: PressTarget, button = 0): GestureEvent => ({ type: 'press', button, at: { x, y }, target });
const move = (x: number, y: number): GestureEvent => ({ type: 'move', at: { x, y } });
const release = (x: number, y: number): GestureEvent => ({ type: 'release', at: { x, y } });
const actions = (effects: GestureEffect[]) => effects.flatMap((e) => (e.type === 'action' ? [e.action] : []));

test('a press and release within the slop is a click that selects what was pressed', () => {
  const nearby = CLICK_SLOP - 1;
  const { state, effects } = play([press(100, 100, PORT), move(100 + nearby, 100), release(100 + nearby, 100)]);
  assert.deepEqual(effects[0], [{ type: 'capture' }], 'the press takes the pointer');
  assert.deepEqual(effects[1], [], 'a wobble inside the slop neither pans nor drags');
  assert.deepEqual(actions(effects[2]), [{ type: 'select', id: PORT.id }]);
  assert.equal(state.pointer.phase, 'idle');
  assert.deepEqual(state.view, initialGestures().view, 'a click does not move the view');
  // A click on a draggable box selects it too, and on the background selects nothing.
  assert.deepEqual(actions(play([press(5, 5, NAMESPACE_BOX), release(5, 5)]).effects[1]), [{ type: 'select', id: NAMESPACE_BOX.id }]);
  assert.deepEqual(actions(play([press(5, 5, BACKGROUND), release(5, 5)]).effects[1]), [{ type: 'select', id: null }]);
});

test('a press on a namespace box moved past the slop drags it; the release saves its offset in diagram units', () => {
  const zoomed: GestureState = { ...initialGestures(), view: { x: 40, y: -10, k: 2 } };
  const { state, effects } = play([press(100, 100, NAMESPACE_BOX), move(110, 100), move(130, 120), { type: 'frame' }, move(140, 130), release(150, 140)], zoomed);
  assert.deepEqual(effects[1], [{ type: 'requestFrame' }], 'past the slop the box starts to follow');
  assert.deepEqual(effects[2], [], 'moves in the same frame ask for no second frame');
  assert.deepEqual(effects[3], [{ type: 'preview', id: NAMESPACE_BOX.id, dx: 15, dy: 10 }], 'the frame draws the last move, at half the screen distance at zoom 2');
  assert.deepEqual(effects[4], [{ type: 'requestFrame' }]);
  // The drop is where the pointer let go; the frame still pending is not drawn.
  assert.deepEqual(effects[5], [{ type: 'panning', on: false }, { type: 'cancelFrame' }, { type: 'action', action: { type: 'moved', id: NAMESPACE_BOX.id, dx: 25, dy: 20 } }]);
  assert.equal(state.pointer.phase, 'idle');
  assert.deepEqual(state.view, zoomed.view, 'a drag does not pan');
  assert.ok(!effects.flat().some((e) => e.type === 'applyView'));

  // The controller adds the drop to the box's saved offset and sends the layout to the extension.
  const before: PanelState = { ...initialState(), labKey: 'lab', saved: { order: [], offsets: { [NAMESPACE_BOX.id!]: { dx: 1, dy: 2 } } } };
  const moved = actions(effects[5])[0];
  const [after, controllerEffects] = handleUserAction(before, moved);
  assert.deepEqual(after.saved.offsets[NAMESPACE_BOX.id!], { dx: 26, dy: 22 });
  assert.deepEqual(controllerEffects.find((e) => e.type === 'post'), { type: 'post', message: { type: 'saveLayout', labKey: 'lab', layout: after.saved } });
});

test('bridge, outside and host boxes drag; ports, lines and the background do not', () => {
  for (const kind of ['namespace', 'bridge', 'outside', 'host']) assert.ok(isDraggable({ id: `x:${kind}`, kind, box: true }), kind);
  assert.ok(!isDraggable(PORT));
  assert.ok(!isDraggable({ id: 'line:1', kind: 'namespace', box: false }), 'a line inside a namespace box is not the box');
  assert.ok(!isDraggable(BACKGROUND));
  // A drag that starts on a port pans the canvas instead, and selects nothing.
  const { effects } = play([press(0, 0, PORT), move(10, 0), release(10, 0)]);
  assert.equal(effects[1][0].type, 'panning');
  assert.deepEqual(actions(effects.flat()), []);
});

test('a press on the background moved past the slop pans by the whole way from the press, then step by step', () => {
  const { state, effects } = play([press(100, 100, BACKGROUND), move(104, 103)]);
  assert.deepEqual(effects[1], [{ type: 'panning', on: true }, { type: 'applyView' }]);
  assert.deepEqual(state.view, { x: 4, y: 3, k: 1 });
  const later = play([move(94, 123), release(90, 130)], state);
  assert.deepEqual(later.effects[0], [{ type: 'applyView' }]);
  assert.deepEqual(later.state.view, { x: -6, y: 23, k: 1 }, 'the release itself does not pan');
  assert.deepEqual(later.effects[1], [{ type: 'panning', on: false }], 'the end of a pan selects nothing');
  assert.equal(later.state.pointer.phase, 'idle');
  // The slop is the distance a click may wander: a move of exactly that far already pans.
  assert.equal(play([press(0, 0, BACKGROUND), move(0, CLICK_SLOP)]).state.pointer.phase, 'panning');
  assert.equal(play([press(0, 0, BACKGROUND), move(0, CLICK_SLOP - 0.1)]).state.pointer.phase, 'pressing');
});

test('the wheel zooms around the pointer: the point under it stays put', () => {
  const start: GestureState = { ...initialGestures(), view: { x: 30, y: 50, k: 1.5 } };
  const at = { x: 200, y: 120 };
  const under = toDiagram(start.view, at.x, at.y);
  const zoomIn = play([{ type: 'wheel', at, deltaY: -100, deltaMode: 0 }], start);
  assert.ok(zoomIn.state.view.k > start.view.k, 'scrolling up zooms in');
  const after = toDiagram(zoomIn.state.view, at.x, at.y);
  assert.ok(Math.abs(after.x - under.x) < 1e-9 && Math.abs(after.y - under.y) < 1e-9, 'the point under the pointer moved');
  assert.deepEqual(zoomIn.effects[0], [{ type: 'preventDefault' }, { type: 'applyView' }], 'the page does not scroll');
  assert.ok(play([{ type: 'wheel', at, deltaY: 100, deltaMode: 0 }], start).state.view.k < start.view.k, 'scrolling down zooms out');
  // A wheel that scrolls by lines moves a line's worth.
  const byLine = play([{ type: 'wheel', at, deltaY: 3, deltaMode: 1 }], start).state.view.k;
  const byPixel = play([{ type: 'wheel', at, deltaY: 3, deltaMode: 0 }], start).state.view.k;
  assert.ok(byLine < byPixel);
});

test('a cancelled drag is drawn back as saved and saves nothing; a frame after the end draws nothing', () => {
  const { state, effects } = play([press(0, 0, NAMESPACE_BOX), move(20, 0), { type: 'cancel' }, { type: 'frame' }]);
  assert.deepEqual(effects[2], [{ type: 'cancelFrame' }, { type: 'panning', on: false }, { type: 'redraw' }]);
  assert.deepEqual(effects[3], []);
  assert.equal(state.pointer.phase, 'idle');
  assert.deepEqual(actions(effects.flat()), []);
  // After a release the pointer is idle: moves neither pan nor drag.
  assert.deepEqual(play([press(0, 0, BACKGROUND), release(0, 0), move(50, 50)]).effects[2], []);
});

test('only the primary button starts a gesture', () => {
  const { state, effects } = play([press(0, 0, NAMESPACE_BOX, 2), move(30, 30), release(30, 30)]);
  assert.deepEqual(effects[0], []);
  assert.deepEqual(effects[1], []);
  assert.deepEqual(actions(effects[2]), [], 'a right-button release selects nothing (the context menu does)');
  assert.deepEqual(state.view, initialGestures().view);
});

test('a double-click on the background fits the diagram; on an element it does not', () => {
  assert.deepEqual(play([{ type: 'doubleClick', onElement: false }]).effects[0], [{ type: 'fit' }]);
  assert.deepEqual(play([{ type: 'doubleClick', onElement: true }]).effects[0], []);
});

test('keys: 0 fits, + and - zoom, Escape deselects, / and Ctrl+F go to the search box, which keeps its own keys', () => {
  const key = (k: string, ctrlOrMeta = false, inSearch = false) => play([{ type: 'key', key: k, ctrlOrMeta, inSearch }]).effects[0];
  assert.deepEqual(key('0'), [{ type: 'fit' }]);
  assert.deepEqual(key('+'), [{ type: 'zoomCenter', factor: ZOOM_IN }]);
  assert.deepEqual(key('='), [{ type: 'zoomCenter', factor: ZOOM_IN }]);
  assert.deepEqual(key('-'), [{ type: 'zoomCenter', factor: ZOOM_OUT }]);
  assert.ok(ZOOM_IN > 1 && ZOOM_OUT < 1);
  assert.deepEqual(key('Escape'), [{ type: 'action', action: { type: 'select', id: null } }]);
  assert.deepEqual(key('/'), [{ type: 'preventDefault' }, { type: 'focusSearch' }]);
  assert.deepEqual(key('F', true), [{ type: 'preventDefault' }, { type: 'focusSearch' }]);
  assert.deepEqual(key('f', true, true), [{ type: 'preventDefault' }, { type: 'focusSearch' }]);
  for (const typed of ['0', '+', '-', '/', 'Escape']) assert.deepEqual(key(typed, false, true), [], `${typed} typed in the search box`);
  assert.deepEqual(key('x'), []);
});
