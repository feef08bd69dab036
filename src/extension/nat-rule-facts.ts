// The facts the Hosts tree shows beside a NAT rule's words (src/model/nat-wording.ts): who owns it, which
// backend holds it, and whether it has options VNet does not model. Pure; host text is made printable.

import type { NatRule } from '../model/topology';
import { plainText } from './text-safety';

/** The rule's extra facts for the description: owner, backend, options this tool does not model. */
export function natRuleFacts(rule: NatRule): string[] {
  const facts: string[] = [];
  if (rule.owner) facts.push(`lab ${plainText(rule.owner)}`);
  else if (rule.comment) facts.push(`“${plainText(rule.comment)}”`);
  if (rule.backend === 'legacy') facts.push('iptables-legacy');
  if (rule.extra?.length) facts.push('more options (see tooltip)');
  return facts;
}
