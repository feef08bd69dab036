// NAT rules in words, the one place that words them. Two forms of one reading:
// - long, for the Hosts tree and dialogs: `masquerade 172.16.0.0/24 leaving by any but br0`,
//   `tcp :8088 → 172.16.0.102:80 arriving by any but br0`;
// - short, for the diagram: `MASQ from 172.16.0.0/24, not out br0`.
// The raw iptables-save line stays the precise form (`vnet show`, tooltips). Host data passes through
// unchanged: each face makes the result printable its own way.

import { describeAddressMatch } from './nat';
import { NAT_TARGETS } from './nat-targets';
import type { AddressMatch, NatRule } from './topology';

type RuleWords = Pick<NatRule, 'chain' | 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol' | 'dport' | 'target'>
  & { extra?: string[] };

// ---- the long form ----

function anyBut(m: AddressMatch, shown: string): string {
  return m.negated ? `any but ${shown}` : shown;
}

function longAddress(m: AddressMatch): string {
  return anyBut(m, describeAddressMatch({ value: m.value, negated: false }));
}

/** A port range as people write it: `8000-8100`. */
export function longPort(dport: string): string {
  return dport.replace(':', '-');
}

/** The address, interface and protocol fields any rule matches on (NAT, filter, nft facts mapped onto them). */
export type ConditionWords = Pick<NatRule, 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol' | 'dport'>;

/**
 * The conditions of a rule other than the ones its main phrase already says, in reading order. Shared by
 * every rule wording (filter-wording.ts, nft-wording.ts): one sentence shape for one fact.
 */
export function longConditions(rule: ConditionWords, skip: { source?: boolean; protocol?: boolean } = {}): string[] {
  const out: string[] = [];
  if (rule.source && !skip.source) out.push(`from ${longAddress(rule.source)}`);
  if (rule.destination) out.push(`to ${longAddress(rule.destination)}`);
  if (rule.protocol && !skip.protocol) out.push(rule.dport ? `${rule.protocol} :${longPort(rule.dport)}` : rule.protocol);
  if (rule.inInterface) out.push(`arriving by ${anyBut(rule.inInterface, rule.inInterface.value)}`);
  if (rule.outInterface) out.push(`leaving by ${anyBut(rule.outInterface, rule.outInterface.value)}`);
  return out;
}

/** One line that says what a rule does. */
export function wordNatRule(rule: RuleWords): string {
  const target = rule.target;
  const word = NAT_TARGETS[target.kind].longWord;
  const from = rule.source ? longAddress(rule.source) : 'everything';
  let parts: string[];
  switch (target.kind) {
    case 'MASQUERADE': parts = [word, from, ...longConditions(rule, { source: true })]; break;
    case 'SNAT': parts = [word, from, `→ ${target.to}`, ...longConditions(rule, { source: true })]; break;
    case 'DNAT':
      parts = rule.protocol && rule.dport
        ? [`${rule.protocol} :${longPort(rule.dport)} → ${target.to}`, ...longConditions(rule, { protocol: true })]
        : [word, `→ ${target.to}`, ...longConditions(rule)];
      break;
    case 'jump': parts = [`${word} ${target.chain}`, ...longConditions(rule)]; break;
    case 'other': parts = [target.name || word, target.args, ...longConditions(rule)]; break;
    default: parts = [word, ...longConditions(rule)];
  }
  return parts.filter((p) => p.length > 0).join(' ');
}

// ---- the short form ----

/** A rule's address and interface matches in words: `from 172.16.0.0/24, not out br0`. */
export function shortNatConditions(rule: ConditionWords & { extra?: string[] }): string {
  const conditions: string[] = [];
  const address = (word: string, m: AddressMatch) => `${m.negated ? 'not ' : ''}${word} ${describeAddressMatch({ ...m, negated: false })}`;
  const iface = (word: string, m: AddressMatch) => `${m.negated ? 'not ' : ''}${word} ${m.value}`;
  if (rule.source) conditions.push(address('from', rule.source));
  if (rule.destination) conditions.push(address('to', rule.destination));
  if (rule.inInterface) conditions.push(iface('in', rule.inInterface));
  if (rule.outInterface) conditions.push(iface('out', rule.outInterface));
  if (rule.extra?.length) conditions.push(rule.extra.join(' '));
  return conditions.join(', ');
}

function shortAction(rule: RuleWords): string {
  const target = rule.target;
  const word = NAT_TARGETS[target.kind].shortWord;
  switch (target.kind) {
    case 'SNAT': case 'DNAT': return `${word} → ${target.to}`;
    case 'jump': return `${word} ${target.chain}`;
    case 'other': return [target.name, target.args].filter(Boolean).join(' ');
    default: return word;
  }
}

/** A rule in words, short enough to draw: `MASQ from 172.16.0.0/24, not out br0`. */
export function shortNatRule(rule: RuleWords): string {
  const conditions: string[] = [];
  const matches = shortNatConditions(rule);
  if (matches) conditions.push(matches);
  if (rule.protocol) conditions.push(rule.dport ? `${rule.protocol} ${rule.dport}` : rule.protocol);
  else if (rule.dport) conditions.push(`port ${rule.dport}`);
  // A rule in its action's usual chain needs no chain name; one elsewhere says where it is.
  const usual = rule.chain === 'POSTROUTING' || rule.chain === 'PREROUTING';
  return `${usual ? '' : `${rule.chain}: `}${shortAction(rule)}${conditions.length ? ` ${conditions.join(', ')}` : ''}`;
}

// ---- the precise form ----

/** The rule as iptables-save prints it, without its leading `-A CHAIN`. */
export function natRuleBody(rule: Pick<NatRule, 'rule'>): string {
  return rule.rule.replace(/^-A \S+\s*/, '');
}
