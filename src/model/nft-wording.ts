// Native nftables tables, chains and rules in words, the one place that words them. Rules are worded from
// the facts the probe decoded (NftRuleFacts), with the same condition words as iptables rules
// (nat-wording.ts longConditions, filter-wording.ts ct states); the nft text stays the precise form.
// - long, for the Hosts tree: `accept established, related`, `masquerade from 10.88.0.0/16`;
// - short, for the diagram: `accept est/rel`, `drop in eth0`.
// Host data passes through unchanged: each face makes the result printable its own way.

import type { NftChain, NftOwner, NftRule, NftRuleFacts, NftTable, NftVerdict } from './nftables';
import { longConditions, shortNatConditions, type ConditionWords } from './nat-wording';
import { longCtStates, shortCtStates, type FilterVerdict } from './filter-wording';

/** How each owner is named (the table's name says who wrote it). */
export const NFT_OWNER_WORDS: Readonly<Record<NftOwner, string>> = {
  firewalld: 'firewalld', netavark: 'netavark (Podman)', docker: 'Docker', 'kube-proxy': 'kube-proxy',
};

/** `firewalld: inet firewalld`, or `inet filter` when no owner is known. */
export function wordNftTable(table: Pick<NftTable, 'family' | 'name' | 'owner'>): string {
  const id = `${table.family} ${table.name}`;
  return table.owner ? `${NFT_OWNER_WORDS[table.owner]}: ${id}` : id;
}

/** `filter hook forward priority 0 policy drop`; a regular chain says so. */
export function wordNftChainHead(chain: Pick<NftChain, 'type' | 'hook' | 'priority' | 'policy'>): string {
  if (chain.type === null && chain.hook === null) return 'regular chain';
  const parts = [chain.type ?? '', chain.hook ? `hook ${chain.hook}` : '', chain.priority !== null ? `priority ${chain.priority}` : '',
    chain.policy ? `policy ${chain.policy}` : ''];
  return parts.filter(Boolean).join(' ');
}

/** What a verdict decides for the packet: accept, drop (drop, reject), or nothing by itself. */
export function nftVerdictDecision(verdict: NftVerdict | null): FilterVerdict {
  if (!verdict) return null;
  if (verdict.kind === 'accept') return 'accept';
  if (verdict.kind === 'drop' || verdict.kind === 'reject') return 'drop';
  return null;
}

function conditionsOf(facts: NftRuleFacts): ConditionWords {
  return {
    source: facts.saddr, destination: facts.daddr, inInterface: facts.iifname, outInterface: facts.oifname,
    protocol: facts.l4proto, dport: facts.dport ? facts.dport.join(', ') : null,
  };
}

function longVerdict(verdict: NftVerdict): string {
  switch (verdict.kind) {
    case 'jump': return `go to chain ${verdict.chain}`;
    case 'goto': return `go to chain ${verdict.chain} (no return)`;
    case 'return': return 'return to the calling chain';
    case 'snat': case 'dnat': return `${verdict.kind} → ${verdict.to}`;
    case 'redirect': return verdict.to ? `redirect → ${verdict.to}` : 'redirect';
    default: return verdict.kind;
  }
}

function shortVerdict(verdict: NftVerdict): string {
  switch (verdict.kind) {
    case 'jump': return `→ ${verdict.chain}`;
    case 'goto': return `⇒ ${verdict.chain}`;
    case 'snat': case 'dnat': return `${verdict.kind} → ${verdict.to}`;
    case 'redirect': return verdict.to ? `redirect → ${verdict.to}` : 'redirect';
    default: return verdict.kind;
  }
}

/**
 * One line that says what a native rule does. A rule whose verdict VNet did not decode (a counter, a set
 * lookup only) reads as its nft text: words must never claim more than the facts hold.
 */
export function wordNftRule(rule: Pick<NftRule, 'text' | 'facts'>): string {
  const facts = rule.facts;
  if (!facts.verdict) return rule.text;
  const parts = [
    longVerdict(facts.verdict),
    facts.ctState ? longCtStates(facts.ctState.states, facts.ctState.negated) : '',
    ...longConditions(conditionsOf(facts)),
    facts.fibDaddrLocal ? 'to a local address' : '',
  ];
  return parts.filter((p) => p.length > 0).join(' ');
}

/** A native rule short enough to draw: `accept est/rel`, `drop in eth0`. */
export function shortNftRule(rule: Pick<NftRule, 'text' | 'facts'>): string {
  const facts = rule.facts;
  if (!facts.verdict) return rule.text;
  const conditionWords = conditionsOf(facts);
  const conditions: string[] = [];
  if (facts.ctState) conditions.push(shortCtStates(facts.ctState.states, facts.ctState.negated));
  const matches = shortNatConditions(conditionWords);
  if (matches) conditions.push(matches);
  if (conditionWords.protocol) conditions.push(conditionWords.dport ? `${conditionWords.protocol} ${conditionWords.dport}` : conditionWords.protocol);
  else if (conditionWords.dport) conditions.push(`port ${conditionWords.dport}`);
  if (facts.fibDaddrLocal) conditions.push('to local');
  return `${shortVerdict(facts.verdict)}${conditions.length ? ` ${conditions.join(', ')}` : ''}`;
}
