// Collects steps while diffing, then puts them in the order the plan runs them: by stage, then by
// namespace (the host's root namespace last while tearing down and first while building), then by kind
// of work inside the stage (a bridge before the veth that joins it, addresses before routes), then in
// the order the file declares things.

import { ROOT_NAMESPACE } from '../model/topology';
import { STAGE_ORDER, type HostCommand, type PlanStep, type Stage, type StepAction } from './plan';

/** Kinds of work inside the stages of links, addresses and routes, in the order they run (NAT's are diff-nat's). */
export const WORK_IN_STAGE = {
  teardown: { route: 0, address: 1, link: 2 },
  host: { deleteNamespace: 0, createNamespace: 1, adoptNamespace: 2, createLink: 3, createVeth: 4, adoptLink: 5 },
  configure: { link: 0, address: 1, route: 2, qdisc: 3 },
  nat: { policy: 0, deleteRule: 1, deleteChain: 2, createChain: 3, rule: 4 },
} as const;

interface Entry {
  step: PlanStep;
  work: number;
  seq: number;
}

export class StepList {
  private readonly entries: Entry[] = [];
  private seq = 0;

  constructor(
    /** Namespaces in the order the file declares them; others follow by name. */
    private readonly namespaceOrder: readonly string[],
  ) {}

  add(stage: Stage, namespace: string, work: number, action: StepAction, description: string, commands: HostCommand[]): PlanStep {
    const step: PlanStep = { action, description, stage, namespace, commands };
    this.entries.push({ step, work, seq: this.seq++ });
    return step;
  }

  get length(): number {
    return this.entries.length;
  }

  ordered(): PlanStep[] {
    const rank = (stage: Stage, namespace: string): number => {
      const root = namespace === ROOT_NAMESPACE;
      if (root) return stage === 'teardown' ? Number.MAX_SAFE_INTEGER : -1;
      const at = this.namespaceOrder.indexOf(namespace);
      return at >= 0 ? at : this.namespaceOrder.length;
    };
    return [...this.entries]
      .sort((a, b) =>
        STAGE_ORDER.indexOf(a.step.stage) - STAGE_ORDER.indexOf(b.step.stage)
        || rank(a.step.stage, a.step.namespace) - rank(b.step.stage, b.step.namespace)
        || (a.step.namespace === b.step.namespace ? 0 : a.step.namespace < b.step.namespace ? -1 : 1)
        || a.work - b.work
        || a.seq - b.seq)
      .map((entry) => entry.step);
  }
}
