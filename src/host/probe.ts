// probeHost: the whole live state of a host, in one exec, as a Topology.

import { randomBytes } from 'node:crypto';
import type { Topology } from '../model/topology';
import { parseProbeOutput } from './probe-parse';
import { probeScript, recordMark, type ProbeMethod } from './probe-script';
import type { Transport } from './transport';

export interface ProbeOptions {
  signal?: AbortSignal;
  /** Bound for the whole probe, connection included. Default 60 s. */
  timeoutMs?: number;
  /** `auto` (netlink where perl exists, else ip), or force one method (tests compare them). */
  method?: ProbeMethod;
  log?: (line: string) => void;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

export async function probeHost(transport: Transport, options: ProbeOptions = {}): Promise<Topology> {
  const nonce = randomBytes(8).toString('hex');
  const script = probeScript({ nonce, method: options.method ?? 'auto' });
  const result = await transport.runScript(script, {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
    log: options.log,
  });
  return parseProbeOutput(result.stdout, recordMark(nonce), transport.target, result.stderr);
}
