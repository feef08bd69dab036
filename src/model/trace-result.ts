// The question a trace answers and the shape of its answer (src/trace). Plain data: it is also what
// `vnet trace --json` prints (docs/trace.md) and what the webview protocol carries.

export type TraceProtocol = 'icmp' | 'tcp' | 'udp';

export interface TraceQuestion {
  /** A namespace name (`host`, `red`, or `HOST/NS` in a lab), or an address outside the host. */
  from: string;
  /** An address, or a namespace name (meaning its first address). */
  to: string;
  protocol: TraceProtocol;
  /** The destination port, for tcp and udp. */
  port: number | null;
}

/** Which part of the kernel's path a hop is about. */
export type TraceStep =
  | 'enter' | 'local' | 'nat-prerouting' | 'nat-output' | 'route' | 'rp_filter' | 'ip_forward'
  | 'filter-input' | 'filter-forward' | 'filter-output' | 'nat-postrouting' | 'conntrack' | 'link' | 'bridge'
  | 'deliver' | 'leave';

export interface TraceHop {
  host: string;
  namespace: string;
  step: TraceStep;
  /** The interface the hop is about (in or out), where there is one. */
  interface: string | null;
  /** The packet as it is at this hop: `tcp 10.0.1.26 → 172.16.0.102:80`. */
  packet: string;
  /** What happened, in words. */
  says: string;
  /** What decided it, quoted: a rule as iptables-save or nft prints it, a route, a sysctl. */
  by: string | null;
}

export interface TraceDrop {
  host: string;
  namespace: string;
  interface: string | null;
  reason: string;
  /** The rule, route or sysctl that dropped it, quoted; null when nothing but the absence of something did. */
  rule: string | null;
  /** Whether the request or its reply was dropped. */
  direction: 'request' | 'reply';
}

export interface TraceDelivery {
  host: string;
  namespace: string;
  address: string;
  port: number | null;
}

/** A rule or fact the engine could not evaluate, and what it assumed instead. */
export interface TraceAssumption {
  host: string;
  namespace: string;
  rule: string;
  assumed: string;
}

/** Delay that impairments (netem) on the path add, summed each way; jitter and rates are left out. */
export interface TraceLatency {
  /** Microseconds the request is delayed, from its source to where it lands or leaves the host. */
  requestUs: number;
  /** Microseconds the reply is delayed on its way back. */
  replyUs: number;
  /** The interfaces that add it, in path order: `NS:IFACE` (`HOST/NS:IFACE` in a lab over several hosts). */
  by: string[];
}

export interface TraceResult {
  question: TraceQuestion & { fromAddress: string | null; toAddress: string };
  /** The round trip works: the request lands and its reply comes back. */
  reachable: boolean;
  /** Some rule or fact on the path was not evaluated; `assumptions` says which and what was assumed. */
  uncertain: boolean;
  deliveredTo: TraceDelivery | null;
  /** Where the request left the host, when its destination is outside. */
  leftBy: { host: string; namespace: string; interface: string; source: string } | null;
  drop: TraceDrop | null;
  hops: TraceHop[];
  reply: TraceHop[];
  assumptions: TraceAssumption[];
  /** What the impairments on the path add to it (zeros when none). */
  latency: TraceLatency;
}
