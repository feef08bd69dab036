// Native nft rules as the chain walker takes them: the decoded facts of each rule; an rule with
// unmodelled expressions can never be told.

import type { NftChain, NftRule, NftRuleFacts, NftTable, NftVerdict } from '../model/nftables';
import type { WalkRule, WalkStep } from './chain-walk';
import { addressHolds, allHold, ctStateHolds, interfaceHolds, portHolds, type MatchContext, type Tri } from './match-context';

function nftHolds(facts: NftRuleFacts, ctx: MatchContext): Tri {
  if (facts.unmodelled.length) return { unknown: `${facts.unmodelled.join('; ')} is not evaluated` };
  const { packet } = ctx;
  const proto = facts.l4proto === null ? true : [packet.protocol, packet.protocol === 'icmp' && packet.family === 6 ? 'ipv6-icmp' : ''].includes(facts.l4proto);
  const dport = facts.dport === null ? true
    : packet.protocol === 'icmp' ? false
      : packet.dport === null ? { unknown: 'the port is picked by the sender' } : facts.dport.some((spec) => portHolds(spec, packet.dport) === true);
  return allHold([
    proto,
    addressHolds(facts.saddr, packet.src),
    addressHolds(facts.daddr, packet.dst),
    interfaceHolds(facts.iifname, ctx.in),
    interfaceHolds(facts.oifname, ctx.out),
    dport,
    facts.ctState ? ctStateHolds(facts.ctState.states, facts.ctState.negated, ctx.ct) : true,
    facts.fibDaddrLocal ? ctx.isLocal(packet.dst) : true,
  ]);
}

function nftStep(verdict: NftVerdict | null): WalkStep {
  if (verdict === null) return { kind: 'continue' };
  switch (verdict.kind) {
    case 'accept': return { kind: 'verdict', verdict: 'ACCEPT', to: null };
    case 'drop': return { kind: 'verdict', verdict: 'DROP', to: null };
    case 'reject': return { kind: 'verdict', verdict: 'REJECT', to: null };
    case 'return': return { kind: 'return' };
    case 'jump': return { kind: 'jump', chain: verdict.chain };
    case 'goto': return { kind: 'goto', chain: verdict.chain };
    case 'masquerade': return { kind: 'verdict', verdict: 'MASQUERADE', to: null };
    case 'snat': return { kind: 'verdict', verdict: 'SNAT', to: verdict.to };
    case 'dnat': return { kind: 'verdict', verdict: 'DNAT', to: verdict.to };
    case 'redirect': return { kind: 'unknown', what: 'redirect is not evaluated' };
  }
}

function walkRule(chain: NftChain, rule: NftRule): WalkRule {
  return { chain: chain.name, text: rule.text, holds: (ctx) => nftHolds(rule.facts, ctx), step: nftStep(rule.facts.verdict) };
}

const made = new WeakMap<NftTable, { count: number; rules: WalkRule[] }>();

/** A table's walk rules, made once per table while it keeps its number of rules (see iptables-rules). */
export function nftWalkRules(table: NftTable): WalkRule[] {
  const count = table.chains.reduce((n, chain) => n + chain.rules.length, 0);
  const known = made.get(table);
  if (known && known.count === count) return known.rules;
  const rules = table.chains.flatMap((chain) => chain.rules.map((rule) => walkRule(chain, rule)));
  made.set(table, { count, rules });
  return rules;
}

/** Whether a table's family sees packets of this IP family (bridge, arp and netdev tables do not route). */
export function familySees(table: NftTable, family: 4 | 6): boolean {
  return table.family === 'inet' || table.family === (family === 4 ? 'ip' : 'ip6');
}
