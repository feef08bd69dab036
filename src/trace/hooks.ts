// One netfilter hook of one namespace: every chain registered there, iptables' and native nft's, in
// priority order. A filter hook lets the packet on only when each chain accepts; a nat hook translates at
// the first chain that does.

import type { Namespace } from '../model/topology';
import { walkChains, type OnUnknown, type WalkRule } from './chain-walk';
import { filterWalkRules, natWalkRules } from './iptables-rules';
import type { MatchContext } from './match-context';
import { familySees, nftWalkRules } from './nft-rules';

export type FilterHook = 'INPUT' | 'FORWARD' | 'OUTPUT';
export type NatHook = 'PREROUTING' | 'OUTPUT' | 'POSTROUTING';

interface Participant {
  priority: number;
  rules: WalkRule[];
  start: string;
  /** What a packet no rule decided meets: ACCEPT or DROP, and its quotation. */
  policy: { verdict: string; text: string };
}

/** iptables registers filter at 0, DNAT at -100, SNAT at 100. */
const IPTABLES_NAT_PRIORITY: Readonly<Record<NatHook, number>> = { PREROUTING: -100, OUTPUT: -100, POSTROUTING: 100 };

function iptablesFilter(ns: Namespace, hook: FilterHook): Participant[] {
  if (!ns.iptables) {
    // A desired network (or a host without iptables) knows only the FORWARD policy.
    const policy = hook === 'FORWARD' && ns.forwardPolicy === 'DROP' ? 'DROP' : 'ACCEPT';
    return [{ priority: 0, rules: [], start: hook, policy: { verdict: policy, text: `:${hook} ${policy}` } }];
  }
  return ns.iptables.filter((t) => t.table === 'filter').map((table) => {
    const policy = table.chains.find((c) => c.name === hook)?.policy ?? 'ACCEPT';
    return { priority: 0, rules: filterWalkRules(table.rules), start: hook, policy: { verdict: policy, text: `:${hook} ${policy} (iptables ${table.backend})` } };
  });
}

function nftChains(ns: Namespace, type: 'filter' | 'nat', hook: string, family: 4 | 6): Participant[] {
  return (ns.nftTables ?? []).filter((t) => familySees(t, family)).flatMap((table) => {
    const rules = nftWalkRules(table);
    return table.chains
      .filter((c) => c.type === type && c.hook === hook.toLowerCase())
      .map((chain) => {
        const verdict = chain.policy === 'drop' ? 'DROP' : 'ACCEPT';
        return { priority: chain.priority ?? 0, rules, start: chain.name, policy: { verdict, text: `table ${table.family} ${table.name} chain ${chain.name}: policy ${chain.policy ?? 'accept'}` } };
      });
  });
}

export interface HookDecision {
  verdict: string;
  to: string | null;
  /** The rule or policy that decided, quoted. */
  by: string;
}

function byPriority(participants: Participant[]): Participant[] {
  return participants.map((p, i) => ({ p, i })).sort((a, b) => a.p.priority - b.p.priority || a.i - b.i).map(({ p }) => p);
}

/** The filter hook's decision: the first DROP or REJECT, else the last ACCEPT. */
export function filterHook(ns: Namespace, hook: FilterHook, ctx: MatchContext, onUnknown: OnUnknown): HookDecision {
  let last: HookDecision = { verdict: 'ACCEPT', to: null, by: 'no filter rules' };
  for (const p of byPriority([...iptablesFilter(ns, hook), ...nftChains(ns, 'filter', hook, ctx.packet.family)])) {
    const decision = walkChains(p.rules, p.start, ctx, onUnknown);
    last = decision ? { verdict: decision.verdict, to: null, by: decision.rule } : { verdict: p.policy.verdict, to: null, by: p.policy.text };
    if (last.verdict !== 'ACCEPT') return last;
  }
  return last;
}

/** The nat hook's translation, or null when no chain translates. */
export function natHook(ns: Namespace, hook: NatHook, ctx: MatchContext, onUnknown: OnUnknown): HookDecision | null {
  const iptables: Participant = { priority: IPTABLES_NAT_PRIORITY[hook], rules: natWalkRules(ns.nat), start: hook, policy: { verdict: 'ACCEPT', text: '' } };
  const nftHook = hook === 'PREROUTING' ? 'prerouting' : hook === 'OUTPUT' ? 'output' : 'postrouting';
  for (const p of byPriority([iptables, ...nftChains(ns, 'nat', nftHook, ctx.packet.family)])) {
    const decision = walkChains(p.rules, p.start, ctx, onUnknown);
    if (decision && decision.verdict !== 'ACCEPT') return { verdict: decision.verdict, to: decision.to, by: decision.rule };
  }
  return null;
}
