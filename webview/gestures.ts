// The diagram's pointer, wheel and keyboard input as a state machine without the DOM. A press becomes a click,
// a drag of a box or a pan of the canvas once the pointer has moved past CLICK_SLOP; the release selects, drops
// or just ends the pan. app.ts turns DOM events into GestureEvents and carries out the GestureEffects; this
// file is where the gestures are tested.

import type { UserAction } from './controller';
import { panBy, zoomAt, type View } from './viewport';

/** How far (in screen pixels) a press may wander and still be a click. */
export const CLICK_SLOP = 3;

/** The kinds of box a person may move; ports, links and lines move with their box. */
const DRAGGABLE_KINDS = new Set(['namespace', 'bridge', 'outside', 'host']);

export interface Point {
  x: number;
  y: number;
}

/** What a press landed on: the nearest element's data-id and data-kind, and whether that element is a box. */
export interface PressTarget {
  id: string | null;
  kind: string | null;
  box: boolean;
}

export type Pointer =
  | { phase: 'idle' }
  /** Down, not yet past the slop: a release now clicks `hit`; a move past it drags `dragId`, or pans without one. */
  | { phase: 'pressing'; hit: string | null; dragId: string | null; start: Point }
  /** A box follows the pointer; it is drawn moved once per animation frame and saved where it is dropped. */
  | { phase: 'dragging'; id: string; start: Point; last: Point; framePending: boolean }
  | { phase: 'panning'; last: Point };

export interface GestureState {
  /** Pan and zoom of the drawing (viewport.ts). */
  view: View;
  pointer: Pointer;
}

export type GestureEvent =
  | { type: 'press'; button: number; at: Point; target: PressTarget }
  | { type: 'move'; at: Point }
  /** The animation frame a drag asked for has come. */
  | { type: 'frame' }
  | { type: 'release'; at: Point }
  | { type: 'cancel' }
  /** `at` is relative to the canvas; `deltaMode` as in WheelEvent (1: lines, else pixels). */
  | { type: 'wheel'; at: Point; deltaY: number; deltaMode: number }
  | { type: 'doubleClick'; onElement: boolean }
  | { type: 'key'; key: string; ctrlOrMeta: boolean; inSearch: boolean };

export type GestureEffect =
  /** Keep the pointer's later events on the canvas (the release's target is then the canvas) and focus it. */
  | { type: 'capture' }
  /** The state's view changed: show it. */
  | { type: 'applyView' }
  /** Show the grabbing cursor, or stop showing it. */
  | { type: 'panning'; on: boolean }
  | { type: 'requestFrame' }
  | { type: 'cancelFrame' }
  /** Draw the diagram with one box moved by (dx, dy) diagram units on top of its saved offset. */
  | { type: 'preview'; id: string; dx: number; dy: number }
  /** Draw the diagram as saved. */
  | { type: 'redraw' }
  | { type: 'action'; action: UserAction }
  | { type: 'fit' }
  | { type: 'zoomCenter'; factor: number }
  | { type: 'focusSearch' }
  | { type: 'preventDefault' };

export interface GestureResult {
  state: GestureState;
  effects: GestureEffect[];
}

/** The zoom of one step of the keyboard or the toolbar. */
export const ZOOM_IN = 1.25;
export const ZOOM_OUT = 0.8;

export function initialGestures(): GestureState {
  return { view: { x: 0, y: 0, k: 1 }, pointer: { phase: 'idle' } };
}

export function isDraggable(target: PressTarget): boolean {
  return target.id !== null && target.box && DRAGGABLE_KINDS.has(target.kind ?? '');
}

export function reduceGesture(state: GestureState, event: GestureEvent): GestureResult {
  switch (event.type) {
    case 'press': return press(state, event.button, event.at, event.target);
    case 'move': return move(state, event.at);
    case 'frame': return frame(state);
    case 'release': return release(state, event.at);
    case 'cancel':
      return { state: { ...state, pointer: { phase: 'idle' } }, effects: [...cancelPendingFrame(state.pointer), { type: 'panning', on: false }, { type: 'redraw' }] };
    case 'wheel': return wheel(state, event.at, event.deltaY, event.deltaMode);
    case 'doubleClick': return { state, effects: event.onElement ? [] : [{ type: 'fit' }] };
    case 'key': return { state, effects: keyEffects(event.key, event.ctrlOrMeta, event.inSearch) };
  }
}

