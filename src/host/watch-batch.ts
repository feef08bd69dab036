// The watcher's debounce: a burst of change reasons becomes one notification, sent once the burst has been
// quiet for `debounceMs`, or at the latest `maxDelayMs` after its first reason. Each reason is told once.

export class ChangeBatch {
  private pending: string[] = [];
  private quietTimer: NodeJS.Timeout | undefined;
  private maxTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly debounceMs: number,
    private readonly maxDelayMs: number,
    /** Receives the reasons of a burst; not called once `stopped()` says so. */
    private readonly deliver: (reasons: string[]) => void,
    private readonly stopped: () => boolean,
  ) {}

  add(reason: string): void {
    this.pending.push(reason);
    clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => this.flush(), this.debounceMs);
    this.maxTimer ??= setTimeout(() => this.flush(), this.maxDelayMs);
  }

  /** Drops the timers (the watcher stops). */
  cancel(): void {
    clearTimeout(this.quietTimer);
    clearTimeout(this.maxTimer);
  }

  private flush(): void {
    this.cancel();
    this.quietTimer = this.maxTimer = undefined;
    if (!this.pending.length || this.stopped()) return;
    const reasons = [...new Set(this.pending)];
    this.pending = [];
    this.deliver(reasons);
  }
}
