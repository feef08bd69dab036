// What the iptables tables beyond nat hold (filter, mangle, raw), and the matches of real rulesets, as the
// probe reads them from iptables-save. The nat table keeps its own shape (NatRule, in topology.ts); both
// share RuleConditions, so one reading of a rule's conditions serves NAT, filtering and the trace.

import type { ChainPolicy, IptablesTable } from './iptables';
import type { AddressMatch, IptablesBackend } from './topology';

/**
 * A match beyond addresses, interfaces, protocol and destination port, decoded where real rulesets use it
 * (Docker, CNI, firewalld, kube-proxy). Anything else stays in `unmodelled`, and whoever evaluates the rule
 * must say it cannot.
 */
export type RuleMatch =
  /** `-m conntrack --ctstate …` or `-m state --state …`. */
  | { kind: 'ctstate'; states: string[]; negated: boolean }
  /** `-m multiport --dports|--sports|--ports 80,443,8000:8100`. */
  | { kind: 'multiport'; which: 'dports' | 'sports' | 'ports'; ports: string[]; negated: boolean }
  /** `--sport` of `-m tcp`/`-m udp`. */
  | { kind: 'sport'; value: string; negated: boolean }
  /** `-m addrtype --src-type|--dst-type LOCAL` (with `--limit-iface-in|out`). */
  | { kind: 'addrtype'; which: 'src' | 'dst'; type: string; negated: boolean; limitIface: 'in' | 'out' | null }
  /** `-m mark --mark VALUE[/MASK]`. */
  | { kind: 'mark'; value: string; mask: string | null; negated: boolean }
  /** `-m physdev …`: the bridge port a bridged packet came in or goes out by. Options as written. */
  | { kind: 'physdev'; options: string[] }
  /** `-p icmp -m icmp --icmp-type TYPE`. */
  | { kind: 'icmp-type'; value: string; negated: boolean };

/** What every iptables rule can match on, whatever its table. */
export interface RuleConditions {
  source: AddressMatch | null;
  destination: AddressMatch | null;
  inInterface: AddressMatch | null;
  outInterface: AddressMatch | null;
  protocol: string | null;
  /** Destination port or range (`8088`, `1000:2000`). */
  dport: string | null;
  /** Matches decoded from the options beyond the fields above. */
  matches?: RuleMatch[];
  /** Options no field or match decodes, as iptables-save wrote them: a rule with any cannot be evaluated. */
  unmodelled?: string[];
}

/** Targets of the filter, mangle and raw tables. */
export type FilterTarget =
  | { kind: 'ACCEPT' }
  | { kind: 'DROP' }
  | { kind: 'REJECT'; with: string | null }
  | { kind: 'RETURN' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'LOG'; args: string }
  | { kind: 'MARK'; args: string }
  | { kind: 'other'; name: string; args: string };

export interface FilterRule extends RuleConditions {
  chain: string;
  /** The rule as iptables-save prints it, starting with `-A CHAIN`. */
  rule: string;
  target: FilterTarget;
  comment: string | null;
  /** Lab that owns this rule (from a `vnet:<lab>` comment). */
  owner?: string | null;
}

export interface IptablesChain {
  name: string;
  /** A built-in chain's policy; null for a user chain. */
  policy: ChainPolicy | null;
}

/** One iptables table other than nat, as one backend holds it in one namespace. Read-only to VNet. */
export interface IptablesTableState {
  table: Exclude<IptablesTable, 'nat'>;
  backend: IptablesBackend;
  /** Built-in chains first, then user chains, in iptables-save's order. */
  chains: IptablesChain[];
  rules: FilterRule[];
}
