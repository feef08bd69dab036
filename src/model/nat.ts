// NAT rules in the form iptables-save prints them. The probe parses live rules with parseNatRule, the
// planner writes desired rules with renderNatRule, and both compare them by natRuleKey, so that a rule
// typed by hand in a tutorial and the same rule written by apply are recognised as one.

import { isSingleAddress, parseCidr } from './cidr';
import { natTargetTokens, parseNatTarget } from './nat-targets';
import { canonicalAddressMatch, quoteIptablesToken, readRuleConditions } from './rule-conditions';
import type { AddressMatch, NatRule } from './topology';

export const OWNER_PREFIX = 'vnet:';

/** Kept here too: the planner reads rule text with it. */
export { tokenizeIptables } from './rule-conditions';

export function parseNatRule(line: string): NatRule | null {
  const read = readRuleConditions(line);
  if (!read) return null;
  const { matches, unmodelled, ...basic } = read.conditions;
  const rule: NatRule = {
    chain: read.chain,
    rule: line.trim(),
    ...basic,
    target: read.target ? parseNatTarget(read.target.flag, read.target.name, read.target.args) : { kind: 'other', name: '', args: '' },
    comment: read.comment,
  };
  // The planner compares and keeps rules by `extra`; `matches` and `unmodelled` say what it means.
  if (read.extra.length) rule.extra = read.extra;
  if (matches) rule.matches = matches;
  if (unmodelled) rule.unmodelled = unmodelled;
  if (rule.comment?.startsWith(OWNER_PREFIX)) rule.owner = rule.comment.slice(OWNER_PREFIX.length);
  return rule;
}

/** Fields a desired rule is built from; the same fields a parsed rule has. */
export type NatRuleFields = Omit<NatRule, 'rule' | 'owner' | 'extra'>;

/** Renders fields the way iptables-save prints them (option order included). */
export function renderNatRule(fields: NatRuleFields, options: { withComment?: boolean } = {}): string {
  const parts: string[] = ['-A', fields.chain];
  const add = (flag: string, m: AddressMatch | null, address: boolean) => {
    if (!m) return;
    if (m.negated) parts.push('!');
    parts.push(flag, address ? canonicalAddressMatch(m.value) : m.value);
  };
  add('-s', fields.source, true);
  add('-d', fields.destination, true);
  add('-i', fields.inInterface, false);
  add('-o', fields.outInterface, false);
  if (fields.protocol) parts.push('-p', fields.protocol);
  if (fields.dport) {
    if (fields.protocol) parts.push('-m', fields.protocol);
    parts.push('--dport', fields.dport);
  }
  if (fields.comment && options.withComment !== false) parts.push('-m', 'comment', '--comment', quoteIptablesToken(fields.comment));
  parts.push(...natTargetTokens(fields.target));
  return parts.join(' ');
}

/** What makes two rules the same rule: everything but the comment (which carries the ownership mark). */
export function natRuleKey(rule: NatRule | NatRuleFields): string {
  const extra = 'extra' in rule && rule.extra?.length ? ` ${rule.extra.join(' ')}` : '';
  return renderNatRule({ ...rule, comment: null }, { withComment: false }) + extra;
}

export function ownerMark(lab: string): string {
  return `${OWNER_PREFIX}${lab}`;
}

/** Whether a parsed single address (/32, /128) — used when wording rules for people. */
export function describeAddressMatch(m: AddressMatch): string {
  const cidr = parseCidr(m.value);
  const shown = cidr && isSingleAddress(cidr) ? m.value.slice(0, m.value.indexOf('/')) : m.value;
  return m.negated ? `not ${shown}` : shown;
}
