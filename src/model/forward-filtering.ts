// What filters forwarded packets in a namespace, found once for every face: the policies that drop what
// no rule accepts (the filter table's FORWARD policy DROP; a native base chain on the forward hook of an
// ip, ip6 or inet table with policy drop), and the rules a forwarded packet can meet, found by walking
// from the forward hook through the chains it jumps to. Pure; the faces word and draw the result.

import { filterVerdict, wordChain, type FilterVerdict } from './filter-wording';
import type { FilterRule, IptablesTableState } from './firewall';
import type { NftChain, NftRule, NftTable } from './nftables';
import { nftVerdictDecision } from './nft-wording';
import type { Namespace } from './topology';

/** The nft families whose forward hook sees routed packets (a bridge table's sees bridged frames). */
const ROUTED_FAMILIES: ReadonlySet<string> = new Set(['ip', 'ip6', 'inet']);

function forwardBaseChains(table: NftTable): NftChain[] {
  return ROUTED_FAMILIES.has(table.family) ? table.chains.filter((c) => c.hook === 'forward' && c.type !== 'nat') : [];
}

/** `FORWARD policy DROP`, `firewalld filter_FORWARD policy drop`: what stops forwarding by default. */
export function forwardDropPolicies(ns: Pick<Namespace, 'iptables' | 'nftTables'>): string[] {
  const out: string[] = [];
  for (const table of ns.iptables ?? []) {
    const forward = table.table === 'filter' ? table.chains.find((c) => c.name === 'FORWARD' && c.policy === 'DROP') : undefined;
    if (forward && !out.includes(wordChain(forward))) out.push(wordChain(forward));
  }
  for (const table of ns.nftTables ?? []) {
    for (const chain of forwardBaseChains(table)) if (chain.policy === 'drop') out.push(`${table.name} ${chain.name} policy drop`);
  }
  return out;
}

export type ForwardRule =
  | { source: 'iptables'; table: IptablesTableState; rule: FilterRule; verdict: Exclude<FilterVerdict, null> }
  | { source: 'nft'; table: NftTable; chain: NftChain; base: boolean; rule: NftRule; verdict: Exclude<FilterVerdict, null> };

/** The filter rules a forwarded packet can meet that accept or drop it, in the order it meets them. */
function iptablesForwardRules(table: IptablesTableState): ForwardRule[] {
  const out: ForwardRule[] = [];
  const visited = new Set<string>();
  const walk = (chain: string) => {
    if (visited.has(chain)) return;
    visited.add(chain);
    for (const rule of table.rules.filter((r) => r.chain === chain)) {
      const verdict = filterVerdict(rule.target);
      if (verdict) out.push({ source: 'iptables', table, rule, verdict });
      if (rule.target.kind === 'jump' || rule.target.kind === 'goto') walk(rule.target.chain);
    }
  };
  walk('FORWARD');
  return out;
}

function nftForwardRules(table: NftTable): ForwardRule[] {
  const out: ForwardRule[] = [];
  const visited = new Set<string>();
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  const walk = (chain: NftChain, base: boolean) => {
    if (visited.has(chain.name)) return;
    visited.add(chain.name);
    for (const rule of chain.rules) {
      const verdict = rule.facts.verdict;
      const decision = nftVerdictDecision(verdict);
      if (decision) out.push({ source: 'nft', table, chain, base, rule, verdict: decision });
      const next = verdict && (verdict.kind === 'jump' || verdict.kind === 'goto') ? byName.get(verdict.chain) : undefined;
      if (next) walk(next, false);
    }
  };
  for (const chain of forwardBaseChains(table)) walk(chain, true);
  return out;
}

/** Every rule that accepts or drops forwarded packets: the filter tables' first, then native tables'. */
export function forwardRules(ns: Pick<Namespace, 'iptables' | 'nftTables'>): ForwardRule[] {
  return [
    ...(ns.iptables ?? []).filter((t) => t.table === 'filter').flatMap(iptablesForwardRules),
    ...(ns.nftTables ?? []).flatMap(nftForwardRules),
  ];
}
