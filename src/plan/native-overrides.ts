// Native nftables tables are read-only to VNet: apply and destroy never touch them. They still see every
// packet, so a plan warns where one would override what the lab asks for: a base chain on the forward
// hook with policy drop, in a namespace where the lab wants forwarding, and no rule of it that plainly
// accepts the lab's traffic. Conservative by design: a warning, never a block; a rule VNet cannot read
// for sure (a set, a mark, a vmap) does not count as accepting. Pure.

import type { NftChain, NftRule, NftTable } from '../model/nftables';
import { ROOT_NAMESPACE, type Namespace, type Topology } from '../model/topology';
import { inNamespace } from './wording';

const IP_FAMILIES = new Set(['ip', 'ip6', 'inet']);

/** True when a rule accepts (or leads to an accept of) every packet through the lab's interfaces. */
function acceptsLabTraffic(rule: NftRule, table: NftTable, labInterfaces: ReadonlySet<string>, seen: Set<string>): boolean {
  const f = rule.facts;
  const onLab = (match: typeof f.iifname) => match === null || (!match.negated && labInterfaces.has(match.value));
  const plain = f.unmodelled.length === 0 && f.saddr === null && f.daddr === null && f.l4proto === null && f.dport === null && f.ctState === null && !f.fibDaddrLocal;
  if (!plain || !onLab(f.iifname) || !onLab(f.oifname) || f.verdict === null) return false;
  if (f.verdict.kind === 'accept') return true;
  if (f.verdict.kind !== 'jump' && f.verdict.kind !== 'goto') return false;
  const target = table.chains.find((c) => c.name === (f.verdict as { chain: string }).chain);
  return target !== undefined && chainAccepts(target, table, labInterfaces, seen);
}

function chainAccepts(chain: NftChain, table: NftTable, labInterfaces: ReadonlySet<string>, seen: Set<string>): boolean {
  if (seen.has(chain.name)) return false;
  seen.add(chain.name);
  return chain.rules.some((rule) => acceptsLabTraffic(rule, table, labInterfaces, seen));
}

function wantsForwarding(namespace: Namespace): boolean {
  return namespace.forwarding || namespace.forwardPolicy === 'ACCEPT';
}

/**
 * A native table with the family and name iptables-nft uses (`table ip nat` written with nft): the lab's
 * iptables rules land in that same table, as chains beside its own. Its own rules stay as they are.
 */
function sharedTableWarnings(want: Namespace, name: string, tables: readonly NftTable[]): string[] {
  const shared = tables.filter((t) => (t.family === 'ip' && t.name === 'nat' && want.nat.length > 0) || (t.family === 'ip' && t.name === 'filter' && want.forwardPolicy !== null));
  return shared.map((t) =>
    `The native nftables table ${t.family} ${t.name} ${inNamespace(name)} has the name iptables-nft uses: the lab's iptables ${t.name} changes go into that same table, beside its own chains (which stay as they are).`);
}

/** Warnings for native tables of the live host that would drop what the desired lab forwards. */
export function nativeOverrideWarnings(desired: Topology, live: Topology): string[] {
  const warnings: string[] = [];
  for (const want of desired.namespaces) {
    const name = want.root ? ROOT_NAMESPACE : want.name;
    const here = live.namespaces.find((ns) => !ns.anonymous && (ns.root ? ROOT_NAMESPACE : ns.name) === name);
    warnings.push(...sharedTableWarnings(want, name, here?.nftTables ?? []));
    if (!wantsForwarding(want)) continue;
    const labInterfaces = new Set(want.interfaces.map((i) => i.name));
    for (const table of here?.nftTables ?? []) {
      if (!IP_FAMILIES.has(table.family)) continue;
      for (const chain of table.chains) {
        if (chain.hook !== 'forward' || chain.policy !== 'drop') continue;
        if (chainAccepts(chain, table, labInterfaces, new Set())) continue;
        const owner = table.owner ? ` (${table.owner}'s)` : '';
        warnings.push(
          `The native nftables table ${table.family} ${table.name}${owner} ${inNamespace(name)} has chain ${chain.name} on the forward hook with policy drop, ` +
          `and none of its rules plainly accepts the lab's traffic: packets the lab forwards ${inNamespace(name)} may be dropped there. ` +
          'VNet never changes native tables; allow the traffic in that table (or with the software that owns it).',
        );
      }
    }
  }
  return warnings;
}
