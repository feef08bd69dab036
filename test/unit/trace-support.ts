// Shared by the trace unit tests: questions, and the parts of a live host the scenario fixtures leave out
// (filter tables, native nft chains, sysctls), built by hand.

import type { IptablesTableState } from '../../src/model/firewall';
import { parseFilterRule } from '../../src/model/filter-rule';
import type { NftChain, NftRuleFacts, NftTable } from '../../src/model/nftables';
import type { NamespaceSysctls } from '../../src/model/routing';
import type { Namespace, Topology } from '../../src/model/topology';
import type { TraceProtocol, TraceQuestion } from '../../src/trace/index';

export function q(from: string, to: string, protocol: TraceProtocol = 'icmp', port: number | null = null): TraceQuestion {
  return { from, to, protocol, port };
}

export function nsOf(topology: Topology, name: string): Namespace {
  const ns = topology.namespaces.find((n) => n.name === name);
  if (!ns) throw new Error(`fixture has no namespace ${name}`);
  return ns;
}

type Policies = Partial<Record<'INPUT' | 'FORWARD' | 'OUTPUT', 'ACCEPT' | 'DROP'>>;

/** A filter table as iptables-save prints it: policies, user chains, `-A …` rules. */
export function filterTable(rules: string[], policies: Policies = {}, userChains: string[] = []): IptablesTableState {
  return {
    table: 'filter',
    backend: 'nft',
    chains: [
      ...(['INPUT', 'FORWARD', 'OUTPUT'] as const).map((name) => ({ name, policy: policies[name] ?? 'ACCEPT' as const })),
      ...userChains.map((name) => ({ name, policy: null })),
    ],
    rules: rules.map((line) => {
      const rule = parseFilterRule(line);
      if (!rule) throw new Error(`fixture filter rule does not parse: ${line}`);
      return rule;
    }),
  };
}

export function nftFacts(facts: Partial<NftRuleFacts>): NftRuleFacts {
  return {
    saddr: null, daddr: null, iifname: null, oifname: null, l4proto: null, dport: null, ctState: null, fibDaddrLocal: false,
    verdict: null, unmodelled: [], ...facts,
  };
}

export function nftTable(family: NftTable['family'], name: string, chains: NftChain[]): NftTable {
  return { family, name, owner: null, chains };
}

export function sysctls(extra: Partial<NamespaceSysctls> = {}): NamespaceSysctls {
  return { ipv6Forwarding: false, rpFilter: { all: 0, default: 0, interfaces: {} }, bridgeNfCallIptables: null, bridgeNfCallIp6tables: null, ...extra };
}
