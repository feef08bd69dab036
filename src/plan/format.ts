// Plans and results for people (the CLI, the extension's output channel) and for programs (--json). Pure.

import type { HostCommand, Plan, PlanStep, StepAction } from './plan';
import { stepCounts } from './plan';

const SIGN: Record<StepAction, string> = { create: '+', change: '~', delete: '-' };

export interface PlannedHost {
  /** Name of the host inside the lab. */
  host: string;
  /** Where it was reached. */
  target: string;
  plan: Plan;
}

function summarizeCounts(plan: Plan): string {
  const counts = stepCounts(plan);
  return `${counts.create} to create, ${counts.change} to change, ${counts.delete} to delete`;
}

export function formatStep(step: PlanStep, index: number, total: number): string {
  const width = String(total).length;
  return `${String(index + 1).padStart(width)}. ${SIGN[step.action]} ${step.description}`;
}

/** The plan of each host, as `vnet plan` prints it. */
export function formatPlans(hosts: readonly PlannedHost[], verb: 'apply' | 'destroy' = 'apply'): string {
  const out: string[] = [];
  for (const { host, target, plan } of hosts) {
    const hostLabel = hosts.length > 1 ? `${host} (${target})` : target;
    if (plan.conflicts.length) {
      out.push(`Lab ${plan.lab} on ${hostLabel}: ${plan.conflicts.length} conflict${plan.conflicts.length === 1 ? '' : 's'} with elements it does not own:`);
      for (const conflict of plan.conflicts) out.push(`  ! ${conflict.element}: ${conflict.reason}${conflict.adopt ? ` (--adopt ${conflict.adopt})` : ''}`);
    }
    if (!plan.steps.length) {
      out.push(verb === 'destroy'
        ? `Lab ${plan.lab} owns nothing on ${hostLabel}: nothing to destroy.`
        : `Lab ${plan.lab} on ${hostLabel} is up to date: nothing to do.`);
    } else {
      out.push(`${verb === 'destroy' ? 'Destroy' : 'Plan for'} lab ${plan.lab} on ${hostLabel}: ${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} (${summarizeCounts(plan)})`);
      plan.steps.forEach((step, i) => out.push(`  ${formatStep(step, i, plan.steps.length)}`));
    }
    for (const warning of plan.warnings) out.push(`  warning: ${warning}`);
  }
  return `${out.join('\n')}\n`;
}

function commandJson(command: HostCommand): Record<string, unknown> {
  switch (command.tool) {
    case 'ip': return { tool: 'ip', namespace: command.namespace, args: command.args };
    case 'tc': return { tool: 'tc', namespace: command.namespace, args: command.args };
    case 'iptables': return { tool: 'iptables-restore', namespace: command.namespace, table: command.table, line: command.args };
    case 'forwarding': return { tool: 'sysctl', namespace: command.namespace, key: 'net.ipv4.ip_forward', value: command.enable ? 1 : 0 };
    case 'claim': return { tool: 'state', claim: command.record };
    case 'release': return { tool: 'state', release: command.record };
    case 'await-gone': return { tool: 'wait', gone: command.interface };
  }
}

/** The JSON of `vnet plan --json` (schema vnet.plan/1). */
export function plansJson(hosts: readonly PlannedHost[], extra: Record<string, (host: PlannedHost) => unknown> = {}): unknown {
  return {
    schema: 'vnet.plan/1',
    lab: hosts[0]?.plan.lab ?? null,
    hosts: hosts.map((h) => ({
      host: h.host,
      target: h.target,
      summary: stepCounts(h.plan),
      steps: h.plan.steps.map((step, index) => ({
        index: index + 1,
        action: step.action,
        stage: step.stage,
        namespace: step.namespace,
        description: step.description,
        commands: step.commands.map(commandJson),
      })),
      conflicts: h.plan.conflicts,
      warnings: h.plan.warnings,
      ...Object.fromEntries(Object.entries(extra).map(([key, fn]) => [key, fn(h)])),
    })),
  };
}
