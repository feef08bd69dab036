// NAT rules worded for people, as the Hosts tree shows them: `masquerade 172.16.0.0/24 leaving by any but
// br0`, `tcp :8088 → 172.16.0.102:80 arriving by any but br0`. The raw iptables-save line stays in the
// tooltip. Pure; the result is plain text (host data is escaped by plainText).

import { describeAddressMatch } from '../model/nat';
import type { AddressMatch, NatRule } from '../model/topology';
import { plainText } from './text-safety';

function address(m: AddressMatch): string {
  const shown = describeAddressMatch({ value: m.value, negated: false });
  return m.negated ? `any but ${shown}` : shown;
}

function iface(m: AddressMatch): string {
  return m.negated ? `any but ${m.value}` : m.value;
}

function port(dport: string): string {
  return dport.replace(':', '-');
}

/** The conditions of a rule other than the ones its main phrase already says, in reading order. */
function conditions(rule: NatRule, skip: { source?: boolean; protocol?: boolean } = {}): string[] {
  const out: string[] = [];
  if (rule.source && !skip.source) out.push(`from ${address(rule.source)}`);
  if (rule.destination) out.push(`to ${address(rule.destination)}`);
  if (rule.protocol && !skip.protocol) out.push(rule.dport ? `${rule.protocol} :${port(rule.dport)}` : rule.protocol);
  if (rule.inInterface) out.push(`arriving by ${iface(rule.inInterface)}`);
  if (rule.outInterface) out.push(`leaving by ${iface(rule.outInterface)}`);
  return out;
}

function sentence(parts: readonly string[]): string {
  return plainText(parts.filter((p) => p.length > 0).join(' '));
}

/** One line that says what a rule does. */
export function wordNatRule(rule: NatRule): string {
  const target = rule.target;
  switch (target.kind) {
    case 'MASQUERADE':
      return sentence(['masquerade', rule.source ? address(rule.source) : 'everything', ...conditions(rule, { source: true })]);
    case 'SNAT':
      return sentence(['snat', rule.source ? address(rule.source) : 'everything', `→ ${target.to}`, ...conditions(rule, { source: true })]);
    case 'DNAT':
      if (rule.protocol && rule.dport) {
        return sentence([`${rule.protocol} :${port(rule.dport)} → ${target.to}`, ...conditions(rule, { protocol: true })]);
      }
      return sentence(['dnat', `→ ${target.to}`, ...conditions(rule)]);
    case 'jump':
      return sentence([`go to chain ${target.chain}`, ...conditions(rule)]);
    case 'ACCEPT':
      return sentence(['no NAT', ...conditions(rule)]);
    case 'RETURN':
      return sentence(['return (no NAT)', ...conditions(rule)]);
    case 'other':
      return sentence([target.name || 'rule', target.args, ...conditions(rule)]);
  }
}

/** The rule's extra facts for the description: owner, backend, options this tool does not model. */
export function natRuleFacts(rule: NatRule): string[] {
  const facts: string[] = [];
  if (rule.owner) facts.push(`lab ${plainText(rule.owner)}`);
  else if (rule.comment) facts.push(`“${plainText(rule.comment)}”`);
  if (rule.backend === 'legacy') facts.push('iptables-legacy');
  if (rule.extra?.length) facts.push('more options (see tooltip)');
  return facts;
}
