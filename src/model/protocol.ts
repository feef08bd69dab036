// The one typed message protocol between the extension (src/extension/topology) and the topology webview
// (webview/). Both sides import these types, and each side checks what it receives with the guards below:
// a webview is a separate process that renders untrusted host data, so nothing it posts is taken on trust.

import type { Topology } from './topology';
// Type only: a trace travels as plain data (docs/trace.md); the model does not run the engine.
import type { TraceResult } from './trace-result';

/** What a diagram element is; the tree view uses the same kinds for its context menus. */
export type ElementKind = 'host' | 'namespace' | 'bridge' | 'interface' | 'link' | 'route' | 'nat' | 'outside';

const ELEMENT_KINDS: readonly ElementKind[] = ['host', 'namespace', 'bridge', 'interface', 'link', 'route', 'nat', 'outside'];

/** Names one element of a network, the way the tree view and the .vnet file name it. */
export interface ElementRef {
  kind: ElementKind;
  /** The host as the diagram names it (the lab's host name, or the host target for a live view). */
  host: string;
  namespace?: string;
  /** Interface or bridge name. */
  interface?: string;
  /** For a veth link: the other end. */
  peer?: { namespace: string; interface: string };
  /** Route destination (`default` or a CIDR). */
  route?: string;
  /** NAT rule as iptables-save prints it. */
  rule?: string;
}

/** One host of a diagram: its desired state (from a .vnet file), its live state (from the host), or both. */
export interface DiagramHostInput {
  name: string;
  desired?: Topology | null;
  live?: Topology | null;
}

/** Everything a diagram is drawn from. Desired only, live only, or both (a drift view). */
export interface DiagramInput {
  title: string;
  hosts: DiagramHostInput[];
}

/** A position the user dragged an element to, as an offset from where the layout put it. */
export interface UserOffset {
  dx: number;
  dy: number;
}

/** What is remembered per lab so that refreshes and reopenings keep the picture in place. */
export interface SavedLayout {
  offsets: Record<string, UserOffset>;
  /** Element ids in first-seen order: new elements are appended, so old ones keep their places. */
  order: string[];
}

export interface MenuCommand {
  /** A VS Code command id, run with the element as its argument. */
  command: string;
  title: string;
}

export type ContextMenus = Partial<Record<ElementKind, MenuCommand[]>>;

// ---- extension → webview ----

export interface ShowMessage {
  type: 'show';
  /** Layouts are remembered per key (lab, host or file). */
  labKey: string;
  input: DiagramInput;
  layout: SavedLayout | null;
  menus: ContextMenus;
  canRevealInTree: boolean;
  canGoToSource: boolean;
}

export interface StatusMessage {
  type: 'status';
  state: 'loading' | 'ready' | 'error';
  message?: string;
}

/** Asks the webview to select (and center) an element, e.g. from the tree's "Show in Topology". */
export interface SelectMessage {
  type: 'select';
  element: ElementRef;
}

/** A trace to draw on the diagram (null clears it). The extension runs the engine on what the panel shows. */
export interface TraceMessage {
  type: 'trace';
  result: TraceResult | null;
}

export type ToWebviewMessage = ShowMessage | StatusMessage | SelectMessage | TraceMessage;

// ---- webview → extension ----

export type FromWebviewMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'revealInTree'; element: ElementRef }
  | { type: 'goToSource'; element: ElementRef }
  | { type: 'command'; command: string; element: ElementRef }
  | { type: 'copy'; text: string }
  | { type: 'saveLayout'; labKey: string; layout: SavedLayout }
  | { type: 'export'; format: 'svg'; text: string }
  | { type: 'export'; format: 'png'; base64: string }
  | { type: 'error'; message: string }
  /** "Trace from here…" (element: the source) or the toolbar's Trace… (null: the extension asks for it too). */
  | { type: 'traceFrom'; element: ElementRef | null }
  | { type: 'clearTrace' };

// ---- guards ----

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isString(value: unknown, max = 1 << 20): value is string {
  return typeof value === 'string' && value.length <= max;
}

