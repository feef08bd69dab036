// The Reachability Matrix panel: what it shows (every ordered pair of a host's namespaces, and the LAN, for
// ICMP) and the typed messages between the extension and its webview, checked on arrival like the topology
// panel's (protocol.ts): the webview renders host data and is not trusted.

/** One row and column of the grid: a namespace, or the LAN beyond the host's outward interface. */
export interface MatrixEndpoint {
  /** The name a trace takes: a namespace name, or the LAN's address. */
  name: string;
  /** What the grid shows: the namespace, or `LAN (10.0.1.1)`. */
  label: string;
  /** Its first address (the LAN's is an address of the subnet no namespace holds). */
  address: string | null;
  lan: boolean;
  /** Whether a live ping to it means something: a namespace's address, or the LAN's gateway (not a stand-in). */
  pingable: boolean;
}

/** The static verdict of one ordered pair (the trace engine, on the host's network as read). */
export type MatrixOutcome = 'reachable' | 'dropped' | 'uncertain' | 'n/a';

/** The live verdict of one ordered pair: a ping answered, or not; n/a where none can be sent. */
export type LiveOutcome = 'pass' | 'fail' | 'n/a';

export interface MatrixCell {
  from: string;
  to: string;
  outcome: MatrixOutcome;
  /** Why: the drop's reason, the assumption, or why there is no verdict. Empty when reachable. */
  why: string;
  live?: LiveOutcome;
}

export interface ReachabilityMatrix {
  host: string;
  endpoints: MatrixEndpoint[];
  /** Every ordered pair of different endpoints, row by row. */
  cells: MatrixCell[];
}

export type ToMatrixMessage =
  | { type: 'matrix'; matrix: ReachabilityMatrix }
  | { type: 'status'; text: string; busy: boolean };

export type FromMatrixMessage =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'verifyLive' }
  | { type: 'openTrace'; from: string; to: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown, max = 4096): value is string {
  return typeof value === 'string' && value.length <= max;
}

const OUTCOMES: readonly unknown[] = ['reachable', 'dropped', 'uncertain', 'n/a'];
const LIVE: readonly unknown[] = [undefined, 'pass', 'fail', 'n/a'];

function isMatrix(value: unknown): value is ReachabilityMatrix {
  if (!isObject(value) || !isText(value.host) || !Array.isArray(value.endpoints) || !Array.isArray(value.cells)) return false;
  const endpointsOk = value.endpoints.every((e) => isObject(e) && isText(e.name) && isText(e.label) && (e.address === null || isText(e.address)) && typeof e.lan === 'boolean' && typeof e.pingable === 'boolean');
  return endpointsOk && value.cells.every((c) => isObject(c) && isText(c.from) && isText(c.to) && OUTCOMES.includes(c.outcome) && isText(c.why, 65536) && LIVE.includes(c.live));
}

export function isToMatrixMessage(value: unknown): value is ToMatrixMessage {
  if (!isObject(value)) return false;
  if (value.type === 'matrix') return isMatrix(value.matrix);
  if (value.type === 'status') return isText(value.text, 65536) && typeof value.busy === 'boolean';
  return false;
}

export function isFromMatrixMessage(value: unknown): value is FromMatrixMessage {
  if (!isObject(value)) return false;
  switch (value.type) {
    case 'ready': case 'refresh': case 'verifyLive': return true;
    case 'openTrace': return isText(value.from) && isText(value.to);
    default: return false;
  }
}
