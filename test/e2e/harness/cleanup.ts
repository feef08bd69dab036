// Last-resort cleanup: code-server runs in its own process group (so stop() can take its extension host and
// language servers down with it), which also means it would outlive a test process that dies abruptly.
// Every group still tracked when this process exits, or is interrupted, is killed.
import { killGroup } from './run';

const groups = new Set<number>();
let installed = false;

export function trackForCleanup(pid: number | undefined): void {
  if (pid === undefined) return;
  groups.add(pid);
  if (!installed) install();
}

export function untrack(pid: number | undefined): void {
  if (pid !== undefined) groups.delete(pid);
}

function killAll(): void {
  for (const pid of groups) killGroup(pid, 'SIGKILL');
  groups.clear();
}

function install(): void {
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAll();
      process.off(signal, onSignal);
      // Keep the default behaviour (die by that signal) unless someone else has taken the signal over.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
