// Filter, mangle and raw rules in words, the one place that words them; the conditions they share with NAT
// rules are worded by nat-wording.ts (longConditions, shortNatConditions), so one fact reads one way.
// - long, for the Hosts tree: `accept established, related leaving by docker0`,
//   `drop arriving by docker0 leaving by any but docker0`, `go to chain DOCKER-USER`;
// - short, for the diagram: `ACCEPT est/rel out docker0`, `DOCKER-USER: RETURN`.
// The raw iptables-save line stays the precise form (`vnet show`, tooltips). Host data passes through
// unchanged: each face makes the result printable its own way. The words of each target are its row in
// filter-targets.ts.

import type { ChainPolicy } from './iptables';
import { FILTER_TARGETS } from './filter-targets';
import type { FilterRule, FilterTarget, IptablesChain, RuleMatch } from './firewall';
import { longConditions, shortNatConditions } from './nat-wording';

type FilterRuleWords = Pick<FilterRule, 'chain' | 'source' | 'destination' | 'inInterface' | 'outInterface' | 'protocol' | 'dport' | 'target' | 'matches'>;


/** What a target decides for the packet: it ends the chain walk (accept, drop) or does not. */
export type FilterVerdict = 'accept' | 'drop' | null;

/** ACCEPT lets a packet through; DROP and REJECT stop it; every other target decides nothing by itself. */
export function filterVerdict(target: FilterTarget): FilterVerdict {
  if (target.kind === 'ACCEPT') return 'accept';
  if (target.kind === 'DROP' || target.kind === 'REJECT') return 'drop';
  return null;
}

// Connection-tracking states in the order people say them: `established, related`.
const CT_STATE_ORDER = ['ESTABLISHED', 'RELATED', 'NEW', 'INVALID', 'UNTRACKED', 'SNAT', 'DNAT'];

function orderedStates(states: readonly string[]): string[] {
  const rank = (s: string) => { const i = CT_STATE_ORDER.indexOf(s.toUpperCase()); return i < 0 ? CT_STATE_ORDER.length : i; };
  return [...states].sort((a, b) => rank(a) - rank(b)).map((s) => s.toLowerCase());
}

/** `established, related`, `not invalid`: shared with native nft rules (nft-wording.ts). */
export function longCtStates(states: readonly string[], negated: boolean): string {
  return `${negated ? 'not ' : ''}${orderedStates(states).join(', ')}`;
}

// The two states nearly every ruleset names, cut for the diagram; the others stay whole (`invalid`).
const SHORT_STATES: Readonly<Record<string, string>> = { established: 'est', related: 'rel' };

/** `est/rel`, `!invalid`: the diagram's form. */
export function shortCtStates(states: readonly string[], negated: boolean): string {
  return `${negated ? '!' : ''}${orderedStates(states).map((s) => SHORT_STATES[s] ?? s).join('/')}`;
}

function not(negated: boolean): string {
  return negated ? 'not ' : '';
}

/** One decoded match in words; ctstate is said next to the verb instead (see wordFilterRule). */
function longMatch(m: RuleMatch): string | null {
  switch (m.kind) {
    case 'ctstate': return null;
    case 'multiport': {
      const ports = m.ports.join(', ');
      if (m.which === 'dports') return `to ports ${not(m.negated)}${ports}`;
      if (m.which === 'sports') return `from ports ${not(m.negated)}${ports}`;
      return `ports ${not(m.negated)}${ports} either way`;
    }
    case 'sport': return `from port ${not(m.negated)}${m.value.replace(':', '-')}`;
    case 'addrtype': {
      const iface = m.limitIface ? ` (on the ${m.limitIface === 'in' ? 'arriving' : 'leaving'} interface)` : '';
      return `${m.which === 'src' ? 'from' : 'to'} ${m.negated ? 'any but a' : 'a'} ${m.type.toLowerCase()} address${iface}`;
    }
    case 'mark': return `mark ${not(m.negated)}${m.value}${m.mask ? `/${m.mask}` : ''}`;
    case 'physdev': return `bridge port ${m.options.join(' ')}`;
    case 'icmp-type': return `icmp ${not(m.negated)}${m.value}`;
  }
}

