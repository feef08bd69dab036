// One ping per pair, sent on a host in a single script: `ping -c 1 -W 1` from inside each source namespace
// (as is in the root one, `ip netns exec` in a named one, `nsenter --net=PATH` in one a process holds), a
// few at a time in the background, each answering with its index and exit code (an unanswered one is sent
// once more before it counts as a failure). The Reachability Matrix's
// "Verify live" sends these (src/extension/matrix-live.ts).

import { parseIp } from '../model/cidr';
import { VnetError } from '../model/errors';
import { checkNamespaceName } from '../model/names';
import { shellCommand } from '../model/shell';
import type { Namespace } from '../model/topology';
import type { Transport } from './transport';

export interface PingPair {
  from: Namespace;
  address: string;
}

/** At most this many pings wait for an answer at once. */
const IN_FLIGHT = 16;
const MARK = 'vnet-ping';

function inNamespace(ns: Namespace, argv: string[]): string[] | null {
  if (ns.root) return argv;
  if (!ns.anonymous) return checkNamespaceName(ns.name) === null ? ['ip', 'netns', 'exec', ns.name, ...argv] : null;
  return ns.path ? ['nsenter', `--net=${ns.path}`, '--', ...argv] : null;
}

/** The script, and which pairs it pings (a pair with no way in or an address that is not one is left out). */
export function pingPairsScript(pairs: readonly PingPair[]): string {
  const lines = ['#!/bin/sh'];
  let started = 0;
  pairs.forEach((pair, index) => {
    if (!parseIp(pair.address)) return;
    const argv = inNamespace(pair.from, ['ping', '-c', '1', '-W', '1', '--', pair.address]);
    if (!argv) return;
    // One ping unanswered is sent once more: a busy host, or the neighbour lookup of the first packet, can lose one.
    const ping = `${shellCommand(argv)} >/dev/null 2>&1`;
    lines.push(`( ${ping} || ${ping}; echo "${MARK} ${index} $?" ) &`);
    if (++started % IN_FLIGHT === 0) lines.push('wait');
  });
  lines.push('wait');
  return `${lines.join('\n')}\n`;
}

/** Whether each pair's ping was answered; null for a pair not pinged (see pingPairsScript). */
export function readPingAnswers(stdout: string, count: number): (boolean | null)[] {
  const answers: (boolean | null)[] = Array.from({ length: count }, () => null);
  for (const line of stdout.split('\n')) {
    const match = new RegExp(`^${MARK} (\\d+) (\\d+)$`).exec(line.trim());
    if (match && Number(match[1]) < count) answers[Number(match[1])] = match[2] === '0';
  }
  return answers;
}

export async function pingPairs(transport: Transport, pairs: readonly PingPair[], options: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<(boolean | null)[]> {
  if (!pairs.length) return [];
  const result = await transport.runScript(pingPairsScript(pairs), { signal: options.signal, log: options.log, timeoutMs: 15_000 + pairs.length * 1_500 });
  if (result.exitCode !== 0) {
    throw new VnetError('VN-LIVE-PING', `The pings could not be sent on ${transport.target} (exit ${result.exitCode}: ${result.stderr.trim().slice(0, 300)}). Check that ping is installed there.`);
  }
  return readPingAnswers(result.stdout, pairs.length);
}
