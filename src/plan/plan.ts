// A plan: the ordered steps that take a host from its live state to the desired one. Steps hold
// structured commands, never shell text; only the renderer turns them into a script, with the quoting
// functions of src/model/shell.ts.

import type { LabState, OwnedRecord } from '../model/lab-state';

export type StepAction = 'create' | 'change' | 'delete';

/**
 * When a step runs. The renderer keeps this order and batches consecutive commands that go to the same
 * tool in the same namespace, so the order below is also what makes the script short:
 * - nat-remove: NAT transactions that only delete (reverse of creation: rules go first);
 * - teardown:   routes, addresses and links removed inside each namespace (the host's last);
 * - host:       namespaces deleted and created, links created (all from the root namespace);
 * - configure:  marks, bridge ports, mtu, up/down, addresses, routes and impairments (tc qdiscs) inside
 *               each namespace (host first);
 * - forwarding: the ip_forward switch of each namespace;
 * - nat:        one atomic iptables-restore per namespace (FORWARD policy, chains, rules).
 */
export type Stage = 'nat-remove' | 'teardown' | 'host' | 'configure' | 'forwarding' | 'nat';

export const STAGE_ORDER: readonly Stage[] = ['nat-remove', 'teardown', 'host', 'configure', 'forwarding', 'nat'];

export type HostCommand =
  /** `ip ARGS…` run in a namespace (`host` is the root namespace). */
  | { tool: 'ip'; namespace: string; args: string[] }
  /** One line of `iptables-restore --noflush` input for a table, as tokens (`-A`, `POSTROUTING`, …). */
  | { tool: 'iptables'; namespace: string; table: 'nat' | 'filter'; args: string[] }
  /** `tc ARGS…` run in a namespace: a root qdisc that impairs an interface (`qdisc replace dev X root netem …`). */
  | { tool: 'tc'; namespace: string; args: string[] }
  /** Writes /proc/sys/net/ipv4/ip_forward from inside the namespace. */
  | { tool: 'forwarding'; namespace: string; enable: boolean }
  /**
   * Records in the lab's state file that the lab owns an element, written just before the commands that
   * create it. `unlessPath` skips the claim when that path already exists on the host at that moment
   * (a namespace someone made by hand a moment ago is not claimed).
   */
  | { tool: 'claim'; record: OwnedRecord; unlessPath?: string }
  /** Records that the lab gave an element up, written once the commands that removed it succeeded. */
  | { tool: 'release'; record: OwnedRecord }
  /**
   * Waits until an interface of the root namespace is gone: the other end of a veth in a namespace that
   * was just deleted, which the kernel frees in the background.
   */
  | { tool: 'await-gone'; interface: string };

export interface PlanStep {
  action: StepAction;
  /** One line for people: `add address 172.16.0.1/24 to veth1 in host`. */
  description: string;
  stage: Stage;
  /** The namespace the step works in (`host` for the root namespace). */
  namespace: string;
  commands: HostCommand[];
}

/** An element the plan must not touch because the lab does not own it. */
export interface Conflict {
  /** What it is, for people: `namespace netns1`, `interface veth1 in host`. */
  element: string;
  /** Why it is a conflict and what would happen on adoption. */
  reason: string;
  /** The value of `--adopt` that lets the lab take it over; null when adopting cannot help (rename instead). */
  adopt: string | null;
}

export interface Plan {
  lab: string;
  /** The host as the user named it. */
  host: string;
  steps: PlanStep[];
  conflicts: Conflict[];
  /** Things worth saying that do not stop the plan (e.g. both iptables backends hold rules). */
  warnings: string[];
  /** What the lab owns once every step has run: the state file is rewritten with it at the end. */
  finalState: LabState;
  /**
   * The state file as it was read when planning (null when absent). The script refuses to run when the
   * file changed in between: another apply of the same lab got there first, so plan again.
   */
  stateText: string | null;
}

export function stepCounts(plan: Plan): Record<StepAction, number> {
  const counts: Record<StepAction, number> = { create: 0, change: 0, delete: 0 };
  for (const step of plan.steps) counts[step.action]++;
  return counts;
}

/** Whether running a plan would change anything on the host, ownership records included. */
export function planChangesHost(plan: Plan, state: LabState): boolean {
  if (plan.steps.length) return true;
  const key = (records: LabState['records']) => records.map((r) => JSON.stringify(r)).sort().join('\n');
  return key(plan.finalState.records) !== key(state.records);
}
