// One host as the extension holds it: its transport, its connection state, its live Topology, and how it
// keeps that Topology current (the live watcher, polling, or only on request). Free of vscode, so host
// tests drive it against testbed hosts through the real engine.
//
// Sessions are independent: a host that fails or disappears turns its own row into an error with Retry,
// and every other host goes on working.

import { VnetError, describeError, isVnetError } from '../model/errors';
import type { Topology } from '../model/topology';
import { probeHost } from '../host/probe';
import type { Transport } from '../host/transport';
import { watchHost, type HostWatcher, type WatchOptions, type WatchStatus } from '../host/watch';
import type { HostConnection, HostView } from './host-state';
import type { HostEntry, RefreshMode } from './settings';

export type ProbeFn = (transport: Transport, options: { signal?: AbortSignal; log?: (line: string) => void }) => Promise<Topology>;
export type WatchFn = (transport: Transport, onChange: (reasons: string[]) => void, options: WatchOptions) => HostWatcher;

export interface SessionDeps {
  createTransport(entry: HostEntry): Transport;
  /** Records every command sent to the host (the output channel). */
  log(line: string): void;
  probe?: ProbeFn;
  watch?: WatchFn;
  now?(): number;
}

export interface SessionOptions {
  refreshMode: RefreshMode;
  /** Poll interval for `poll` mode. */
  intervalMs: number;
}

/** Comparable text of a Topology: a poll that read the same network changes nothing on screen. */
function comparableTopology(topology: Topology): string {
  return JSON.stringify(topology);
}

export class HostSession {
  readonly transport: Transport;
  private connection: HostConnection = { state: 'idle' };
  private readonly listeners = new Set<() => void>();
  private readonly probe: ProbeFn;
  private readonly watch: WatchFn;
  private readonly now: () => number;
  private lifetime = new AbortController();
  private watcher: HostWatcher | null = null;
  private pollTimer: NodeJS.Timeout | undefined;
  private inflight: Promise<Topology> | null = null;
  private queued: Promise<Topology> | null = null;
  private lastComparable: string | null = null;
  private following: RefreshMode;
  private disposed = false;

  constructor(
    readonly entry: HostEntry,
    private readonly deps: SessionDeps,
    private readonly options: SessionOptions,
  ) {
    this.transport = deps.createTransport(entry);
    this.probe = deps.probe ?? probeHost;
    this.watch = deps.watch ?? watchHost;
    this.now = deps.now ?? Date.now;
    this.following = options.refreshMode;
  }

  get destination(): string {
    return this.entry.destination;
  }

  view(): HostView {
    return { entry: this.entry, connection: this.connection };
  }

  /** The last Topology read, or null before the first one (or after an error). */
  get topology(): Topology | null {
    return this.connection.state === 'connected' ? this.connection.topology : null;
  }

  onDidChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setConnection(next: HostConnection): void {
    if (this.disposed) return;
    this.connection = next;
    for (const listener of [...this.listeners]) {
      try { listener(); } catch (error) { this.deps.log(`${this.destination}: a listener failed: ${describeError(error)}`); }
    }
  }

  /** Connects and starts following the host, once; later calls do nothing. */
  start(): void {
    if (this.disposed || this.connection.state !== 'idle') return;
    this.connect();
  }

  /** The current Topology, reading the host first when there is none yet (or the last read failed). */
  async ensureTopology(signal?: AbortSignal): Promise<Topology> {
    const current = this.topology;
    if (current) return current;
    if (this.connection.state === 'idle') {
      this.start();
      // start() began a read; wait for it rather than reading twice.
      if (this.inflight) return signal ? waitUnlessAborted(this.inflight, signal, this.destination) : this.inflight;
    }
    return this.refresh(signal);
  }

  /** Starts again from scratch: the user pressed Retry. */
  retry(): void {
    if (this.disposed) return;
    this.stopFollowing();
    this.lifetime.abort();
    this.lifetime = new AbortController();
    this.inflight = null;
    this.queued = null;
    this.connect();
  }

  private connect(): void {
    this.setConnection({ state: 'connecting' });
    this.refresh().then(
      () => this.startFollowing(),
      () => {
        // The error is on the host's row; poll mode keeps trying on its own schedule.
        if (this.options.refreshMode === 'poll') this.schedulePoll();
      },
    );
  }

