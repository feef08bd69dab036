// What the sender of a live check saw (live-script.ts prints it): ping's count of answers, or the TCP
// connect's / UDP round trip's outcome. Pure.

import { VnetError } from '../model/errors';
import { LIVE_MARK, SENDER_WAIT_SEC } from './live-script';
import type { ExecResult } from './transport';

export interface SenderOutcome {
  /** The round trip worked. */
  reachable: boolean;
  /** In words: `ping: 3 of 3 answered`, `tcp: connected`, `udp: no answer within 5 s`. */
  evidence: string;
  /** Nothing came back at all (a UDP datagram with no answer). */
  silent: boolean;
}

function markedLine(stdout: string, word: string): string | null {
  const prefix = `${LIVE_MARK} ${word}`;
  const line = stdout.split('\n').find((l) => l === prefix || l.startsWith(`${prefix} `));
  return line === undefined ? null : line.slice(prefix.length).trim();
}

function missing(output: ExecResult): VnetError {
  const said = (output.stderr || output.stdout).trim().split('\n').slice(-2).join(' ') || `exit status ${output.exitCode}`;
  return new VnetError('VN-LIVE-TOOL', `The live check could not send the packet (${said}). It needs ping, perl and nsenter on the host.`);
}

function pingOutcome(output: ExecResult): SenderOutcome {
  const exit = markedLine(output.stdout, 'ping-exit');
  if (exit === null) throw missing(output);
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(output.stdout);
  if (counts) {
    const answered = Number(counts[2]);
    return { reachable: answered > 0, evidence: `ping: ${answered} of ${counts[1]} answered`, silent: answered === 0 };
  }
  if (exit === '127') throw missing(output);
  const said = output.stdout.split('\n').find((l) => l.trim() && !l.startsWith(LIVE_MARK))?.trim() ?? `exit status ${exit}`;
  return { reachable: false, evidence: `ping: ${said.replace(/^ping: /, '')}`, silent: false };
}

export function readSenderOutput(protocol: 'icmp' | 'tcp' | 'udp', output: ExecResult): SenderOutcome {
  if (protocol === 'icmp') return pingOutcome(output);
  if (markedLine(output.stdout, 'connected') !== null) return { reachable: true, evidence: 'tcp: connected', silent: false };
  if (markedLine(output.stdout, 'answered') !== null) return { reachable: true, evidence: 'udp: answered', silent: false };
  if (markedLine(output.stdout, 'no-answer') !== null) return { reachable: false, evidence: `udp: no answer within ${SENDER_WAIT_SEC} s`, silent: true };
  const failed = markedLine(output.stdout, 'failed');
  if (failed !== null) return { reachable: false, evidence: `${protocol}: ${failed || 'failed'}`, silent: false };
  throw missing(output);
}
