// Rules of the filter, mangle and raw tables in the form iptables-save prints them. Read-only to VNet:
// the probe parses them with parseFilterRule, and no plan ever writes one.

import type { FilterRule } from './firewall';
import { parseFilterTarget } from './filter-targets';
import { OWNER_PREFIX } from './nat';
import { readRuleConditions } from './rule-conditions';

export function parseFilterRule(line: string): FilterRule | null {
  const read = readRuleConditions(line);
  if (!read) return null;
  const { matches, unmodelled, ...basic } = read.conditions;
  const rule: FilterRule = {
    chain: read.chain,
    rule: line.trim(),
    ...basic,
    target: read.target ? parseFilterTarget(read.target.flag, read.target.name, read.target.args) : { kind: 'other', name: '', args: '' },
    comment: read.comment,
  };
  if (matches) rule.matches = matches;
  if (unmodelled) rule.unmodelled = unmodelled;
  if (rule.comment?.startsWith(OWNER_PREFIX)) rule.owner = rule.comment.slice(OWNER_PREFIX.length);
  return rule;
}
