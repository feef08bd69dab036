// watchHost: tells subscribers that something changed on a host, whoever changed it, within a second.
//
// One long-lived exec (watch-script.ts) reports kernel events from every namespace. Bursts are debounced
// into one notification. When the host has no perl, or while the connection is down, the watcher polls
// the probe instead and compares; a dropped connection is re-opened with a growing delay, and the first
// notification after a reconnect says so (changes may have been missed meanwhile).

import { isVnetError, VnetError } from '../model/errors';
import type { Topology } from '../model/topology';
import { probeHost } from './probe';
import type { StreamHandle, Transport } from './transport';
import { watchScript } from './watch-script';

export type WatchStatus = 'connecting' | 'live' | 'polling' | 'stopped';

export interface WatchOptions {
  signal?: AbortSignal;
  /** Quiet time that ends a burst of events. Default 150 ms. */
  debounceMs?: number;
  /** Longest a burst may delay its notification. Default 300 ms. */
  maxDelayMs?: number;
  /** How often to probe while polling. Default 2000 ms. */
  pollIntervalMs?: number;
  /** First reconnect delay; doubles up to maxReconnectDelayMs. Default 500 ms. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Silence after which the connection is taken for dead (the remote side beats every 5 s). Default 20 s. */
  idleTimeoutMs?: number;
  /** How the poller reads the host; default probeHost. */
  probe?: (signal: AbortSignal) => Promise<Topology>;
  onStatus?: (status: WatchStatus) => void;
  /** A failure the watcher will retry after (e.g. the host is unreachable for now). */
  onError?: (error: VnetError) => void;
  log?: (line: string) => void;
}

export interface HostWatcher {
  stop(): void;
  /** Resolves once stopped. */
  readonly done: Promise<void>;
  readonly status: WatchStatus;
}

/** What a notification says changed: a namespace inode, `namespaces`, `legacy <inode>`, `poll`, `reconnected`. */
export type ChangeReasons = string[];

/** Comparable text of a Topology for polling: everything but the order-free warnings. */
function fingerprint(topology: Topology): string {
  return JSON.stringify(topology.namespaces);
}

export function watchHost(transport: Transport, onChange: (reasons: ChangeReasons) => void, options: WatchOptions = {}): HostWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const maxDelayMs = options.maxDelayMs ?? 300;
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const firstDelay = options.reconnectDelayMs ?? 500;
  const maxReconnect = options.maxReconnectDelayMs ?? 10_000;
  const idleTimeoutMs = options.idleTimeoutMs ?? 20_000;
  const controller = new AbortController();
  const probe = options.probe ?? ((signal: AbortSignal) => probeHost(transport, { signal, log: options.log }));
  let status: WatchStatus = 'connecting';
  let stream: StreamHandle | null = null;
  let pending: string[] = [];
  let quietTimer: NodeJS.Timeout | undefined;
  let maxTimer: NodeJS.Timeout | undefined;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => { resolveDone = resolve; });

  const setStatus = (next: WatchStatus) => {
    if (status === next) return;
    status = next;
    options.onStatus?.(next);
  };

  const flush = () => {
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
    quietTimer = maxTimer = undefined;
    if (!pending.length || controller.signal.aborted) return;
    const reasons = [...new Set(pending)];
    pending = [];
    try { onChange(reasons); } catch (error) { options.log?.(`watch: a subscriber failed: ${String(error)}`); }
  };

  const changed = (reason: string) => {
    pending.push(reason);
    clearTimeout(quietTimer);
    quietTimer = setTimeout(flush, debounceMs);
    maxTimer ??= setTimeout(flush, maxDelayMs);
  };

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    controller.signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

  const report = (error: unknown) => {
    if (controller.signal.aborted) return;
    const vnetError = isVnetError(error) ? error : new VnetError('VN-WATCH', `Watching "${transport.target}" failed: ${String(error)}`);
    options.onError?.(vnetError);
  };

  // Polls until `until` resolves (the stream is back) or we are stopped.
  const poll = async (until: Promise<unknown> | null) => {
    let stopPolling = false;
    until?.then(() => { stopPolling = true; }, () => { stopPolling = true; });
    let last: string | null = null;
    while (!controller.signal.aborted && !stopPolling) {
      try {
        const current = fingerprint(await probe(controller.signal));
        if (last !== null && current !== last) changed('poll');
        last = current;
      } catch (error) {
        report(error);
      }
      await sleep(pollIntervalMs);
    }
  };

  const loop = async () => {
    let delay = firstDelay;
    let missedSomething = false;
    while (!controller.signal.aborted) {
      setStatus('connecting');
      let pollOnly = false;
      stream = transport.stream(watchScript(), (line) => {
        if (line === 'ready') {
          setStatus('live');
          delay = firstDelay;
          if (missedSomething) { missedSomething = false; changed('reconnected'); }
        } else if (line === 'mode poll') {
          pollOnly = true;
        } else if (line.startsWith('change ')) {
          changed(line.slice('change '.length));
        }
      }, { signal: controller.signal, timeoutMs: idleTimeoutMs, log: options.log });
      try {
        await stream.done;
      } catch (error) {
        report(error);
      }
      stream = null;
      if (controller.signal.aborted) break;
      if (pollOnly) {
        // No way to hear events on this host: polling is all there is.
        setStatus('polling');
        await poll(null);
        break;
      }
      // The connection dropped (or never came up): poll while we wait to reconnect.
      missedSomething = true;
      setStatus('polling');
      const reconnectAt = sleep(delay);
      await Promise.race([reconnectAt, poll(reconnectAt)]);
      await reconnectAt;
      delay = Math.min(delay * 2, maxReconnect);
    }
  };

  const stop = () => {
    if (controller.signal.aborted) return;
    controller.abort();
    stream?.stop();
    clearTimeout(quietTimer);
    clearTimeout(maxTimer);
  };
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });

  loop().catch(report).finally(() => {
    setStatus('stopped');
    options.signal?.removeEventListener('abort', stop);
    resolveDone();
  });

  return {
    stop,
    done,
    get status() { return status; },
  };
}
