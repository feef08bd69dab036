// The watcher's fallback: read the host with the probe every so often and report when the network read
// differs from the one before. Used when the host cannot send events (no perl) and while the event stream is
// down.

import type { Topology } from '../model/topology';

export interface PollOptions {
  probe: (signal: AbortSignal) => Promise<Topology>;
  intervalMs: number;
  /** Stops the polling (the watcher stopped). */
  signal: AbortSignal;
  /** Told 'poll' when a read differs from the one before. */
  changed: (reason: string) => void;
  /** A failed read; polling goes on. */
  report: (error: unknown) => void;
}

/** The namespaces as comparable text: what a poll compares (schema and host stay the same, and warnings are no change to the network). */
function comparableNamespaces(topology: Topology): string {
  return JSON.stringify(topology.namespaces);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** Polls until `until` settles (the stream is back; null: never) or the signal aborts. */
export async function pollForChanges(options: PollOptions, until: Promise<unknown> | null): Promise<void> {
  const { probe, intervalMs, signal, changed, report } = options;
  let stopPolling = false;
  until?.then(() => { stopPolling = true; }, () => { stopPolling = true; });
  let last: string | null = null;
  while (!signal.aborted && !stopPolling) {
    try {
      const current = comparableNamespaces(await probe(signal));
      if (last !== null && current !== last) changed('poll');
      last = current;
    } catch (error) {
      report(error);
    }
    await sleepUnlessAborted(intervalMs, signal);
  }
}
