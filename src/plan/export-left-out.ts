// What decides a packet's fate on a live host that a .vnet file cannot write, so that an export names it
// as left out: filter, mangle and raw rules (a file writes only the nat table and the FORWARD policy),
// native nftables tables, policy rules, routing tables other than main, and the sysctls VNet does not
// set (IPv6 forwarding, rp_filter, bridged traffic through iptables). Pure.

import type { IptablesTableState } from '../model/firewall';
import { isBuiltinChain } from '../model/iptables';
import { wordNftTable } from '../model/nft-wording';
import type { NamespaceSysctls, PolicyRule } from '../model/routing';
import type { Namespace } from '../model/topology';

function listed(names: readonly string[], most = 6): string {
  return names.length > most ? `${names.slice(0, most).join(', ')} and ${names.length - most} more` : names.join(', ');
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** A table with rules, user chains, or a built-in policy a file cannot set (FORWARD's is exported). */
function iptablesLeftOut(table: IptablesTableState, where: string): string | null {
  const userChains = table.chains.filter((c) => !isBuiltinChain(table.table, c.name)).map((c) => c.name);
  const policies = table.chains
    .filter((c) => c.policy === 'DROP' && !(table.table === 'filter' && c.name === 'FORWARD'))
    .map((c) => `${c.name} policy ${c.policy}`);
  if (!table.rules.length && !userChains.length && !policies.length) return null;
  const facts = [plural(table.rules.length, 'rule'), ...policies];
  if (userChains.length) facts.push(`user chains ${listed(userChains)}`);
  const backend = table.backend === 'legacy' ? ' (iptables-legacy)' : '';
  return `${table.table} table${backend} in ${where}: ${facts.join(', ')}; a file writes only the nat table and the FORWARD policy`;
}

/** The rules every namespace starts with: `lookup local` at 0, `main` at 32766, `default` at 32767. */
const DEFAULT_POLICY_RULES: ReadonlyMap<number, string> = new Map([[0, 'local'], [32766, 'main'], [32767, 'default']]);

function isDefaultPolicyRule(rule: PolicyRule): boolean {
  return rule.action === 'lookup' && !rule.invert && rule.from === null && rule.to === null && rule.iif === null
    && rule.oif === null && rule.fwmark === null && DEFAULT_POLICY_RULES.get(rule.priority) === rule.table;
}

/**
 * Sysctls that differ from what a new namespace gets: IPv6 forwarding on, rp_filter other than the values
 * it inherits (the root namespace's all/default, and its own default for its interfaces), and, on the
 * root namespace, br_netfilter sending bridged traffic through iptables.
 */
function sysctlsLeftOut(sysctls: NamespaceSysctls, root: NamespaceSysctls | null, isRoot: boolean): string[] {
  const out: string[] = [];
  if (sysctls.ipv6Forwarding) out.push('IPv6 forwarding on');
  const rp = sysctls.rpFilter;
  if (rp) {
    const inherited = isRoot ? { all: 0, default: 0 } : { all: root?.rpFilter?.all ?? 0, default: root?.rpFilter?.default ?? 0 };
    const set: string[] = [];
    if (rp.all !== inherited.all) set.push(`all=${rp.all}`);
    if (rp.default !== inherited.default) set.push(`default=${rp.default}`);
    for (const [iface, value] of Object.entries(rp.interfaces)) if (value !== rp.default) set.push(`${iface}=${value}`);
    if (set.length) out.push(`rp_filter ${set.join(' ')}`);
  }
  if (isRoot && sysctls.bridgeNfCallIptables) out.push('bridge-nf-call-iptables 1 (bridged traffic goes through iptables)');
  return out;
}

/** One sentence per fact of `ns` that an export cannot write; `root` is the host's root namespace. */
export function undecidableLeftOut(ns: Namespace, root: Namespace | undefined): string[] {
  const where = ns.root ? 'the host' : ns.name;
  const out: string[] = [];
  for (const table of ns.iptables ?? []) {
    const line = iptablesLeftOut(table, where);
    if (line) out.push(line);
  }
  for (const table of ns.nftTables ?? []) {
    const chains = table.chains.map((c) => c.name);
    const rules = table.chains.reduce((n, c) => n + c.rules.length, 0);
    out.push(`nft table ${wordNftTable(table)} in ${where}: ${plural(rules, 'rule')} in chains ${listed(chains)}; vnet never writes native nftables`);
  }
  const policyRules = (ns.policyRules ?? []).filter((r) => !isDefaultPolicyRule(r));
  for (const rule of policyRules) out.push(`policy rule \`${rule.text.replace(/\s+/g, ' ').trim()}\`${rule.family === 6 ? ' (IPv6)' : ''} in ${where}: a file writes no ip rules`);
  for (const table of ns.routeTables ?? []) {
    out.push(`routing table ${table.table} in ${where} (${plural(table.routes.length, 'route')}): a file writes only the main table`);
  }
  const sysctls = ns.sysctls ? sysctlsLeftOut(ns.sysctls, root?.sysctls ?? null, ns.root) : [];
  if (sysctls.length) out.push(`sysctls in ${where}: ${sysctls.join(', ')}; a file sets only IPv4 forwarding`);
  return out;
}
