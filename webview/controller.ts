// The webview's behaviour without the DOM: what each message from the extension, each laid-out diagram
// and each user action does to the panel's state, and which effects follow (lay out, draw, post, persist).
// app.ts carries the effects out; this file is where the behaviour is tested.

import { indexLayoutElements } from '../src/diagram/details';
import type { DiagramLayout } from '../src/diagram/layout';
import { searchDiagram } from '../src/diagram/search';
import { extendOrder, pruneOrder } from '../src/diagram/stable-order';
import { pruneOffsets } from '../src/diagram/user-positions';
import type {
  ContextMenus, DiagramInput, ElementRef, FromWebviewMessage, SavedLayout, ToWebviewMessage,
} from '../src/model/protocol';
import type { TraceResult } from '../src/trace/types';
import { copyText, type MenuAction } from './menu-model';

export interface PanelState {
  labKey: string | null;
  input: DiagramInput | null;
  menus: ContextMenus;
  canRevealInTree: boolean;
  canGoToSource: boolean;
  saved: SavedLayout;
  /** The diagram as elk laid it out, before the user's offsets. */
  base: DiagramLayout | null;
  selected: string | null;
  query: string;
  matches: string[];
  status: { state: 'loading' | 'ready' | 'error'; message?: string };
  /** An element the extension asked to select before the layout that holds it arrived. */
  pendingSelect: ElementRef | null;
  /** The trace drawn over the diagram, as the extension computed it. */
  trace: TraceResult | null;
}

export type Effect =
  | { type: 'layout'; input: DiagramInput; order: string[] }
  | { type: 'render' }
  | { type: 'highlight' }
  | { type: 'center'; id: string }
  | { type: 'fit' }
  | { type: 'post'; message: FromWebviewMessage }
  | { type: 'persist' };

export type UserAction =
  | { type: 'select'; id: string | null }
  | { type: 'moved'; id: string; dx: number; dy: number }
  | { type: 'resetPositions' }
  | { type: 'menu'; id: string; action: MenuAction }
  | { type: 'search'; query: string }
  | { type: 'nextMatch' }
  | { type: 'refresh' }
  /** The toolbar's Trace…: the extension asks for the source, destination and protocol. */
  | { type: 'traceFrom' }
  | { type: 'clearTrace' }
  /** A hop of the trace chosen in the details pane: select its element and bring it into view. */
  | { type: 'focus'; id: string };

const MAX_REMEMBERED = 5000;

function emptyLayout(): SavedLayout {
  return { offsets: {}, order: [] };
}

export function initialState(): PanelState {
  return {
    labKey: null, input: null, menus: {}, canRevealInTree: false, canGoToSource: false, saved: emptyLayout(),
    base: null, selected: null, query: '', matches: [], status: { state: 'loading' }, pendingSelect: null, trace: null,
  };
}

/**
 * What the webview remembers across hide/show and window reloads (vscode.setState): the layouts of the labs
 * it showed, and the key of the source it shows, from which the extension opens the panel again after a reload.
 */
export interface WebviewMemory {
  layouts: Record<string, SavedLayout>;
  shown?: string;
}

function refMatches(a: ElementRef, b: ElementRef): boolean {
  return a.kind === b.kind && a.host === b.host && (a.namespace ?? null) === (b.namespace ?? null) &&
    (a.interface ?? null) === (b.interface ?? null) && (a.route ?? null) === (b.route ?? null) && (a.rule ?? null) === (b.rule ?? null);
}

/** The id of the element a reference names in a layout, if it is drawn. */
function findByRef(layout: DiagramLayout, ref: ElementRef): string | null {
  for (const [id, element] of indexLayoutElements(layout)) if (refMatches(element.ref, ref)) return id;
  return null;
}

export function refOf(state: PanelState, id: string): ElementRef | null {
  if (!state.base) return null;
  return indexLayoutElements(state.base).get(id)?.ref ?? null;
}

export function handleExtensionMessage(state: PanelState, message: ToWebviewMessage, memory: WebviewMemory): [PanelState, Effect[]] {
  switch (message.type) {
    case 'show': {
      const sameLab = state.labKey === message.labKey;
      // The webview's own copy is the newest (it may not have reached the extension yet); then the extension's.
      const saved = sameLab ? state.saved : memory.layouts[message.labKey] ?? message.layout ?? emptyLayout();
      const next: PanelState = {
        ...state,
        labKey: message.labKey,
        input: message.input,
        menus: message.menus,
        canRevealInTree: message.canRevealInTree,
        canGoToSource: message.canGoToSource,
        saved,
        base: sameLab ? state.base : null,
        selected: sameLab ? state.selected : null,
        status: sameLab && state.base ? state.status : { state: 'loading' },
      };
      return [next, [{ type: 'layout', input: message.input, order: saved.order }]];
    }
    case 'status':
      return [{ ...state, status: { state: message.state, message: message.message } }, [{ type: 'render' }]];
    case 'select': {
      const id = state.base ? findByRef(state.base, message.element) : null;
      if (!id) return [{ ...state, pendingSelect: message.element }, []];
      return [{ ...state, selected: id, pendingSelect: null }, [{ type: 'highlight' }, { type: 'center', id }]];
    }
    case 'trace':
      return [{ ...state, trace: message.result }, [{ type: 'render' }]];
  }
}

