// A trace in words, for the terminal: one line per hop with what decided it, the reply, then the verdict.

import { formatImpairmentValue } from '../model/impairment';
import type { TraceHop, TraceResult } from './types';

/** `ns iface`, or `host/ns iface` when the trace crosses several hosts of a lab. */
function hopLine(hop: TraceHop, withHost: boolean): string {
  const where = `${withHost ? `${hop.host}/` : ''}${hop.namespace}${hop.interface ? ` ${hop.interface}` : ''}`;
  return `  ${where}: ${hop.says}  [${hop.packet}]${hop.by ? `\n      by: ${hop.by}` : ''}`;
}

/** `; impairments add 40ms to the round trip (20ms there, 20ms back)`, or nothing when they add none. */
function latencyWords(result: TraceResult): string {
  const { requestUs, replyUs } = result.latency;
  if (requestUs + replyUs === 0) return '';
  const time = (us: number) => formatImpairmentValue('delay', us);
  return `; impairments add ${time(requestUs + replyUs)} to the round trip (${time(requestUs)} there, ${time(replyUs)} back)`;
}

export function verdictLine(result: TraceResult): string {
  const assumed = result.uncertain ? ' (uncertain: see the assumptions)' : '';
  if (result.reachable) {
    const d = result.deliveredTo;
    const where = d ? `lands in ${d.namespace} at ${d.address}${d.port !== null ? `:${d.port}` : ''}` : `leaves the host by ${result.leftBy?.interface} from ${result.leftBy?.source}`;
    return `reachable: ${where}, and the reply comes back${latencyWords(result)}${assumed}`;
  }
  const drop = result.drop;
  if (!drop) return `not reachable${assumed}`;
  const rule = drop.rule ? ` — ${drop.rule}` : '';
  return `dropped${drop.direction === 'reply' ? ' on the way back' : ''} in ${drop.namespace}${drop.interface ? ` at ${drop.interface}` : ''}: ${drop.reason}${rule}${assumed}`;
}

export function renderTrace(result: TraceResult): string {
  const q = result.question;
  const lines = [`trace ${q.protocol}${q.port !== null ? ` ${q.port}` : ''} from ${q.from}${q.fromAddress && q.fromAddress !== q.from ? ` (${q.fromAddress})` : ''} to ${q.to}${q.toAddress !== q.to ? ` (${q.toAddress})` : ''}`];
  const withHost = new Set([...result.hops, ...result.reply].map((h) => h.host)).size > 1;
  lines.push('request:', ...result.hops.map((h) => hopLine(h, withHost)));
  if (result.reply.length) lines.push('reply:', ...result.reply.map((h) => hopLine(h, withHost)));
  for (const a of result.assumptions) lines.push(`assumed in ${a.namespace}: ${a.assumed}\n      rule: ${a.rule}`);
  lines.push(verdictLine(result));
  return `${lines.join('\n')}\n`;
}
