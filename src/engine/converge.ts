// The engine behind `vnet plan`, `apply` and `destroy` and the extension's commands: read a host (the
// probe, which reads the labs' state files too), plan, let the caller review, run the plan as one script,
// and turn what the script printed into a result or an error that names the failing step.

import { VnetError } from '../model/errors';
import { parseLabState, type LabState } from '../model/lab-state';
import type { Topology } from '../model/topology';
import { shellQuote } from '../model/shell';
import type { Transport } from '../host/transport';
import type { ProbeSnapshot } from '../host/probe-parse';
import { checkLabName } from '../model/names';
import { diff } from './diff';
import { parseOutcome, type Outcome } from './outcome';
import type { Conflict, Plan, PlanStep } from './plan';
import { render } from './render';

/** Reads a host: its live Topology and the labs' state files, as they agree (src/host/probe.ts's probeSnapshot). */
export type Probe = (transport: Transport, options: { signal?: AbortSignal }) => Promise<ProbeSnapshot>;

export interface HostSnapshot {
  live: Topology;
  state: LabState;
  /** The state file's text, or null when the lab has none on this host. */
  stateText: string | null;
  /** The other labs' state files on the host. */
  others: LabState[];
}

/**
 * The live network and the labs' state files, from one read in which the state files did not change
 * (src/host/probe.ts's probeSnapshot). A plan from an older state and a newer network, or the reverse,
 * would redo another apply's finished work, or take its new elements for someone else's.
 */
export async function readSnapshot(transport: Transport, lab: string, probe: Probe, signal?: AbortSignal): Promise<HostSnapshot> {
  const { topology, stateFiles } = await probe(transport, { signal });
  const stateText = stateFiles.get(lab) ?? null;
  const others = [...stateFiles].filter(([name]) => name !== lab && checkLabName(name) === null).map(([name, text]) => parseLabState(name, text));
  return { live: topology, state: parseLabState(lab, stateText ?? ''), stateText, others };
}

export interface HostTarget {
  /** The host's name inside the lab (`host` for a single-host file). */
  name: string;
  transport: Transport;
  /** What the lab wants there; an empty Topology to destroy. */
  desired: Topology;
}

export interface ConvergeOptions {
  lab: string;
  probe: Probe;
  adopt?: readonly string[];
  signal?: AbortSignal;
  /** Called once with every host's plan before anything changes; false stops (VN-DECLINED). */
  review?: (plans: HostPlan[]) => Promise<boolean>;
  onProgress?: (host: string, event: ProgressEvent) => void;
  lockWaitSeconds?: number;
  timeoutMs?: number;
  verb?: 'apply' | 'destroy';
}

export interface HostPlan {
  host: string;
  target: string;
  plan: Plan;
  snapshot: HostSnapshot;
}

export type ProgressEvent =
  | { kind: 'lock-wait' }
  | { kind: 'begin'; total: number }
  | { kind: 'steps'; done: number; total: number; steps: PlanStep[] }
  | { kind: 'replan'; reason: string };

export interface HostResult {
  host: string;
  target: string;
  /** The plan that ran last (after a re-plan, the new one). */
  plan: Plan;
  /** Null when there was nothing to do. */
  outcome: Outcome | null;
}

/** Whether running a plan would change anything on the host, ownership records included. */
export function planChangesHost(plan: Plan, state: LabState): boolean {
  if (plan.steps.length) return true;
  const key = (records: LabState['records']) => records.map((r) => JSON.stringify(r)).sort().join('\n');
  return key(plan.finalState.records) !== key(state.records);
}

export async function planHost(target: HostTarget, options: Pick<ConvergeOptions, 'lab' | 'probe' | 'adopt' | 'signal'>): Promise<HostPlan> {
  const snapshot = await readSnapshot(target.transport, options.lab, options.probe, options.signal);
  const plan = diff({
    lab: options.lab, desired: target.desired, live: snapshot.live, state: snapshot.state,
    stateText: snapshot.stateText, adopt: options.adopt ?? [], others: snapshot.others,
  });
  return { host: target.name, target: target.transport.target, plan, snapshot };
}

export function conflictError(plans: readonly HostPlan[], lab: string): VnetError {
  const lines: string[] = [];
  const keys = new Set<string>();
  for (const { host, plan } of plans) {
    for (const conflict of plan.conflicts) {
      lines.push(`${plans.length > 1 ? `${host}: ` : ''}${conflict.element}: ${conflict.reason}${conflict.adopt ? ` (adopt with --adopt ${conflict.adopt})` : ''}`);
      if (conflict.adopt) keys.add(conflict.adopt);
    }
  }
  const adoptAll = [...keys].map((k) => `--adopt ${shellQuote(k)}`).join(' ');
  return new VnetError(
    'VN-OWNERSHIP',
    `Lab ${lab} would change ${lines.length === 1 ? 'an element' : `${lines.length} elements`} it does not own, so nothing was changed:\n  ${lines.join('\n  ')}\n`
      + (keys.size ? `To let lab ${lab} take them over, run again with ${adoptAll} (or --adopt all).` : 'Change the file to avoid them.'),
  );
}

