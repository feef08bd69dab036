// A plan as the read-only document the user reviews before anything changes: per host, the counts, every
// step marked + (create), ~ (change) or - (delete), the conflicts that stop it and the warnings. Pure.

import { DEFAULT_MACHINE } from '../model/topology';
import { stepCounts, type Plan } from '../plan/plan';
import type { HostPlan } from '../engine/converge';
import { plainText } from './text-safety';

const MARK = { create: '+', change: '~', delete: '-' } as const;

export type LabVerb = 'plan' | 'apply' | 'destroy';

function countsLine(plan: Plan): string {
  const counts = stepCounts(plan);
  if (plan.steps.length === 0) return 'no changes';
  return `${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'}: ${counts.create} to create, ${counts.change} to change, ${counts.delete} to delete`;
}

export function planChanges(plans: readonly HostPlan[]): number {
  return plans.reduce((sum, p) => sum + p.plan.steps.length, 0);
}

/** One line for a dialog: `12 steps on root@h1 (10 to create, 1 to change, 1 to delete)`. */
export function planSummary(plans: readonly HostPlan[]): string {
  return plans.map((p) => `${plainText(p.target)}: ${countsLine(p.plan)}`).join('; ');
}

export function formatPlans(lab: string, verb: LabVerb, plans: readonly HostPlan[]): string {
  const out: string[] = [];
  const heading = verb === 'destroy' ? `Destroy lab ${lab}` : verb === 'apply' ? `Apply lab ${lab}` : `Plan for lab ${lab}`;
  out.push(plainText(heading), '');
  for (const { host, target, plan } of plans) {
    // A single-host file calls its host `host`: then the target alone says where.
    out.push(plainText(`${host === target || host === DEFAULT_MACHINE ? target : `${host} → ${target}`}: ${countsLine(plan)}`));
    for (const step of plan.steps) out.push(`  ${MARK[step.action]} ${plainText(step.description)}`);
    if (plan.conflicts.length) {
      out.push('', '  Conflicts — nothing changes on this host until they are adopted:');
      for (const conflict of plan.conflicts) {
        out.push(plainText(`  ! ${conflict.element}: ${conflict.reason} (adopt key: ${conflict.adopt})`));
      }
    }
    if (plan.warnings.length) {
      out.push('', '  Warnings:');
      for (const warning of plan.warnings) out.push(plainText(`  ⚠ ${warning}`));
    }
    out.push('');
  }
  out.push(verb === 'plan'
    ? 'Nothing has changed. Run "VNet: Apply" to make these changes.'
    : 'Nothing has changed yet: confirm in the dialog to go ahead.');
  return `${out.join('\n')}\n`;
}
