// probeHost: the whole live state of a host, in one exec, as a Topology; probeSnapshot: the same with the
// labs' state files, as a plan needs them.

import { randomBytes } from 'node:crypto';
import type { Topology } from '../model/topology';
import { VnetError } from '../model/errors';
import { NamespaceParses } from './probe-early-parse';
import { snapshotOfRecords, type ProbeSnapshot } from './probe-parse';
import { ProbeOutputReader } from './probe-records';
import { probeScript, recordMark, type ProbeMethod } from './probe-script';
import type { Transport } from './transport';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Bound for the whole probe, connection included. Default 60 s. */
  timeoutMs?: number;
  /** `auto` (netlink where perl exists, else ip), or force one method (tests compare them). */
  method?: ProbeMethod;
  /** Let the Perl reader decode nf_tables rules itself (default true; tests compare with nft and iptables-save). */
  decodeNft?: boolean;
  log?: (line: string) => void;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

export async function probeHost(transport: Transport, options: ProbeOptions = {}): Promise<Topology> {
  return (await readOnce(transport, options)).topology;
}

/** How often a plan's read starts over because an apply changed the labs' state files meanwhile. */
const SNAPSHOT_ATTEMPTS = 4;

/**
 * The live network and the labs' state files, in one exec, read so that they agree (see ProbeSnapshot):
 * when an apply wrote its state file while the host was read, the read starts over.
 */
export async function probeSnapshot(transport: Transport, options: ProbeOptions = {}): Promise<ProbeSnapshot> {
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readOnce(transport, options);
    if (snapshot.stateSteady) return snapshot;
    if (attempt >= SNAPSHOT_ATTEMPTS) {
      throw new VnetError('VN-HOST-BUSY', `The labs' state files on "${transport.target}" changed every time the host was read: another apply or destroy is running there. Wait for it to finish, then run the command again.`);
    }
    options.log?.(`${transport.target}: a lab's state file changed while the host was read; reading again`);
  }
}

/** One read. Its output is split and parsed as it arrives, namespace by namespace, while the host goes on. */
async function readOnce(transport: Transport, options: ProbeOptions): Promise<ProbeSnapshot> {
  const nonce = randomBytes(8).toString('hex');
  const parses = new NamespaceParses();
  const reader = new ProbeOutputReader(recordMark(nonce), parses.left);
  const result = await transport.runScript(probeScript({ nonce, method: options.method ?? 'auto', decodeNft: options.decodeNft }), {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    log: options.log,
    onStdoutLine: (line) => reader.line(line),
  });
  // A transport that does not stream hands the whole output over at the end.
  for (const line of result.stdout ? result.stdout.split('\n') : []) reader.line(line);
  return snapshotOfRecords(reader.finish(), parses, transport.target, result.stderr);
}