function shortMatch(m: RuleMatch): string | null {
  const bang = 'negated' in m && m.negated ? '!' : '';
  switch (m.kind) {
    case 'ctstate': return null;
    case 'multiport': return `${m.which === 'sports' ? 'sport' : m.which === 'ports' ? 'port' : 'dport'} ${bang}${m.ports.join(',')}`;
    case 'sport': return `sport ${bang}${m.value}`;
    case 'addrtype': return `${m.which} ${bang}${m.type}`;
    case 'mark': return `mark ${bang}${m.value}${m.mask ? `/${m.mask}` : ''}`;
    case 'physdev': return `physdev ${m.options.join(' ')}`;
    case 'icmp-type': return `icmp ${bang}${m.value}`;
  }
}

function ctState(rule: FilterRuleWords): Extract<RuleMatch, { kind: 'ctstate' }> | undefined {
  return rule.matches?.find((m): m is Extract<RuleMatch, { kind: 'ctstate' }> => m.kind === 'ctstate');
}

function longAction(target: FilterTarget): string {
  const word = FILTER_TARGETS[target.kind].longWord;
  switch (target.kind) {
    case 'REJECT': return target.with ? `${word} with ${target.with}` : word;
    case 'jump': return `${word} ${target.chain}`;
    case 'goto': return `go to chain ${target.chain} (no return)`;
    case 'LOG': case 'MARK': return [word, target.args].filter(Boolean).join(' ');
    case 'other': return [target.name || word, target.args].filter(Boolean).join(' ');
    default: return word;
  }
}

/** One line that says what a filter (mangle, raw) rule does: `accept established, related leaving by docker0`. */
export function wordFilterRule(rule: FilterRuleWords): string {
  const state = ctState(rule);
  const parts = [
    longAction(rule.target),
    state ? longCtStates(state.states, state.negated) : '',
    ...longConditions(rule),
    ...(rule.matches ?? []).map(longMatch).filter((m): m is string => m !== null),
  ];
  return parts.filter((p) => p.length > 0).join(' ');
}

function shortAction(target: FilterTarget): string {
  const word = FILTER_TARGETS[target.kind].shortWord;
  switch (target.kind) {
    case 'jump': case 'goto': return `${word} ${target.chain}`;
    case 'other': return [target.name, target.args].filter(Boolean).join(' ');
    default: return word;
  }
}

/** The built-in chains a rule needs no chain name in: the ones the diagram's marks are about. */
const USUAL_CHAINS = new Set(['FORWARD']);

/** A rule in words, short enough to draw: `ACCEPT est/rel out docker0`, `DOCKER-USER: RETURN`. */
export function shortFilterRule(rule: FilterRuleWords): string {
  const state = ctState(rule);
  const conditions: string[] = [];
  if (state) conditions.push(shortCtStates(state.states, state.negated));
  const matches = shortNatConditions(rule);
  if (matches) conditions.push(matches);
  if (rule.protocol) conditions.push(rule.dport ? `${rule.protocol} ${rule.dport}` : rule.protocol);
  else if (rule.dport) conditions.push(`port ${rule.dport}`);
  conditions.push(...(rule.matches ?? []).map(shortMatch).filter((m): m is string => m !== null));
  const prefix = USUAL_CHAINS.has(rule.chain) ? '' : `${rule.chain}: `;
  return `${prefix}${shortAction(rule.target)}${conditions.length ? ` ${conditions.join(', ')}` : ''}`;
}

/** `FORWARD policy DROP`; a user chain is just its name. */
export function wordChain(chain: IptablesChain): string {
  return chain.policy ? `${chain.name} policy ${chain.policy}` : chain.name;
}

/** True when a built-in chain lets through only what a rule accepts. */
export function isDropPolicy(policy: ChainPolicy | null): boolean {
  return policy === 'DROP';
}
