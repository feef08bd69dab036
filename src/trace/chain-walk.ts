// Walks iptables chains the way the kernel does: rules in order, jumps that come back, gotos that do
// not, RETURN, and the built-in chain's policy when nothing decided. One walker for filter and nat, iptables and native nft.

import type { MatchContext, Tri } from './match-context';

/** What a rule's target does to the walk. */
export type WalkStep =
  | { kind: 'verdict'; verdict: string; to: string | null }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'return' }
  | { kind: 'continue' }
  | { kind: 'mark'; change: (mark: number) => number }
  | { kind: 'unknown'; what: string };

export interface WalkRule {
  chain: string;
  /** The rule as iptables-save prints it. */
  text: string;
  /** Whether the rule's conditions hold for the packet. */
  holds: (ctx: MatchContext) => Tri;
  step: WalkStep;
}

export interface WalkDecision {
  verdict: string;
  to: string | null;
  rule: string;
}

export type OnUnknown = (rule: string, assumed: string) => void;

const MAX_DEPTH = 64;

/** The decision of the rules reached from `start`, or null when none decided (the policy applies). */
export function walkChains(rules: readonly WalkRule[], start: string, ctx: MatchContext, onUnknown: OnUnknown): WalkDecision | null {
  const visit = (chain: string, depth: number): WalkDecision | 'return' => {
    if (depth > MAX_DEPTH) { onUnknown(`chain ${chain}`, 'the chains jump in a loop: assumed the packet goes on'); return 'return'; }
    for (const rule of rules) {
      if (rule.chain !== chain) continue;
      const held = rule.holds(ctx);
      if (typeof held === 'object') { onUnknown(rule.text, `${held.unknown}: assumed the rule does not match`); continue; }
      if (!held) continue;
      const step = rule.step;
      switch (step.kind) {
        case 'verdict': return { verdict: step.verdict, to: step.to, rule: rule.text };
        case 'return': return 'return';
        case 'continue': continue;
        case 'mark': ctx.packet.mark = step.change(ctx.packet.mark); continue;
        case 'unknown': onUnknown(rule.text, `${step.what}: assumed the packet goes on`); continue;
        case 'goto': return visit(step.chain, depth + 1);
        case 'jump': {
          const inner = visit(step.chain, depth + 1);
          if (inner !== 'return') return inner;
        }
      }
    }
    return 'return';
  };
  const decision = visit(start, 0);
  return decision === 'return' ? null : decision;
}
