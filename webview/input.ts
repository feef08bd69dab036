// The DOM side of the diagram's input: pointer, wheel, double-click and key events become GestureEvents
// (gestures.ts, where what they mean is decided); the context menu and the search box become calls.

import type { Chrome } from './chrome';
import type { GestureEvent, PressTarget } from './gestures';

export interface InputSink {
  /** `source` is the DOM event, for the effects that act on it (preventDefault). */
  gesture(event: GestureEvent, source: Event): void;
  contextMenu(id: string, x: number, y: number): void;
  search(query: string): void;
  nextMatch(): void;
}

/** The drawn element an event is on: the nearest ancestor with a data-id. */
function elementAt(target: EventTarget | null): Element | null {
  return target instanceof Element ? target.closest('[data-id]') : null;
}

function pressTarget(target: EventTarget | null): PressTarget {
  const hit = elementAt(target);
  return { id: hit?.getAttribute('data-id') ?? null, kind: hit?.getAttribute('data-kind') ?? null, box: hit?.classList.contains('vnet-box') ?? false };
}

function bindPointer(canvas: SVGSVGElement, sink: InputSink): void {
  // The press takes the pointer, so the pointerup's target is the canvas: what was hit is taken at pointerdown.
  canvas.addEventListener('pointerdown', (event) => {
    sink.gesture({ type: 'press', button: event.button, at: { x: event.clientX, y: event.clientY }, target: pressTarget(event.target) }, event);
  });
  canvas.addEventListener('pointermove', (event) => sink.gesture({ type: 'move', at: { x: event.clientX, y: event.clientY } }, event));
  canvas.addEventListener('pointerup', (event) => sink.gesture({ type: 'release', at: { x: event.clientX, y: event.clientY } }, event));
  canvas.addEventListener('pointercancel', (event) => sink.gesture({ type: 'cancel' }, event));
  canvas.addEventListener('wheel', (event) => {
    const rect = canvas.getBoundingClientRect();
    sink.gesture({ type: 'wheel', at: { x: event.clientX - rect.left, y: event.clientY - rect.top }, deltaY: event.deltaY, deltaMode: event.deltaMode }, event);
  }, { passive: false });
  canvas.addEventListener('dblclick', (event) => sink.gesture({ type: 'doubleClick', onElement: elementAt(event.target) !== null }, event));
  canvas.addEventListener('contextmenu', (event) => {
    event.preventDefault();
    const id = elementAt(event.target)?.getAttribute('data-id');
    if (id) sink.contextMenu(id, event.clientX, event.clientY);
  });
}

function bindSearch(chrome: Chrome, sink: InputSink): void {
  chrome.search.addEventListener('input', () => sink.search(chrome.search.value));
  chrome.search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') { event.preventDefault(); sink.nextMatch(); }
    if (event.key === 'Escape') { chrome.search.value = ''; sink.search(''); chrome.canvas.focus(); }
  });
}

export function bindInput(chrome: Chrome, sink: InputSink): void {
  bindPointer(chrome.canvas, sink);
  bindSearch(chrome, sink);
  document.addEventListener('keydown', (event) => {
    sink.gesture({ type: 'key', key: event.key, ctrlOrMeta: event.ctrlKey || event.metaKey, inSearch: event.target === chrome.search }, event);
  });
}
