// watchHost: tells subscribers that something changed on a host, whoever changed it: within a second of a
// kernel event (two for legacy iptables, which sends none), within a poll interval when polling.
//
// One long-lived exec (watch-script.ts) reports kernel events from every namespace. Bursts are debounced
// into one notification (watch-batch.ts). When the host has no perl, or while the connection is down, the
// watcher polls the probe instead and compares (watch-poll.ts); a dropped connection is re-opened with a
// growing delay, and the first notification after a reconnect says so (changes may have been missed
// meanwhile).

import { isVnetError, VnetError } from '../model/errors';
import type { Topology } from '../model/topology';
import { probeHost } from './probe';
import type { StreamHandle, Transport } from './transport';
import { ChangeBatch } from './watch-batch';
import { pollForChanges, sleepUnlessAborted, type PollOptions } from './watch-poll';
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
  /** Default 10 s. */
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

interface WatchTimings {
  debounceMs: number;
  maxDelayMs: number;
  pollIntervalMs: number;
  firstReconnectDelayMs: number;
  maxReconnectDelayMs: number;
  idleTimeoutMs: number;
}

function timingsOf(options: WatchOptions): WatchTimings {
  return {
    debounceMs: options.debounceMs ?? 150,
    maxDelayMs: options.maxDelayMs ?? 300,
    pollIntervalMs: options.pollIntervalMs ?? 2000,
    firstReconnectDelayMs: options.reconnectDelayMs ?? 500,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 20_000,
  };
}

/** How one run of the watch script ended: it said the host can only be polled, or it stopped (dropped). */
type StreamEnd = 'poll only' | 'dropped';

class Watch implements HostWatcher {
  readonly done: Promise<void>;
  private currentStatus: WatchStatus = 'connecting';
  private readonly controller = new AbortController();
  private readonly timings: WatchTimings;
  private readonly batch: ChangeBatch;
  private readonly poll: PollOptions;
  private stream: StreamHandle | null = null;
  /** The next reconnect delay: back to the first once the stream is live again. */
  private reconnectDelay: number;
  /** The stream dropped: the first notification after it is back says 'reconnected'. */
  private missedSomething = false;

  constructor(private readonly transport: Transport, onChange: (reasons: ChangeReasons) => void, private readonly options: WatchOptions) {
    this.timings = timingsOf(options);
    this.reconnectDelay = this.timings.firstReconnectDelayMs;
    const signal = this.controller.signal;
    this.batch = new ChangeBatch(this.timings.debounceMs, this.timings.maxDelayMs, (reasons) => {
      try { onChange(reasons); } catch (error) { options.log?.(`watch: a subscriber failed: ${String(error)}`); }
    }, () => signal.aborted);
    this.poll = {
      probe: options.probe ?? ((probeSignal: AbortSignal) => probeHost(transport, { signal: probeSignal, log: options.log })),
      intervalMs: this.timings.pollIntervalMs,
      signal,
      changed: (reason) => this.batch.add(reason),
      report: (error) => this.report(error),
    };
    if (options.signal?.aborted) this.stop();
    options.signal?.addEventListener('abort', this.stop, { once: true });
    this.done = this.loop().catch((error: unknown) => this.report(error)).finally(() => {
      this.setStatus('stopped');
      options.signal?.removeEventListener('abort', this.stop);
    });
  }

  get status(): WatchStatus {
    return this.currentStatus;
  }

  /** A bound function: callers hand it on as a listener. */
  readonly stop = (): void => {
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    this.stream?.stop();
    this.batch.cancel();
  };

  private setStatus(next: WatchStatus): void {
    if (this.currentStatus === next) return;
    this.currentStatus = next;
    this.options.onStatus?.(next);
  }

  private report(error: unknown): void {
    if (this.controller.signal.aborted) return;
    const vnetError = isVnetError(error) ? error : new VnetError('VN-WATCH', `Watching "${this.transport.target}" failed: ${String(error)}`);
    this.options.onError?.(vnetError);
  }

  private async loop(): Promise<void> {
    const signal = this.controller.signal;
    while (!signal.aborted) {
      this.setStatus('connecting');
      const end = await this.streamUntilItEnds();
      if (signal.aborted) break;
      if (end === 'poll only') {
        // No way to hear events on this host: polling is all there is.
        this.setStatus('polling');
        await pollForChanges(this.poll, null);
        break;
      }
      // The connection dropped (or never came up): poll while we wait to reconnect.
      this.missedSomething = true;
      this.setStatus('polling');
      const reconnectAt = sleepUnlessAborted(this.reconnectDelay, signal);
      await Promise.race([reconnectAt, pollForChanges(this.poll, reconnectAt)]);
      await reconnectAt;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.timings.maxReconnectDelayMs);
    }
  }

  /** Runs the watch script once, turning its lines into status and changes, until it ends. */
  private async streamUntilItEnds(): Promise<StreamEnd> {
    let pollOnly = false;
    this.stream = this.transport.stream(watchScript(), (line) => {
      if (line === 'ready') {
        this.setStatus('live');
        this.reconnectDelay = this.timings.firstReconnectDelayMs;
        if (this.missedSomething) { this.missedSomething = false; this.batch.add('reconnected'); }
      } else if (line === 'mode poll') {
        pollOnly = true;
      } else if (line.startsWith('change ')) {
        this.batch.add(line.slice('change '.length));
      }
    }, { signal: this.controller.signal, timeoutMs: this.timings.idleTimeoutMs, log: this.options.log });
    try {
      await this.stream.done;
    } catch (error) {
      this.report(error);
    }
    this.stream = null;
    return pollOnly ? 'poll only' : 'dropped';
  }
}

export function watchHost(transport: Transport, onChange: (reasons: ChangeReasons) => void, options: WatchOptions = {}): HostWatcher {
  return new Watch(transport, onChange, options);
}
