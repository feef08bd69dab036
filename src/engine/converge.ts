// The engine behind `vnet plan`, `apply` and `destroy` and the extension's lab commands: read every host
// (the probe, which reads the labs' state files too), plan, let the caller review, run each plan as one
// script, and plan again when another apply of the same lab got there first.

import { VnetError } from '../model/errors';
import { shellQuote } from '../model/shell';
import type { Topology } from '../model/topology';
import type { Transport } from '../host/transport';
import { diff } from '../plan/diff';
import { planChangesHost, type Plan } from '../plan/plan';
import type { Outcome } from '../plan/outcome';
import { runPlan, type ProgressEvent } from './run-plan';
import { readSnapshot, type HostSnapshot, type Probe } from './snapshot';

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

export interface HostResult {
  host: string;
  target: string;
  /** The plan that ran last (after a re-plan, the new one). */
  plan: Plan;
  /** Null when there was nothing to do. */
  outcome: Outcome | null;
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