  /**
   * Reads the host now. Calls that come while a read runs share one read that starts after it, so a
   * change made during a read is never lost. Failures become the host's error state and are rethrown.
   */
  refresh(signal?: AbortSignal): Promise<Topology> {
    if (this.inflight) {
      // The queued read is shared, so no one caller's cancellation may end it: each caller stops waiting
      // on its own (two topology panels, one of them refreshing again, must not cancel the other's read).
      this.queued ??= this.inflight.catch(() => undefined).then(() => {
        this.queued = null;
        return this.read();
      });
      return signal ? waitUnlessAborted(this.queued, signal, this.destination) : this.queued;
    }
    return this.read(signal);
  }

  private read(signal?: AbortSignal): Promise<Topology> {
    const lifetime = this.lifetime.signal;
    const combined = signal ? AbortSignal.any([signal, lifetime]) : lifetime;
    const run = this.probe(this.transport, { signal: combined, log: this.deps.log }).then(
      (topology) => {
        if (!lifetime.aborted) this.store(topology);
        return topology;
      },
      (error: unknown) => {
        // A read cancelled by its caller (or by Retry) says nothing about the host.
        if (!lifetime.aborted && !signal?.aborted) this.fail(error);
        throw error;
      },
    );
    const tracked = run.finally(() => {
      if (this.inflight === tracked) this.inflight = null;
    });
    this.inflight = tracked;
    return tracked;
  }

  private store(topology: Topology): void {
    const print = comparableTopology(topology);
    const unchanged = this.connection.state === 'connected' && print === this.lastComparable && this.connection.following === this.following;
    this.lastComparable = print;
    if (unchanged) return;
    this.setConnection({ state: 'connected', topology, updatedAt: this.now(), following: this.following, stale: null });
  }

  private fail(error: unknown): void {
    this.lastComparable = null;
    const message = describeError(error);
    // The watcher and the read it triggered often report the same failure: say it once.
    if (this.connection.state === 'error' && this.connection.message === message) return;
    this.deps.log(`${this.destination}: ${message}`);
    this.setConnection({ state: 'error', message, code: isVnetError(error) ? error.code : null });
  }

  private startFollowing(): void {
    if (this.disposed) return;
    this.stopFollowing();
    switch (this.options.refreshMode) {
      case 'manual':
        return;
      case 'poll':
        this.schedulePoll();
        return;
      case 'live': {
        const lifetime = this.lifetime.signal;
        this.watcher = this.watch(this.transport, () => { void this.refresh().catch(() => undefined); }, {
          signal: lifetime,
          log: this.deps.log,
          // While the watcher polls (no perl on the host, or reconnecting), its reads are ours too.
          probe: (signal) => this.refresh(signal),
          onStatus: (status) => this.followingChanged(status),
          onError: (error) => { if (!lifetime.aborted) this.fail(error); },
        });
        return;
      }
    }
  }

  private followingChanged(status: WatchStatus): void {
    const next: RefreshMode = status === 'polling' ? 'poll' : 'live';
    if (status === 'stopped' || next === this.following) return;
    this.following = next;
    if (this.connection.state === 'connected') this.setConnection({ ...this.connection, following: next });
  }

  private schedulePoll(): void {
    clearTimeout(this.pollTimer);
    if (this.disposed) return;
    this.pollTimer = setTimeout(() => {
      this.refresh().catch(() => undefined).finally(() => this.schedulePoll());
    }, this.options.intervalMs);
    this.pollTimer.unref?.();
  }

  private stopFollowing(): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    this.watcher?.stop();
    this.watcher = null;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.stopFollowing();
    this.lifetime.abort();
    this.disposed = true;
    this.listeners.clear();
    await this.transport.close().catch(() => undefined);
  }
}

/** Waits for a shared read; the caller's cancellation ends the wait, not the read. */
function waitUnlessAborted<T>(shared: Promise<T>, signal: AbortSignal, destination: string): Promise<T> {
  const cancelled = () => new VnetError('VN-CANCELLED', `The read of "${destination}" was cancelled.`);
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
