// What filters forwarding in a namespace, as the diagram shows it at the box's edge: the drop policies
// (iptables FORWARD policy DROP, a native forward base chain with policy drop) and the rules that accept
// or drop forwarded packets, as src/model/forward-filtering.ts finds them, in short words. The details
// pane gets every table, chain and rule. Live-only facts: a file never declares them, so drift
// never marks them (drift.ts keeps the live side's view as it is).

import { shortFilterRule, wordChain } from '../model/filter-wording';
import { forwardDropPolicies, forwardRules, type ForwardRule } from '../model/forward-filtering';
import { shortNftRule, wordNftChainHead, wordNftTable } from '../model/nft-wording';
import type { Namespace } from '../model/topology';
import type { FirewallView, ForwardRuleView } from './model';

/** A forward rule as the box lists it: short words, and its precise text for the details. */
function forwardRuleView(found: ForwardRule): ForwardRuleView {
  if (found.source === 'iptables') return { verdict: found.verdict, summary: shortFilterRule(found.rule), rule: found.rule.rule };
  const { table, chain, base, rule } = found;
  return { verdict: found.verdict, summary: `${base ? '' : `${chain.name}: `}${shortNftRule(rule)}`, rule: `${table.family} ${table.name} ${chain.name}: ${rule.text}` };
}

/** Every table, chain and rule, for the details pane, as label/value pairs. */
function firewallDetails(ns: Namespace): [string, string][] {
  const fields: [string, string][] = [];
  for (const table of ns.iptables ?? []) {
    const backend = table.backend === 'legacy' ? ' (legacy)' : '';
    for (const chain of table.chains) {
      fields.push([`${table.table} chain${backend}`, wordChain(chain)]);
      for (const rule of table.rules.filter((r) => r.chain === chain.name)) fields.push([`${table.table} rule`, rule.rule]);
    }
  }
  for (const table of ns.nftTables ?? []) {
    fields.push(['nft table', wordNftTable(table)]);
    for (const chain of table.chains) {
      fields.push(['nft chain', `${chain.name}: ${wordNftChainHead(chain)}`]);
      for (const rule of chain.rules) fields.push(['nft rule', `${chain.name}: ${rule.text}`]);
    }
  }
  return fields;
}

/** Null when the namespace holds no filter chains and no native tables (or the host did not say). */
export function buildFirewallView(ns: Namespace): FirewallView | null {
  const nft = ns.nftTables ?? [];
  if (!(ns.iptables ?? []).some((t) => t.chains.length || t.rules.length) && !nft.length) return null;
  return {
    dropPolicies: forwardDropPolicies(ns),
    forwardRules: forwardRules(ns).map(forwardRuleView),
    details: firewallDetails(ns),
  };
}
