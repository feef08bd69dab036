// iptables rules (nat and filter) as the chain walker takes them.

import type { FilterRule, FilterTarget } from '../model/firewall';
import type { NatRule, NatTarget } from '../model/topology';
import type { WalkRule, WalkStep } from './chain-walk';
import { markChange } from './marks';
import { conditionsHold } from './match-iptables';

function filterStep(target: FilterTarget): WalkStep {
  switch (target.kind) {
    case 'ACCEPT': case 'DROP': return { kind: 'verdict', verdict: target.kind, to: null };
    case 'REJECT': return { kind: 'verdict', verdict: 'REJECT', to: null };
    case 'RETURN': return { kind: 'return' };
    case 'jump': return { kind: 'jump', chain: target.chain };
    case 'goto': return { kind: 'goto', chain: target.chain };
    case 'LOG': return { kind: 'continue' };
    case 'MARK': return markStep(target.args);
    case 'other': return { kind: 'unknown', what: `target ${target.name || '(none)'} is not evaluated` };
  }
}

function natStep(target: NatTarget): WalkStep {
  switch (target.kind) {
    case 'MASQUERADE': case 'ACCEPT': return { kind: 'verdict', verdict: target.kind, to: null };
    case 'SNAT': case 'DNAT': return { kind: 'verdict', verdict: target.kind, to: target.to };
    case 'RETURN': return { kind: 'return' };
    case 'jump': return { kind: 'jump', chain: target.chain };
    case 'other': return target.name === 'MARK' ? markStep(target.args) : { kind: 'unknown', what: `target ${target.name} ${target.args} is not evaluated`.trim() };
  }
}

function markStep(args: string): WalkStep {
  const change = markChange(args);
  return change ? { kind: 'mark', change } : { kind: 'unknown', what: `MARK ${args} is not evaluated` };
}

/**
 * A rule list's walk rules, made once per list while it keeps its length: every hook of every hop asks
 * for them, and many traces of one network ask again.
 */
const made = new WeakMap<readonly object[], { length: number; rules: WalkRule[] }>();

function cached<T extends object>(list: readonly T[], make: (rule: T) => WalkRule): WalkRule[] {
  const known = made.get(list);
  if (known && known.length === list.length) return known.rules;
  const rules = list.map(make);
  made.set(list, { length: list.length, rules });
  return rules;
}

export function filterWalkRules(rules: readonly FilterRule[]): WalkRule[] {
  return cached(rules, (rule) => ({ chain: rule.chain, text: rule.rule, holds: (ctx) => conditionsHold(rule, ctx), step: filterStep(rule.target) }));
}

export function natWalkRules(rules: readonly NatRule[]): WalkRule[] {
  return cached(rules, (rule) => ({ chain: rule.chain, text: rule.rule, holds: (ctx) => conditionsHold(rule, ctx), step: natStep(rule.target) }));
}
