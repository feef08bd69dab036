// An expectation a lab file states about reachability (`expect` in .vnet files, docs/language.md): the
// question a trace answers, and the answer the file's author claims. Plain data, shared by the language
// (which writes it), the trace engine (which judges it statically) and `vnet test` (which checks it live).

import type { TraceProtocol } from './trace-result';

export type ExpectProtocol = TraceProtocol;

export interface Expectation {
  /** A namespace (`host` for the root one, `HOST/NS` in a lab of several hosts), or an outside address. */
  from: string;
  /** A namespace (its first address), an address, or `host` for the root namespace. */
  to: string;
  protocol: ExpectProtocol;
  /** The destination port, for tcp and udp. */
  port: number | null;
  /** True: the round trip must work. False: it must not. */
  reaches: boolean;
  /** Where the request must land after NAT (`lands on netns2:80`), or null for anywhere at the target. */
  landsOn: { namespace: string; port: number | null } | null;
  /** The statement as the file says it, for reports: `expect red reaches blue tcp 80`. */
  text: string;
  /** Zero-based line of the statement in its file, or null when it does not come from a file. */
  line: number | null;
}
