// The Firewall node of a namespace in the Hosts tree: what decides whether a packet passes, beyond NAT.
// Read-only everywhere: VNet never writes these tables, so no row gets `editable` or `removable` and no
// command but copy applies. Rules read in the one vocabulary's words (filter-wording.ts, nft-wording.ts);
// the tooltip keeps the precise text. Every host string goes through plainText.
//
//   Firewall ─ filter ─ FORWARD (policy DROP) ─ rule      iptables tables: filter first; mangle, raw read-only
//            └─ firewalld: inet firewalld ─ chain ─ rule   native nft tables, by owner

import type { FilterRule, IptablesChain, IptablesTableState } from '../model/firewall';
import type { NftChain, NftRule, NftTable } from '../model/nftables';
import type { Namespace } from '../model/topology';
import { filterVerdict, wordChain, wordFilterRule } from '../model/filter-wording';
import { nftVerdictDecision, wordNftChainHead, wordNftRule, wordNftTable } from '../model/nft-wording';
import { forwardDropPolicies } from '../model/forward-filtering';
import { filterRuleFacts } from './rule-facts';
import { plainLines, plainText } from './text-safety';
import { NO_CHILDREN, context, namespaceKey, namespaceLabel, nodeId, plural, type NodeIcon, type TreeNode } from './tree-model';

/** True when the namespace holds any filter, mangle or raw chain, or a native nft table. */
export function hasFirewall(ns: Namespace): boolean {
  return (ns.iptables ?? []).some((t) => t.chains.length > 0 || t.rules.length > 0) || (ns.nftTables?.length ?? 0) > 0;
}

const TABLE_ORDER = ['filter', 'mangle', 'raw'];

/** filter first (it decides what passes), then mangle and raw; the nft backend before legacy. */
function orderedTables(ns: Namespace): IptablesTableState[] {
  return [...(ns.iptables ?? [])].sort((a, b) => TABLE_ORDER.indexOf(a.table) - TABLE_ORDER.indexOf(b.table)
    || (a.backend === b.backend ? 0 : a.backend === 'nft' ? -1 : 1));
}

function ruleCount(ns: Namespace): number {
  return (ns.iptables ?? []).reduce((n, t) => n + t.rules.length, 0)
    + (ns.nftTables ?? []).reduce((n, t) => n + t.chains.reduce((m, c) => m + c.rules.length, 0), 0);
}

export function firewallNode(host: string, ns: Namespace): TreeNode {
  const key = namespaceKey(ns);
  const drops = forwardDropPolicies(ns);
  const nft = ns.nftTables ?? [];
  const facts = [...drops, plural(ruleCount(ns), 'rule'), ...(nft.length ? [plural(nft.length, 'nft table')] : [])];
  return {
    id: nodeId(host, 'fw', key),
    kind: 'firewall',
    host,
    label: 'Firewall',
    description: plainText(facts.join(' · ')),
    tooltip: plainLines([`What filters packets in ${namespaceLabel(ns)}: iptables filter, mangle and raw tables, and native nftables tables.`,
      'Read-only: vnet shows these rules and never changes them.', ...drops.map((d) => `Forwarding stops by default: ${d}`)]),
    icon: { id: 'shield', color: drops.length ? 'errorForeground' : undefined },
    contextValue: context('vnet-firewall', 'readonly'),
    collapsible: 'collapsed',
    namespace: ns.name,
    editable: false,
    children: () => [...orderedTables(ns).map((t) => iptablesTableNode(host, ns, t)), ...nft.map((t) => nftTableNode(host, ns, t))],
  };
}

// ---- iptables ----

function iptablesTableNode(host: string, ns: Namespace, table: IptablesTableState): TreeNode {
  const readOnlyMark = table.table !== 'filter';
  const facts = [table.backend === 'legacy' ? 'iptables-legacy' : null, plural(table.chains.length, 'chain'), plural(table.rules.length, 'rule'),
    readOnlyMark ? 'read-only' : null].filter((f): f is string => f !== null);
  return {
    id: nodeId(host, 'fw', namespaceKey(ns), 'ipt', table.table, table.backend),
    kind: 'firewallTable',
    host,
    label: table.table,
    description: facts.join(' · '),
    tooltip: plainLines([`The ${table.table} table of ${namespaceLabel(ns)} (iptables-${table.backend})`,
      readOnlyMark ? `Shown read-only: vnet reads the ${table.table} table and never writes it.` : 'Read-only: vnet writes only the FORWARD policy.']),
    icon: { id: 'table', color: readOnlyMark ? 'disabledForeground' : undefined },
    contextValue: context('vnet-firewall-table', `table-${table.table}`, 'readonly'),
    collapsible: table.table === 'filter' ? 'expanded' : 'collapsed',
    namespace: ns.name,
    editable: false,
    children: () => table.chains.map((chain) => {
      const rules = table.rules.filter((r) => r.chain === chain.name);
      return iptablesChainNode(host, ns, table, chain, rules);
    }),
  };
}

function iptablesChainNode(host: string, ns: Namespace, table: IptablesTableState, { name: chain, policy }: IptablesChain, rules: FilterRule[]): TreeNode {
  const facts = [policy ? null : 'user chain', plural(rules.length, 'rule')].filter((f): f is string => f !== null);
  return {
    id: nodeId(host, 'fw', namespaceKey(ns), 'ipt', table.table, table.backend, 'chain', chain),
    kind: 'firewallChain',
    host,
    label: plainText(wordChain({ name: chain, policy })),
    description: plainText(facts.join(' · ')),
    tooltip: plainLines([policy ? `${chain} policy ${policy}` : `user chain ${chain}`, `of the ${table.table} table in ${namespaceLabel(ns)}`,
      ...(policy === 'DROP' ? ['A packet no rule accepts is dropped.'] : [])]),
    icon: { id: 'list-ordered', color: policy === 'DROP' ? 'errorForeground' : undefined },
    contextValue: context('vnet-firewall-chain', 'readonly'),
    collapsible: rules.length ? 'collapsed' : 'none',
    namespace: ns.name,
    editable: false,
    copyName: chain,
    children: () => rules.map((rule, i) => iptablesRuleNode(host, ns, table, rule, i)),
  };
}