function press(state: GestureState, button: number, at: Point, target: PressTarget): GestureResult {
  if (button !== 0) return { state, effects: [] };
  const pointer: Pointer = { phase: 'pressing', hit: target.id, dragId: isDraggable(target) ? target.id : null, start: at };
  return { state: { ...state, pointer }, effects: [...cancelPendingFrame(state.pointer), { type: 'capture' }] };
}

function move(state: GestureState, at: Point): GestureResult {
  const pointer = state.pointer;
  switch (pointer.phase) {
    case 'idle':
      return { state, effects: [] };
    case 'pressing': {
      if (Math.hypot(at.x - pointer.start.x, at.y - pointer.start.y) < CLICK_SLOP) return { state, effects: [] };
      if (pointer.dragId === null) {
        // The first step of a pan covers the whole way from the press.
        const panned = panFrom(state, pointer.start, at);
        return { state: panned.state, effects: [{ type: 'panning', on: true }, ...panned.effects] };
      }
      const dragging: Pointer = { phase: 'dragging', id: pointer.dragId, start: pointer.start, last: at, framePending: true };
      return { state: { ...state, pointer: dragging }, effects: [{ type: 'requestFrame' }] };
    }
    case 'panning':
      return panFrom(state, pointer.last, at);
    case 'dragging': {
      // Many moves may come in one frame: the frame draws the last of them.
      const dragging: Pointer = { ...pointer, last: at, framePending: true };
      return { state: { ...state, pointer: dragging }, effects: pointer.framePending ? [] : [{ type: 'requestFrame' }] };
    }
  }
}

function panFrom(state: GestureState, from: Point, to: Point): GestureResult {
  const view = panBy(state.view, to.x - from.x, to.y - from.y);
  return { state: { view, pointer: { phase: 'panning', last: to } }, effects: [{ type: 'applyView' }] };
}

function frame(state: GestureState): GestureResult {
  const pointer = state.pointer;
  if (pointer.phase !== 'dragging' || !pointer.framePending) return { state, effects: [] };
  const { dx, dy } = diagramDistance(state.view, pointer.start, pointer.last);
  return { state: { ...state, pointer: { ...pointer, framePending: false } }, effects: [{ type: 'preview', id: pointer.id, dx, dy }] };
}

function release(state: GestureState, at: Point): GestureResult {
  const pointer = state.pointer;
  const idle: GestureState = { ...state, pointer: { phase: 'idle' } };
  const effects: GestureEffect[] = [{ type: 'panning', on: false }];
  if (pointer.phase === 'pressing') {
    effects.push({ type: 'action', action: { type: 'select', id: pointer.hit } });
  } else if (pointer.phase === 'dragging') {
    // The drop is where the pointer let go, whether or not a frame drew it there.
    effects.push(...cancelPendingFrame(pointer), { type: 'action', action: { type: 'moved', id: pointer.id, ...diagramDistance(state.view, pointer.start, at) } });
  }
  return { state: idle, effects };
}

function cancelPendingFrame(pointer: Pointer): GestureEffect[] {
  return pointer.phase === 'dragging' && pointer.framePending ? [{ type: 'cancelFrame' }] : [];
}

/** A distance on screen, in the drawing's own units at the current zoom. */
function diagramDistance(view: View, from: Point, to: Point): { dx: number; dy: number } {
  return { dx: (to.x - from.x) / view.k, dy: (to.y - from.y) / view.k };
}

function wheel(state: GestureState, at: Point, deltaY: number, deltaMode: number): GestureResult {
  // A line of a wheel that scrolls by lines is worth about 33 pixels.
  const factor = Math.exp(-deltaY * (deltaMode === 1 ? 0.05 : 0.0015));
  return { state: { ...state, view: zoomAt(state.view, factor, at.x, at.y) }, effects: [{ type: 'preventDefault' }, { type: 'applyView' }] };
}

function keyEffects(key: string, ctrlOrMeta: boolean, inSearch: boolean): GestureEffect[] {
  if (ctrlOrMeta && key.toLowerCase() === 'f') return [{ type: 'preventDefault' }, { type: 'focusSearch' }];
  // Typing in the search box is text, not commands.
  if (inSearch) return [];
  switch (key) {
    case '0': return [{ type: 'fit' }];
    case '+': case '=': return [{ type: 'zoomCenter', factor: ZOOM_IN }];
    case '-': return [{ type: 'zoomCenter', factor: ZOOM_OUT }];
    case 'Escape': return [{ type: 'action', action: { type: 'select', id: null } }];
    case '/': return [{ type: 'preventDefault' }, { type: 'focusSearch' }];
    default: return [];
  }
}