function optionalString(value: unknown): boolean {
  return value === undefined || isString(value, 4096);
}

function isElementRef(value: unknown): value is ElementRef {
  if (!isObject(value)) return false;
  if (!ELEMENT_KINDS.includes(value.kind as ElementKind) || !isString(value.host, 4096)) return false;
  if (!optionalString(value.namespace) || !optionalString(value.interface) || !optionalString(value.route) || !optionalString(value.rule)) return false;
  if (value.peer !== undefined && !(isObject(value.peer) && isString(value.peer.namespace, 4096) && isString(value.peer.interface, 4096))) return false;
  return true;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

export function isSavedLayout(value: unknown): value is SavedLayout {
  if (!isObject(value) || !isObject(value.offsets) || !Array.isArray(value.order)) return false;
  if (!value.order.every((id) => isString(id, 8192))) return false;
  return Object.values(value.offsets).every((o) => isObject(o) && isFiniteNumber(o.dx) && isFiniteNumber(o.dy));
}

/** Command ids the webview may ask for look like VS Code command ids; anything else is refused. */
const COMMAND_ID = /^[A-Za-z][\w.-]{0,127}$/;

/** Checks a message posted by the webview before the extension acts on it. */
export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready': case 'refresh': return true;
    case 'revealInTree': case 'goToSource': return isElementRef(value.element);
    case 'command': return isString(value.command, 128) && COMMAND_ID.test(value.command) && isElementRef(value.element);
    case 'copy': return isString(value.text, 65536);
    case 'saveLayout': return isString(value.labKey, 4096) && isSavedLayout(value.layout);
    case 'export':
      if (value.format === 'svg') return isString(value.text, 64 << 20);
      if (value.format === 'png') return isString(value.base64, 128 << 20) && /^[A-Za-z0-9+/=]*$/.test(value.base64);
      return false;
    case 'error': return isString(value.message, 65536);
    case 'traceFrom': return value.element === null || isElementRef(value.element);
    case 'clearTrace': return true;
    default: return false;
  }
}

function isNullableString(value: unknown): boolean {
  return value === null || isString(value, 65536);
}

function isTraceHopShape(value: unknown): boolean {
  return isObject(value) && isString(value.host, 4096) && isString(value.namespace, 4096) && isString(value.step, 64) &&
    isNullableString(value.interface) && isString(value.packet, 65536) && isString(value.says, 65536) && isNullableString(value.by);
}

/** The parts of a trace the webview reads, checked so that a malformed one cannot break the drawing. */
function isTraceResultShape(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.question) || typeof value.reachable !== 'boolean' || typeof value.uncertain !== 'boolean') return false;
  const q = value.question;
  if (!isString(q.from, 4096) || !isString(q.to, 4096) || !isString(q.protocol, 8) || !(q.port === null || isFiniteNumber(q.port))) return false;
  if (!Array.isArray(value.hops) || !Array.isArray(value.reply) || !Array.isArray(value.assumptions)) return false;
  if (!value.hops.every(isTraceHopShape) || !value.reply.every(isTraceHopShape)) return false;
  if (!value.assumptions.every((a) => isObject(a) && isString(a.namespace, 4096) && isString(a.assumed, 65536))) return false;
  const drop = value.drop;
  return drop === null || (isObject(drop) && isString(drop.host, 4096) && isString(drop.namespace, 4096) && isNullableString(drop.interface) &&
    isString(drop.reason, 65536) && isNullableString(drop.rule) && (drop.direction === 'request' || drop.direction === 'reply'));
}

/** Checks a message from the extension before the webview acts on it (shape only; content stays untrusted text). */
export function isToWebviewMessage(value: unknown): value is ToWebviewMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'show':
      return isString(value.labKey, 4096) && isObject(value.input) && Array.isArray(value.input.hosts) &&
        (value.layout === null || isSavedLayout(value.layout)) && isObject(value.menus);
    case 'status': return value.state === 'loading' || value.state === 'ready' || value.state === 'error';
    case 'select': return isElementRef(value.element);
    case 'trace': return value.result === null || isTraceResultShape(value.result);
    default: return false;
  }
}
