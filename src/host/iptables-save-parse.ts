// Reads iptables-save output (either backend): the nat table's rules and user chains, and the policy of
// the filter table's FORWARD chain. Rules are parsed by the model's parseNatRule, so that a rule read
// here and a rule the planner writes compare as one. Pure.

import { parseNatRule } from '../model/nat';
import type { IptablesBackend, NatRule } from '../model/topology';

export interface IptablesSaveState {
  natRules: NatRule[];
  /** User chains of the nat table, in the order iptables-save lists them. */
  natChains: string[];
  /** null when there is no filter table (then nothing filters forwarded packets). */
  forwardPolicy: 'ACCEPT' | 'DROP' | null;
  /** Any rule in any table, any user chain, or a built-in chain whose policy is not ACCEPT. */
  holdsRules: boolean;
  /** Lines this reader could not make sense of (kept for the warning). */
  unparsed: string[];
}

export function parseIptablesSave(text: string, backend: IptablesBackend): IptablesSaveState {
  const state: IptablesSaveState = { natRules: [], natChains: [], forwardPolicy: null, holdsRules: false, unparsed: [] };
  let table: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    if (line.startsWith('*')) { table = line.slice(1); continue; }
    if (line === 'COMMIT') { table = null; continue; }
    if (line.startsWith(':')) {
      const [chain, policy] = line.slice(1).split(/\s+/);
      if (policy === '-') {
        state.holdsRules = true;
        if (table === 'nat') state.natChains.push(chain);
      } else if (policy && policy !== 'ACCEPT') {
        state.holdsRules = true;
      }
      if (table === 'filter' && chain === 'FORWARD' && (policy === 'ACCEPT' || policy === 'DROP')) state.forwardPolicy = policy;
      continue;
    }
    if (line.startsWith('-A ')) {
      state.holdsRules = true;
      if (table !== 'nat') continue;
      const rule = parseNatRule(line);
      if (rule) state.natRules.push({ ...rule, backend });
      else state.unparsed.push(line);
      continue;
    }
    state.unparsed.push(line);
  }
  return state;
}