export function handleLayout(state: PanelState, layout: DiagramLayout, ids: string[]): [PanelState, Effect[]] {
  const first = state.base === null;
  const alive = new Set(ids);
  // Positions of elements that are gone for now are kept (a namespace being re-created comes back where
  // the user put it), until the list grows past a bound.
  const offsets = Object.keys(state.saved.offsets).length > MAX_REMEMBERED ? pruneOffsets(state.saved.offsets, alive) : state.saved.offsets;
  const saved: SavedLayout = { order: pruneOrder(extendOrder(state.saved.order, ids), alive, MAX_REMEMBERED), offsets };
  let next: PanelState = { ...state, base: layout, saved, status: { state: 'ready' } };
  const index = indexLayoutElements(layout);
  if (next.selected && !index.has(next.selected)) next.selected = null;
  next.matches = next.query ? searchDiagram(layout, next.query) : [];
  const effects: Effect[] = [{ type: 'render' }];
  if (first) effects.push({ type: 'fit' });
  if (state.pendingSelect) {
    const id = findByRef(layout, state.pendingSelect);
    if (id) { next = { ...next, selected: id, pendingSelect: null }; effects.push({ type: 'center', id }); }
  }
  if (saved.order.length !== state.saved.order.length && next.labKey) {
    effects.push({ type: 'persist' }, { type: 'post', message: { type: 'saveLayout', labKey: next.labKey, layout: saved } });
  }
  return [next, effects];
}

export function handleUserAction(state: PanelState, action: UserAction): [PanelState, Effect[]] {
  switch (action.type) {
    case 'select':
      return [{ ...state, selected: action.id }, [{ type: 'highlight' }]];
    case 'moved': {
      if (!state.labKey || (!action.dx && !action.dy)) return [state, []];
      const previous = state.saved.offsets[action.id] ?? { dx: 0, dy: 0 };
      const offsets = { ...state.saved.offsets, [action.id]: { dx: previous.dx + action.dx, dy: previous.dy + action.dy } };
      const saved = { ...state.saved, offsets };
      return [{ ...state, saved }, [{ type: 'render' }, { type: 'persist' }, { type: 'post', message: { type: 'saveLayout', labKey: state.labKey, layout: saved } }]];
    }
    case 'resetPositions': {
      if (!state.labKey) return [state, []];
      const saved = { ...state.saved, offsets: {} };
      return [{ ...state, saved }, [{ type: 'render' }, { type: 'fit' }, { type: 'persist' }, { type: 'post', message: { type: 'saveLayout', labKey: state.labKey, layout: saved } }]];
    }
    case 'menu': {
      const ref = refOf(state, action.id);
      if (!ref) return [state, []];
      const a = action.action;
      const message: FromWebviewMessage = a.type === 'command' ? { type: 'command', command: a.command, element: ref }
        : a.type === 'copy' ? { type: 'copy', text: a.text || copyText(ref) }
          : { type: a.type, element: ref };
      return [state, [{ type: 'post', message }]];
    }
    case 'search': {
      const matches = state.base ? searchDiagram(state.base, action.query) : [];
      const next = { ...state, query: action.query, matches };
      return [next, [{ type: 'highlight' }, ...(matches.length ? [{ type: 'center', id: matches[0] } as Effect] : [])]];
    }
    case 'nextMatch': {
      if (!state.matches.length) return [state, []];
      const at = state.selected ? state.matches.indexOf(state.selected) : -1;
      const id = state.matches[(at + 1) % state.matches.length];
      return [{ ...state, selected: id }, [{ type: 'highlight' }, { type: 'center', id }]];
    }
    case 'refresh':
      return [state, [{ type: 'post', message: { type: 'refresh' } }]];
    case 'traceFrom':
      return [state, [{ type: 'post', message: { type: 'traceFrom', element: null } }]];
    case 'clearTrace':
      return [{ ...state, trace: null }, [{ type: 'render' }, { type: 'post', message: { type: 'clearTrace' } }]];
    case 'focus':
      if (!state.base || !indexLayoutElements(state.base).has(action.id)) return [state, []];
      return [{ ...state, selected: action.id }, [{ type: 'highlight' }, { type: 'center', id: action.id }]];
  }
}
