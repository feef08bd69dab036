// Reads iptables-save output (either backend): the nat table's rules and user chains, the policy of the
// filter table's FORWARD chain, and the filter, mangle and raw tables whole (chains, policies, rules).
// Rules are parsed by the model (parseNatRule, parseFilterRule), so that a rule read here and a rule the
// planner writes compare as one. Pure.

import type { IptablesTableState } from '../model/firewall';
import { parseFilterRule } from '../model/filter-rule';
import type { IptablesTable } from '../model/iptables';
import { parseNatRule } from '../model/nat';
import type { IptablesBackend, NatRule } from '../model/topology';

export interface IptablesSaveState {
  natRules: NatRule[];
  /** User chains of the nat table, in the order iptables-save lists them. */
  natChains: string[];
  /** null when there is no filter table (then nothing filters forwarded packets). */
  forwardPolicy: 'ACCEPT' | 'DROP' | null;
  /** The filter, mangle and raw tables this backend holds, in iptables-save's order. */
  tables: IptablesTableState[];
  /** Any rule in any table, any user chain, or a built-in chain whose policy is not ACCEPT. */
  holdsRules: boolean;
  /** Lines this reader could not make sense of (kept for the warning). */
  unparsed: string[];
}

/** The tables read whole besides nat (security is left out: nothing VNet shows depends on it). */
const READ_TABLES: ReadonlySet<string> = new Set<IptablesTable>(['filter', 'mangle', 'raw']);

export function parseIptablesSave(text: string, backend: IptablesBackend): IptablesSaveState {
  const state: IptablesSaveState = { natRules: [], natChains: [], forwardPolicy: null, tables: [], holdsRules: false, unparsed: [] };
  let table: string | null = null;
  let whole: IptablesTableState | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      table = line.slice(1);
      whole = READ_TABLES.has(table) ? { table: table as IptablesTableState['table'], backend, chains: [], rules: [] } : null;
      if (whole) state.tables.push(whole);
      continue;
    }
    if (line === 'COMMIT') { table = null; whole = null; continue; }
    if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/);
      if (policy === '-') {
        state.holdsRules = true;
        if (table === 'nat') state.natChains.push(chain);
      } else if (policy && policy !== 'ACCEPT') {
        state.holdsRules = true;
      }
      if (table === 'filter' && chain === 'FORWARD' && (policy === 'ACCEPT' || policy === 'DROP')) state.forwardPolicy = policy;
      whole?.chains.push({ name: chain, policy: policy === 'ACCEPT' || policy === 'DROP' ? policy : null });
      continue;
    }
    if (line.startsWith('-A ')) {
      state.holdsRules = true;
      if (whole) {
        const rule = parseFilterRule(line);
        if (rule) whole.rules.push(rule);
        else state.unparsed.push(line);
      } else if (table === 'nat') {
        const rule = parseNatRule(line);
        if (rule) state.natRules.push({ ...rule, backend });
        else state.unparsed.push(line);
      }
      continue;
    }
    state.unparsed.push(line);
  }
  return state;
}