/** Plans every host, lets the caller review, then runs the plans in parallel, one connection per host. */
export async function converge(targets: readonly HostTarget[], options: ConvergeOptions): Promise<HostResult[]> {
  const plans = await Promise.all(targets.map((target) => planHost(target, options)));
  if (plans.some((p) => p.plan.conflicts.length)) throw conflictError(plans, options.lab);
  const work = plans.filter((p) => planChangesHost(p.plan, p.snapshot.state));
  if (!work.length) return plans.map((p) => ({ host: p.host, target: p.target, plan: p.plan, outcome: null }));
  if (options.review && !(await options.review(plans))) {
    throw new VnetError('VN-DECLINED', 'Nothing was changed: the plan was not confirmed.');
  }
  const settled = await Promise.allSettled(targets.map((target, i) => runWithReplan(target, plans[i], options)));
  const failures = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ host: targets[i].name, error: s.reason as unknown }] : []));
  if (failures.length === 1 && targets.length === 1) throw failures[0].error;
  if (failures.length) {
    const first = failures[0].error;
    const code = first instanceof VnetError ? first.code : 'VN-APPLY-STEP';
    const text = failures.map((f) => `${f.host}: ${f.error instanceof Error ? f.error.message : String(f.error)}`).join('\n');
    const done = settled.flatMap((s, i) => (s.status === 'fulfilled' ? [targets[i].name] : []));
    throw new VnetError(code, `${text}${done.length ? `\nCompleted on: ${done.join(', ')}.` : ''}`);
  }
  return settled.map((s) => (s as PromiseFulfilledResult<HostResult>).value);
}

const MAX_REPLANS = 3;

async function runWithReplan(target: HostTarget, first: HostPlan, options: ConvergeOptions): Promise<HostResult> {
  let current = first;
  for (let attempt = 0; ; attempt++) {
    if (!planChangesHost(current.plan, current.snapshot.state)) {
      return { host: current.host, target: current.target, plan: current.plan, outcome: null };
    }
    const outcome = await runPlan(target.transport, current.plan, {
      signal: options.signal,
      lockWaitSeconds: options.lockWaitSeconds,
      timeoutMs: options.timeoutMs,
      verb: options.verb,
      onProgress: options.onProgress ? (event) => options.onProgress!(target.name, event) : undefined,
    });
    if (outcome.kind !== 'stale') return { host: current.host, target: current.target, plan: current.plan, outcome };
    if (attempt + 1 >= MAX_REPLANS) {
      throw new VnetError('VN-APPLY-STALE', `Lab ${options.lab} on "${target.transport.target}" kept changing while it was being applied (another apply of the same lab?). Nothing more was changed; run the command again.`);
    }
    options.onProgress?.(target.name, { kind: 'replan', reason: 'another apply of this lab changed the host first; planning again' });
    current = await planHost(target, options);
    if (current.plan.conflicts.length) throw conflictError([current], options.lab);
  }
}

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
export const DEFAULT_APPLY_TIMEOUT_MS = 15 * 60_000;

/**
 * Runs a plan as one script over one exec and returns what happened. A failed step, a missing tool, a
 * lock that never came free or a dropped connection throw a VnetError that says what to do; a state file
 * that changed since the plan returns kind `stale` (plan again).
 */
export async function runPlan(transport: Transport, plan: Plan, options: RunOptions = {}): Promise<Outcome> {
  const rendered = render(plan, { lockWaitSeconds: options.lockWaitSeconds, verb: options.verb, stateMode: options.stateMode });
  const timeoutMs = options.timeoutMs ?? DEFAULT_APPLY_TIMEOUT_MS;
  let result: { stdout: string; stderr: string; exitCode: number };
  if (options.onProgress) {
    const onProgress = options.onProgress;
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
    }, { signal: options.signal, timeoutMs });
    const ended = await handle.done;
    result = { stdout: stdout.join('\n'), stderr: ended.stderr, exitCode: ended.exitCode };
  } else {
    result = await transport.runScript(rendered.text, { signal: options.signal, timeoutMs });
  }
  if (options.signal?.aborted) {
    throw new VnetError('VN-CANCELLED', `Cancelled. The host finishes the phase it was in and stops; run the command again to converge from there.`);
  }
  const outcome = parseOutcome(rendered, result);
  const host = `"${transport.target}"`;
  const total = plan.steps.length;
  const completed = outcome.completed.length;
  switch (outcome.kind) {
    case 'ok':
    case 'stale':
      return outcome;
    case 'missing-tool':
      throw new VnetError('VN-HOST-TOOL', `${host} has no "${outcome.missingTool}" command, which vnet needs to change it. Install it (Debian/Ubuntu: iproute2, util-linux, iptables) and try again.`);
    case 'lock-timeout':
      throw new VnetError('VN-TIMEOUT', `Another vnet apply or destroy held ${host}'s lock (/run/vnet/lock) for more than ${options.lockWaitSeconds ?? 300} s; nothing was changed. Wait for it to finish and try again.`);
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
      const message = `${which} failed${checked}: ${failure.hostError}\n`
        + `${completed} of ${total} steps completed before it; nothing after it ran. Fix the cause and run the command again: it plans from what is on the host now.`;
      throw new ApplyStepError(message, failure.step, outcome);
    }
  }
}

/** A step failed on the host: the message names it; the outcome says what completed. */
export class ApplyStepError extends VnetError {
  constructor(message: string, readonly step: number | null, readonly outcome: Outcome) {
    super('VN-APPLY-STEP', message);
  }
}

export type { Conflict };
