// Runs one of the Hosts tree's operations (src/plan/operations.ts) on a host: validated and planned there,
// then one script over one exec, under the host lock.

import type { Transport } from '../host/transport';
import type { Outcome } from '../plan/outcome';
import { operationPlan, type Operation, type OperationContext } from '../plan/operations';
import type { Plan } from '../plan/plan';
import { runPlan } from './run-plan';

export interface RunOperationOptions extends OperationContext {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Validates and runs one operation as one script over one exec, under the host lock. */
export async function runOperation(transport: Transport, op: Operation, options: RunOperationOptions = {}): Promise<{ plan: Plan; outcome: Outcome }> {
  const plan = operationPlan(op, options);
  const outcome = await runPlan(transport, plan, {
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? 120_000,
    // An operation for a lab appends its claims; one for nobody leaves the state files alone.
    stateMode: options.lab ? 'append' : 'none',
    verb: op.kind,
  });
  return { plan, outcome };
}
