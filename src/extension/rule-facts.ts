// The facts the Hosts tree shows beside an iptables rule's words (src/model/nat-wording.ts,
// filter-wording.ts): who owns it, which backend holds it, and whether it has options the words leave out.
// Pure; host text is made printable.

import type { FilterRule } from '../model/firewall';
import type { NatRule } from '../model/topology';
import { plainText } from './text-safety';

/** A rule's extra facts for the description: owner (or comment), backend, options left out of its words. */
function ruleFacts(rule: Pick<NatRule, 'owner' | 'comment' | 'backend'>, moreOptions: boolean): string[] {
  const facts: string[] = [];
  if (rule.owner) facts.push(`lab ${plainText(rule.owner)}`);
  else if (rule.comment) facts.push(`“${plainText(rule.comment)}”`);
  if (rule.backend === 'legacy') facts.push('iptables-legacy');
  if (moreOptions) facts.push('more options (see tooltip)');
  return facts;
}

/** A NAT rule: every option beyond the basic fields is in the tooltip only. */
export function natRuleFacts(rule: NatRule): string[] {
  return ruleFacts(rule, Boolean(rule.extra?.length));
}

/** A filter, mangle or raw rule: its backend is its table's, said on the table's row. */
export function filterRuleFacts(rule: FilterRule): string[] {
  return ruleFacts(rule, Boolean(rule.unmodelled?.length));
}
