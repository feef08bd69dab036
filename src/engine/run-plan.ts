// Runs one plan on one host: render it (src/plan/render.ts) into one script, send it over the host's
// Transport in one exec, report progress from the script's markers, and turn what it printed into an
// Outcome, or an error that names the failing step and says what to do.

import { VnetError } from '../model/errors';
import { qdiscErrorHint } from '../model/impairment';
import type { Transport } from '../host/transport';
import { parseOutcome, type Outcome } from '../plan/outcome';
import type { Plan, PlanStep } from '../plan/plan';
import { render, type RenderedScript } from '../plan/render';

export type ProgressEvent =
  | { kind: 'lock-wait' }
  | { kind: 'begin'; total: number }
  | { kind: 'steps'; done: number; total: number; steps: PlanStep[] }
  | { kind: 'replan'; reason: string };

export interface RunOptions {
  signal?: AbortSignal;
  /** See RenderOptions.stateMode; plans use the default, `rewrite`. */
  stateMode?: 'rewrite' | 'append' | 'none';
  onProgress?: (event: ProgressEvent) => void;
  lockWaitSeconds?: number;
  timeoutMs?: number;
  verb?: string;
}

/** The longest a plan may run; every host call is bounded. Lock waits count against it. */
const DEFAULT_APPLY_TIMEOUT_MS = 15 * 60_000;

interface ScriptResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs the script line by line, turning its markers into progress events as they arrive. */
async function runStreaming(
  transport: Transport, plan: Plan, rendered: RenderedScript, onProgress: (event: ProgressEvent) => void,
  options: { signal?: AbortSignal; timeoutMs: number },
): Promise<ScriptResult> {
  const stdout: string[] = [];
  let done = 0;
  const handle = transport.stream(rendered.text, (line) => {
    stdout.push(line);
    if (line === 'vnet:lock-wait') onProgress({ kind: 'lock-wait' });
    else if (line === 'vnet:begin') onProgress({ kind: 'begin', total: plan.steps.length });
    const m = /^vnet:done (\d+)$/.exec(line);
    const phase = m ? rendered.phases.find((p) => p.index === Number(m[1])) : undefined;
    if (phase && phase.steps.length) {
      done += phase.steps.length;
      onProgress({ kind: 'steps', done, total: plan.steps.length, steps: phase.steps.map((i) => plan.steps[i]) });
    }
  }, options);
  const ended = await handle.done;
  return { stdout: stdout.join('\n'), stderr: ended.stderr, exitCode: ended.exitCode };
}

/**
 * Runs a plan as one script over one exec and returns what happened. A failed step, a missing tool, a
 * lock that never came free or a dropped connection throw a VnetError that says what to do; a state file
 * that changed since the plan returns kind `stale` (plan again).
 */
export async function runPlan(transport: Transport, plan: Plan, options: RunOptions = {}): Promise<Outcome> {
  const rendered = render(plan, { lockWaitSeconds: options.lockWaitSeconds, verb: options.verb, stateMode: options.stateMode });
  const limits = { signal: options.signal, timeoutMs: options.timeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS };
  const result = options.onProgress
    ? await runStreaming(transport, plan, rendered, options.onProgress, limits)
    : await transport.runScript(rendered.text, limits);
  if (options.signal?.aborted) {
    throw new VnetError('VN-CANCELLED', `Cancelled. The host finishes the phase it was in and stops; run the command again to converge from there.`);
  }
  return outcomeOrError(parseOutcome(rendered, result), plan, result, `"${transport.target}"`, options.lockWaitSeconds);
}

/** An outcome the caller acts on (done, or plan again), or the error that says what went wrong. */
function outcomeOrError(outcome: Outcome, plan: Plan, result: ScriptResult, host: string, lockWaitSeconds: number | undefined): Outcome {
  const total = plan.steps.length;
  const completed = outcome.completed.length;
  switch (outcome.kind) {
    case 'ok':
    case 'stale':
      return outcome;
    case 'missing-tool':
      throw new VnetError('VN-HOST-TOOL', `${host} has no "${outcome.missingTool}" command, which vnet needs to change it. Install it (Debian/Ubuntu: iproute2, util-linux, iptables) and try again.`);
    case 'lock-timeout':
      throw new VnetError('VN-TIMEOUT', `Another vnet apply or destroy held ${host}'s lock (/run/vnet/lock) for more than ${lockWaitSeconds ?? 300} s; nothing was changed. Wait for it to finish and try again.`);
    case 'no-state-dir':
      throw new VnetError('VN-HOST-STATE', `Cannot create /run/vnet on ${host} for the lock and the lab's state file; nothing was changed. Check that /run is writable by root.`);
    case 'interrupted':
      throw new VnetError('VN-APPLY-INTERRUPTED', `The connection to ${host} ended after ${completed} of ${total} steps (${result.stderr.trim().split('\n').pop() || `exit ${result.exitCode}`}). Run the command again: it plans from what is on the host now.`);
    case 'step-failed': {
      const failure = outcome.failure!;
      const which = failure.step !== null
        ? `step ${failure.step + 1}/${total} '${plan.steps[failure.step].description}'`
        : `one of steps ${failure.steps.map((s) => s + 1).join(', ')} of ${total}`;
      const checked = failure.check ? ' its check (iptables-restore --test), before changing anything' : '';
      const hint = qdiscErrorHint(failure.hostError);
      const message = `${which} failed${checked}: ${failure.hostError}\n${hint ? `${hint}\n` : ''}`
        + `${completed} of ${total} steps completed before it; nothing after it ran. Fix the cause and run the command again: it plans from what is on the host now.`;
      throw new ApplyStepError(message, failure.step, outcome);
    }
  }
}

/** A step failed on the host: the message names it; the outcome says what completed. */
class ApplyStepError extends VnetError {
  constructor(message: string, readonly step: number | null, readonly outcome: Outcome) {
    super('VN-APPLY-STEP', message);
  }
}
