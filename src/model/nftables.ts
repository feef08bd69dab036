// Native nftables tables: the ones iptables-nft does not own (firewalld, netavark, Docker's nftables
// backend, kube-proxy's nftables mode). iptables-save cannot see them; the probe reads them with `nft -j`.
// Read-only to VNet: apply and destroy never touch them.

import type { AddressMatch } from './topology';

export type NftFamily = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';

/** The software that writes a table, where the table's name says it. */
export type NftOwner = 'firewalld' | 'netavark' | 'docker' | 'kube-proxy';

export type NftVerdict =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  | { kind: 'return' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'masquerade' }
  | { kind: 'snat'; to: string }
  | { kind: 'dnat'; to: string }
  | { kind: 'redirect'; to: string | null };

/** What VNet decodes of a rule's expressions; the rest is named in `unmodelled`. */
export interface NftRuleFacts {
  saddr: AddressMatch | null;
  daddr: AddressMatch | null;
  iifname: AddressMatch | null;
  oifname: AddressMatch | null;
  /** `meta l4proto tcp`, `ip protocol udp`, or the protocol a `tcp dport` implies. */
  l4proto: string | null;
  /** Destination ports: one, a range `1000-2000`, or the members of an anonymous set. */
  dport: string[] | null;
  ctState: { states: string[]; negated: boolean } | null;
  /** `fib daddr type local`. */
  fibDaddrLocal: boolean;
  verdict: NftVerdict | null;
  /** Expressions VNet does not evaluate, in nft's words: a rule with any makes a trace uncertain. */
  unmodelled: string[];
}

export interface NftRule {
  /** The rule in nft's own syntax, as `nft list` prints it. */
  text: string;
  handle: number | null;
  comment: string | null;
  facts: NftRuleFacts;
}

export interface NftChain {
  name: string;
  /** For a base chain: its type, hook, priority and policy; all null for a regular chain. */
  type: 'filter' | 'nat' | 'route' | null;
  hook: string | null;
  priority: number | null;
  policy: 'accept' | 'drop' | null;
  rules: NftRule[];
}

export interface NftTable {
  family: NftFamily;
  name: string;
  owner: NftOwner | null;
  chains: NftChain[];
}
