// All the hosts the Hosts view shows, one HostSession each, kept in step with the settings: a host added
// to vnet.hosts gets a session, a removed one is closed, a changed one (identity, ssh settings, refresh
// mode) is made again. Free of vscode.

import { describeError } from '../model/errors';
import type { Transport } from '../host/transport';
import { HostSession, type ProbeFn, type WatchFn } from './host-session';
import { transportSettingsKey } from './host-transport';
import { visibleHosts, type ExtensionSettings, type HostEntry } from './settings';

export interface HostsModelDeps {
  createTransport(entry: HostEntry, settings: ExtensionSettings): Transport;
  log(line: string): void;
  probe?: ProbeFn;
  watch?: WatchFn;
}

export class HostsModel {
  private sessions = new Map<string, { session: HostSession; key: string; unsubscribe: () => void }>();
  private order: string[] = [];
  private readonly listeners = new Set<(session: HostSession | undefined) => void>();
  private started = false;

  constructor(private readonly deps: HostsModelDeps, private settings: ExtensionSettings) {
    this.reconcile();
  }

  get current(): ExtensionSettings {
    return this.settings;
  }

  /** Fires with the session that changed, or undefined when the list of hosts changed. */
  onDidChange(listener: (session: HostSession | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(session: HostSession | undefined): void {
    for (const listener of [...this.listeners]) {
      try { listener(session); } catch (error) { this.deps.log(`hosts: a listener failed: ${describeError(error)}`); }
    }
  }

  list(): HostSession[] {
    return this.order.map((d) => this.sessions.get(d)!.session);
  }

  get(destination: string): HostSession | undefined {
    return this.sessions.get(destination)?.session;
  }

  /** Connects every host (the view became visible); hosts added later connect as they come. */
  startAll(): void {
    this.started = true;
    for (const session of this.list()) session.start();
  }

  update(settings: ExtensionSettings): void {
    this.settings = settings;
    this.reconcile();
    this.emit(undefined);
  }

  private reconcile(): void {
    const wanted = visibleHosts(this.settings);
    const keep = new Set(wanted.map((e) => e.destination));
    for (const [destination, held] of this.sessions) {
      if (!keep.has(destination)) this.close(destination, held);
    }
    for (const entry of wanted) {
      const key = transportSettingsKey(entry, this.settings);
      const held = this.sessions.get(entry.destination);
      if (held && held.key === key) continue;
      if (held) this.close(entry.destination, held);
      const session = new HostSession(entry, {
        createTransport: (e) => this.deps.createTransport(e, this.settings),
        log: this.deps.log,
        probe: this.deps.probe,
        watch: this.deps.watch,
      }, { refreshMode: this.settings.refreshMode, intervalMs: this.settings.refreshIntervalSeconds * 1000 });
      const unsubscribe = session.onDidChange(() => this.emit(session));
      this.sessions.set(entry.destination, { session, key, unsubscribe });
      if (this.started) session.start();
    }
    this.order = wanted.map((e) => e.destination);
  }

  private close(destination: string, held: { session: HostSession; unsubscribe: () => void }): void {
    held.unsubscribe();
    this.sessions.delete(destination);
    void held.session.dispose();
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    this.order = [];
    this.listeners.clear();
    await Promise.all(all.map((held) => { held.unsubscribe(); return held.session.dispose(); }));
  }
}
