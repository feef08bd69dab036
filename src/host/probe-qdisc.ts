// Root qdiscs as the probe reads them: the netlink reader's `Q` lines (probe-netlink-perl.ts) and, for
// the ip method, `tc -j qdisc show`. netem and tbf become the interface's impairment in the model's units;
// any other kind is named as it is, except those the kernel puts on an interface by itself. Pure.

import { DEFAULT_ROOT_QDISCS, IMPAIRMENT_QDISCS, isEmptyImpairment, type Impairment } from '../model/impairment';
import type { NetInterface } from '../model/topology';

export interface RawQdisc {
  /** ifindex of the interface the qdisc is the root of. */
  index: number;
  kind: string;
  /** netem's or tbf's settings; null for any other kind, or an impairment that changes nothing. */
  impairment: Impairment | null;
}

/** netem keeps probabilities as fractions of 2^32 - 1. */
const FULL = 0xffffffff;

function count(field: string | undefined): number | null {
  return field !== undefined && /^\d+$/.test(field) ? Number(field) : null;
}

function kindText(hex: string | undefined): string | null {
  if (hex === undefined || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** Only what is set: a zero is netem's "off". */
function put(impairment: Impairment, field: keyof Impairment, value: number | null): void {
  if (value !== null && value > 0) impairment[field] = value;
}

function percent(value: number | null): number | null {
  return value === null ? null : (value / FULL) * 100;
}

/** `Q index kind delay-ns jitter-ns delay-corr loss duplicate reorder corrupt rate-bytes` */
export function parseQdiscLine(f: readonly string[]): RawQdisc | null {
  const index = count(f[1]);
  const kind = kindText(f[2]);
  if (index === null || kind === null) return null;
  if (!IMPAIRMENT_QDISCS.has(kind)) return { index, kind, impairment: null };
  const impairment: Impairment = {};
  const micro = (field: string | undefined) => { const ns = count(field); return ns === null ? null : Math.round(ns / 1000); };
  put(impairment, 'delayUs', micro(f[3]));
  put(impairment, 'jitterUs', micro(f[4]));
  put(impairment, 'correlationPct', percent(count(f[5])));
  put(impairment, 'lossPct', percent(count(f[6])));
  put(impairment, 'duplicatePct', percent(count(f[7])));
  put(impairment, 'reorderPct', percent(count(f[8])));
  put(impairment, 'corruptPct', percent(count(f[9])));
  const rate = count(f[10]);
  put(impairment, 'rateBps', rate === null ? null : rate * 8);
  return { index, kind, impairment: isEmptyImpairment(impairment) ? null : impairment };
}

/** A number from tc's JSON, or null. */
function jsonNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function jsonObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/**
 * One qdisc of `tc -j qdisc show` (iproute2 6.x: times in seconds, probabilities as fractions, rates in
 * bytes per second), or null when it is not a root qdisc. tc names the interface, not its index.
 */
export function parseTcQdiscJson(entry: unknown): { dev: string; kind: string; impairment: Impairment | null } | null {
  const q = jsonObject(entry);
  if (q.root !== true || typeof q.dev !== 'string' || typeof q.kind !== 'string') return null;
  if (!IMPAIRMENT_QDISCS.has(q.kind)) return { dev: q.dev, kind: q.kind, impairment: null };
  const options = jsonObject(q.options);
  const impairment: Impairment = {};
  const delay = jsonObject(options.delay);
  const seconds = (value: unknown) => { const s = jsonNumber(value); return s === null ? null : Math.round(s * 1e6); };
  const fraction = (value: unknown) => { const f = jsonNumber(value); return f === null ? null : f * 100; };
  put(impairment, 'delayUs', seconds(delay.delay));
  put(impairment, 'jitterUs', seconds(delay.jitter));
  put(impairment, 'correlationPct', fraction(delay.correlation));
  put(impairment, 'lossPct', fraction(jsonObject(options['loss-random']).loss));
  put(impairment, 'duplicatePct', fraction(jsonObject(options.duplicate).duplicate));
  put(impairment, 'reorderPct', fraction(jsonObject(options.reorder).reorder));
  put(impairment, 'corruptPct', fraction(jsonObject(options.corrupt).corrupt));
  const rate = jsonNumber(jsonObject(options.rate).rate) ?? jsonNumber(options.rate);
  put(impairment, 'rateBps', rate === null ? null : rate * 8);
  return { dev: q.dev, kind: q.kind, impairment: isEmptyImpairment(impairment) ? null : impairment };
}

/** The fields of an interface that its root qdisc gives: its impairment, or the kind of a qdisc someone set. */
export function qdiscFields(qdisc: Pick<RawQdisc, 'kind' | 'impairment'> | undefined): Pick<NetInterface, 'impairment' | 'qdisc'> {
  if (!qdisc) return {};
  if (IMPAIRMENT_QDISCS.has(qdisc.kind)) return qdisc.impairment ? { impairment: qdisc.impairment } : {};
  return DEFAULT_ROOT_QDISCS.has(qdisc.kind) ? {} : { qdisc: qdisc.kind };
}
