// What filters forwarding in a namespace, as the diagram shows it at the box's edge: the drop policies
// (iptables FORWARD policy DROP, a native forward base chain with policy drop), and the rules that accept
// or drop forwarded packets, found by walking from the forward hook through the chains it jumps to. The
// details pane gets every table, chain and rule. Live-only facts: a file never declares them, so drift
// never marks them (drift.ts keeps the live side's view as it is).

import { filterVerdict, shortFilterRule, wordChain } from '../model/filter-wording';
import type { FilterRule, IptablesTableState } from '../model/firewall';
import type { NftChain, NftTable } from '../model/nftables';
import { nftVerdictDecision, shortNftRule, wordNftChainHead, wordNftTable } from '../model/nft-wording';
import type { Namespace } from '../model/topology';
import type { FirewallView, ForwardRuleView } from './model';

/** The rules of a filter table that forwarded packets can meet, in the order they meet them. */
function iptablesForwardRules(table: IptablesTableState): ForwardRuleView[] {
  const out: ForwardRuleView[] = [];
  const visited = new Set<string>();
  const walk = (chain: string) => {
    if (visited.has(chain)) return;
    visited.add(chain);
    for (const rule of table.rules.filter((r: FilterRule) => r.chain === chain)) {
      const verdict = filterVerdict(rule.target);
      if (verdict) out.push({ verdict, summary: shortFilterRule(rule), rule: rule.rule });
      if (rule.target.kind === 'jump' || rule.target.kind === 'goto') walk(rule.target.chain);
    }
  };
  walk('FORWARD');
  return out;
}

/** The same for a native table, from each of its forward base chains. */
function nftForwardRules(table: NftTable): ForwardRuleView[] {
  const out: ForwardRuleView[] = [];
  const visited = new Set<string>();
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  const walk = (chain: NftChain, base: boolean) => {
    if (visited.has(chain.name)) return;
    visited.add(chain.name);
    for (const rule of chain.rules) {
      const verdict = rule.facts.verdict;
      const decision = nftVerdictDecision(verdict);
      if (decision) out.push({ verdict: decision, summary: `${base ? '' : `${chain.name}: `}${shortNftRule(rule)}`, rule: `${table.family} ${table.name} ${chain.name}: ${rule.text}` });
      const next = verdict && (verdict.kind === 'jump' || verdict.kind === 'goto') ? byName.get(verdict.chain) : undefined;
      if (next) walk(next, false);
    }
  };
  for (const chain of table.chains) if (chain.hook === 'forward') walk(chain, true);
  return out;
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
  const filters = (ns.iptables ?? []).filter((t) => t.table === 'filter');
  const nft = ns.nftTables ?? [];
  if (!(ns.iptables ?? []).some((t) => t.chains.length || t.rules.length) && !nft.length) return null;
  const dropPolicies: string[] = [];
  for (const table of filters) {
    const forward = table.chains.find((c) => c.name === 'FORWARD' && c.policy === 'DROP');
    if (forward && !dropPolicies.includes(wordChain(forward))) dropPolicies.push(wordChain(forward));
  }
  for (const table of nft) {
    for (const chain of table.chains) if (chain.hook === 'forward' && chain.policy === 'drop') dropPolicies.push(`${table.name} ${chain.name} policy drop`);
  }
  return {
    dropPolicies,
    forwardRules: [...filters.flatMap(iptablesForwardRules), ...nft.flatMap(nftForwardRules)],
    details: firewallDetails(ns),
  };
}