function verdictIcon(verdict: 'accept' | 'drop' | null, jump: boolean, ret: boolean): NodeIcon {
  if (verdict === 'accept') return { id: 'pass', color: 'charts.green' };
  if (verdict === 'drop') return { id: 'circle-slash', color: 'errorForeground' };
  if (jump) return { id: 'debug-step-into' };
  if (ret) return { id: 'debug-step-out' };
  return { id: 'symbol-operator' };
}

function iptablesRuleNode(host: string, ns: Namespace, table: IptablesTableState, rule: FilterRule, index: number): TreeNode {
  const facts = filterRuleFacts(rule);
  const target = rule.target.kind;
  return {
    id: nodeId(host, 'fw', namespaceKey(ns), 'ipt', table.table, table.backend, 'rule', rule.chain, String(index), rule.rule),
    kind: 'firewallRule',
    host,
    label: plainText(wordFilterRule(rule)),
    description: facts.join(' · ') || undefined,
    tooltip: plainLines([`iptables -t ${table.table} ${rule.rule}`, `in ${namespaceLabel(ns)} (iptables-${table.backend})`,
      ...(rule.unmodelled?.length ? [`options shown but not modelled: ${rule.unmodelled.join(' ')}`] : [])]),
    icon: verdictIcon(filterVerdict(rule.target), target === 'jump' || target === 'goto', target === 'RETURN'),
    contextValue: context('vnet-firewall-rule', 'readonly'),
    collapsible: 'none',
    namespace: ns.name,
    editable: false,
    copyName: rule.rule,
    children: NO_CHILDREN,
  };
}

// ---- native nftables ----

function nftTableNode(host: string, ns: Namespace, table: NftTable): TreeNode {
  const rules = table.chains.reduce((n, c) => n + c.rules.length, 0);
  return {
    id: nodeId(host, 'fw', namespaceKey(ns), 'nft', table.family, table.name),
    kind: 'nftTable',
    host,
    label: plainText(wordNftTable(table)),
    description: `${plural(table.chains.length, 'chain')} · ${plural(rules, 'rule')} · read-only`,
    tooltip: plainLines([`nft table ${table.family} ${table.name} in ${namespaceLabel(ns)}`,
      table.owner ? `written by ${table.owner} (its name says so)` : 'owner unknown',
      'Native nftables: iptables-save cannot see it, and vnet never changes it.']),
    icon: { id: 'table' },
    contextValue: context('vnet-nft-table', 'readonly'),
    collapsible: 'collapsed',
    namespace: ns.name,
    editable: false,
    copyName: `${table.family} ${table.name}`,
    children: () => table.chains.map((chain) => nftChainNode(host, ns, table, chain)),
  };
}

function nftChainNode(host: string, ns: Namespace, table: NftTable, chain: NftChain): TreeNode {
  const head = wordNftChainHead(chain);
  return {
    id: nodeId(host, 'fw', namespaceKey(ns), 'nft', table.family, table.name, 'chain', chain.name),
    kind: 'nftChain',
    host,
    label: plainText(chain.name),
    description: plainText(`${head} · ${plural(chain.rules.length, 'rule')}`),
    tooltip: plainLines([`chain ${chain.name} of nft table ${table.family} ${table.name}`, head,
      ...(chain.policy === 'drop' ? ['A packet no rule accepts is dropped.'] : [])]),
    icon: { id: 'list-ordered', color: chain.policy === 'drop' ? 'errorForeground' : undefined },
    contextValue: context('vnet-nft-chain', 'readonly'),
    collapsible: chain.rules.length ? 'collapsed' : 'none',
    namespace: ns.name,
    editable: false,
    copyName: chain.name,
    children: () => chain.rules.map((rule, i) => nftRuleNode(host, ns, table, chain, rule, i)),
  };
}

function nftRuleNode(host: string, ns: Namespace, table: NftTable, chain: NftChain, rule: NftRule, index: number): TreeNode {
  const verdict = rule.facts.verdict;
  const facts = [rule.comment ? `“${rule.comment}”` : null, rule.facts.unmodelled.length && verdict ? 'more expressions (see tooltip)' : null]
    .filter((f): f is string => f !== null);
  return {
    id: nodeId(host, 'fw', namespaceKey(ns), 'nft', table.family, table.name, 'rule', chain.name, String(index), rule.text),
    kind: 'nftRule',
    host,
    label: plainText(wordNftRule(rule)),
    description: plainText(facts.join(' · ')) || undefined,
    tooltip: plainLines([rule.text, `in chain ${chain.name} of nft table ${table.family} ${table.name}${rule.handle !== null ? `, handle ${rule.handle}` : ''}`,
      ...(rule.facts.unmodelled.length ? [`not modelled: ${rule.facts.unmodelled.join('; ')}`] : [])]),
    icon: verdictIcon(nftVerdictDecision(verdict), verdict?.kind === 'jump' || verdict?.kind === 'goto', verdict?.kind === 'return'),
    contextValue: context('vnet-nft-rule', 'readonly'),
    collapsible: 'none',
    namespace: ns.name,
    editable: false,
    copyName: rule.text,
    children: NO_CHILDREN,
  };
}
