// The NAT part of a plan, for one namespace: the FORWARD policy, user chains and rules of the nat table,
// as one atomic iptables-restore transaction. Rules are compared by natRuleKey (everything but the
// comment), so a rule typed by hand and the same rule written by apply are one rule. Order matters in a
// chain (the first match wins), so the lab's rules are matched against the file with a longest common
// subsequence: rules in it stay where they are, the others are deleted, and missing rules are inserted
// at the position that keeps the file's order, never moving a rule someone else owns.

import { isBuiltinChain } from '../model/iptables';
import type { OwnedRecord } from '../model/lab-state';
import { checkChainName } from '../model/names';
import { natRuleKey, renderNatRule, tokenizeIptables } from '../model/nat';
import type { ChainPolicy } from '../model/iptables';
import type { Namespace, NatRule } from '../model/topology';
import { VnetError } from '../model/errors';
import { adoptKeyForNat, type Ownership } from './ownership';
import type { Conflict, HostCommand, StepAction } from './plan';
import { WORK_IN_STAGE, type StepList } from './step-list';
import { inNamespace, natChainPhrase, natRulePhrase, stepText } from './wording';

const WORK = WORK_IN_STAGE.nat;

export interface NatDiffInput {
  namespace: string;
  /** Null when the lab wants nothing here any more (destroy, or a namespace left out of the file). */
  desired: Namespace | null;
  /** Null for a namespace the plan creates. */
  live: Namespace | null;
  own: Ownership;
  steps: StepList;
  conflicts: Conflict[];
  /** Records that stay in the state file after the plan (chains, FORWARD policy). */
  keep: OwnedRecord[];
}

interface Pending {
  work: number;
  action: StepAction;
  description: string;
  commands: HostCommand[];
}

interface ChainEntry {
  key: string;
  rule: NatRule | null;
  owned: boolean;
  adoptable: boolean;
}

function iptablesCommand(namespace: string, table: 'nat' | 'filter', args: string[]): HostCommand {
  return { tool: 'iptables', namespace, table, args };
}

export function diffNat(input: NatDiffInput): void {
  const pending: Pending[] = [];
  diffForwardPolicy(input, pending);
  const { deleted, blocked } = diffUserChains(input, pending);
  diffRules(input, deleted, blocked, pending);
  if (!pending.length) return;
  const removalOnly = pending.every((p) => p.action !== 'create');
  const stage = removalOnly ? 'nat-remove' : 'nat';
  for (const p of pending) input.steps.add(stage, input.namespace, p.work, p.action, p.description, p.commands);
}

/**
 * FORWARD policy of the filter table: null in the file means "leave it as it is". As with forwarding, the
 * policy before the first lab changed it is passed on between labs and restored by the last one.
 */
function diffForwardPolicy(input: NatDiffInput, pending: Pending[]): void {
  const { namespace, desired, live, own } = input;
  const ownsAll = own.ownsNamespace(namespace);
  const wantPolicy = desired?.forwardPolicy ?? null;
  const livePolicy = live ? live.forwardPolicy : 'ACCEPT';
  const previousPolicy = own.previousForwardPolicy(namespace);
  const holders = ownsAll ? [] : own.otherHolders('forwardPolicy', namespace);
  if (wantPolicy) {
    const original = previousPolicy ?? (holders.length ? holders[0].previous as ChainPolicy : livePolicy);
    if (wantPolicy !== livePolicy) {
      const commands: HostCommand[] = [];
      if (!ownsAll && previousPolicy === null && original) {
        commands.push({ tool: 'claim', record: { kind: 'forwardPolicy', namespace, previous: original } });
      }
      commands.push(iptablesCommand(namespace, 'filter', [':FORWARD', wantPolicy]));
      pending.push({ work: WORK.policy, action: 'change', description: stepText.setForwardPolicy(wantPolicy, namespace), commands });
    }
    if (!ownsAll && original) input.keep.push({ kind: 'forwardPolicy', namespace, previous: original });
  } else if (previousPolicy) {
    const record: OwnedRecord = { kind: 'forwardPolicy', namespace, previous: previousPolicy };
    const commands: HostCommand[] = [];
    if (live && livePolicy !== previousPolicy && !holders.length) commands.push(iptablesCommand(namespace, 'filter', [':FORWARD', previousPolicy]));
    commands.push({ tool: 'release', record });
    const description = holders.length
      ? stepText.leaveForwardPolicyShared(livePolicy, namespace, holders[0].lab)
      : stepText.restoreForwardPolicy(previousPolicy, namespace);
    pending.push({ work: WORK.policy, action: 'change', description, commands });
  }
}

/** User chains the file declares are created or adopted; the lab's chains it no longer declares are deleted. */
function diffUserChains(input: NatDiffInput, pending: Pending[]): { deleted: Set<string>; blocked: Set<string> } {
  const { namespace, desired } = input;
  for (const chain of desired?.natChains ?? []) {
    const problem = checkChainName(chain);
    if (problem) throw new VnetError('VN-PLAN-NAME', `${problem.message} (chain in ${namespace})`);
  }
  return { blocked: createChains(input, pending), deleted: deleteChains(input, pending) };
}

/** Creates or adopts the declared chains; returns those someone else holds, whose rules stay alone. */
function createChains(input: NatDiffInput, pending: Pending[]): Set<string> {
  const { namespace, desired, live, own } = input;
  const ownsAll = own.ownsNamespace(namespace);
  const liveChains = live?.natChains ?? [];
  const blocked = new Set<string>();
  for (const chain of desired?.natChains ?? []) {
    const record: OwnedRecord = { kind: 'chain', namespace, table: 'nat', chain };
    if (!liveChains.includes(chain)) {
      const commands: HostCommand[] = ownsAll ? [] : [{ tool: 'claim', record }];
      commands.push(iptablesCommand(namespace, 'nat', ['-N', chain]));
      pending.push({ work: WORK.createChain, action: 'create', description: stepText.createNatChain(chain, namespace), commands });
      if (!ownsAll) input.keep.push(record);
    } else if (!own.ownsChain(namespace, chain)) {
      const adopt = adoptKeyForNat(namespace);
      if (own.isAdopted(adopt)) {
        pending.push({ work: WORK.createChain, action: 'change', description: stepText.adoptNatChain(chain, namespace), commands: [{ tool: 'claim', record }] });
        input.keep.push(record);
      } else {
        blocked.add(chain);
        input.conflicts.push({ element: natChainPhrase(chain, namespace), reason: `it exists and lab "${own.lab}" did not create it`, adopt });
      }
    } else if (!ownsAll) {
      input.keep.push(record);
    }
  }
  return blocked;
}

/** Deletes the lab's chains the file no longer declares, unless rules of others jump to them. */
function deleteChains(input: NatDiffInput, pending: Pending[]): Set<string> {
  const { namespace, desired, live, own } = input;
  const desiredChains = desired?.natChains ?? [];
  const deleted = new Set<string>();
  for (const chain of live?.natChains ?? []) {
    if (desiredChains.includes(chain) || !own.ownsChain(namespace, chain)) continue;
    const foreignJumps = (live?.nat ?? []).filter((rule) => rule.target.kind === 'jump' && rule.target.chain === chain
      && !own.ownsRule(namespace, rule));
    if (foreignJumps.length) {
      input.conflicts.push({
        element: natChainPhrase(chain, namespace),
        reason: `lab "${own.lab}" would delete it, but rules it does not own jump to it: ${foreignJumps.map((r) => natRuleKey(r)).join('; ')}`,
        adopt: adoptKeyForNat(namespace),
      });
      continue;
    }
    deleted.add(chain);
    const commands: HostCommand[] = [iptablesCommand(namespace, 'nat', ['-F', chain]), iptablesCommand(namespace, 'nat', ['-X', chain])];
    if (!own.ownsNamespace(namespace)) commands.push({ tool: 'release', record: { kind: 'chain', namespace, table: 'nat', chain } });
    pending.push({ work: WORK.deleteChain, action: 'delete', description: stepText.deleteNatChain(chain, namespace), commands });
  }
  return deleted;
}

/** Rules, chain by chain, in the order chains first appear. */
function diffRules(input: NatDiffInput, deleted: Set<string>, blocked: Set<string>, pending: Pending[]): void {
  const { namespace, desired, live } = input;
  const chains: string[] = [];
  const seen = (chain: string) => { if (!chains.includes(chain)) chains.push(chain); };
  for (const rule of desired?.nat ?? []) seen(rule.chain);
  for (const rule of live?.nat ?? []) seen(rule.chain);
  const declared = new Set([...(desired?.natChains ?? []), ...(live?.natChains ?? [])]);
  for (const chain of chains) {
    if (deleted.has(chain)) continue;
    if (!isBuiltinChain('nat', chain) && !declared.has(chain)) {
      throw new VnetError('VN-PLAN-NAT', `A NAT rule ${inNamespace(namespace)} uses chain ${chain}, which is neither built in nor declared. Declare the chain in the file.`);
    }
    diffChain(input, chain, blocked.has(chain), pending);
  }
}

function diffChain(input: NatDiffInput, chain: string, blocked: boolean, pending: Pending[]): void {
  const { namespace, desired, live, own } = input;
  const desiredRules = blocked ? [] : (desired?.nat ?? []).filter((rule) => rule.chain === chain);
  const desiredKeys = desiredRules.map((rule) => natRuleKey(rule));
  const desiredKeySet = new Set(desiredKeys);
  const entries: ChainEntry[] = (live?.nat ?? []).filter((rule) => rule.chain === chain).map((rule) => {
    const key = natRuleKey(rule);
    const owned = own.ownsRule(namespace, rule);
    return { key, rule, owned, adoptable: !owned && desiredKeySet.has(key) };
  });
  const refused = refuseForeignRules(input, entries);
  const candidates = entries.filter((entry) => entry.owned || entry.adoptable);
  const wanted = desiredKeys.map((key, index) => ({ key, index })).filter((item) => !refused.has(item.key));
  const pairs = longestCommonSubsequence(candidates.map((c) => c.key), wanted.map((w) => w.key));
  const matchedCandidate = new Map<number, ChainEntry>();
  for (const [ci, wi] of pairs) matchedCandidate.set(wanted[wi].index, candidates[ci]);
  const simulated = deleteUnmatched(input, entries, candidates, new Set(matchedCandidate.values()), pending);
  insertMissing(input, chain, { rules: desiredRules, keys: desiredKeys, refused }, matchedCandidate, simulated, pending);
}

/** A desired rule that someone else already has: adopt it when allowed, or stop and say so. */
function refuseForeignRules(input: NatDiffInput, entries: ChainEntry[]): Set<string> {
  const { namespace, own } = input;
  const adoptKey = adoptKeyForNat(namespace);
  const refused = new Set<string>();
  for (const entry of entries) {
    if (!entry.adoptable || own.isAdopted(adoptKey)) continue;
    entry.adoptable = false;
    refused.add(entry.key);
    const owner = entry.rule?.owner;
    input.conflicts.push({
      element: natRulePhrase(namespace, entry.key),
      reason: owner ? `lab "${owner}" owns the same rule` : `the same rule exists and lab "${own.lab}" did not create it`,
      adopt: adoptKey,
    });
  }
  return refused;
}

/** Deletes the lab's rules the file no longer has; returns the chain as it will be after the deletions. */
function deleteUnmatched(input: NatDiffInput, entries: ChainEntry[], candidates: ChainEntry[], matched: Set<ChainEntry>, pending: Pending[]): ChainEntry[] {
  const simulated = [...entries];
  for (const candidate of candidates) {
    if (matched.has(candidate) || !candidate.owned || !candidate.rule) continue;
    const args = ruleTokens(candidate.rule.rule);
    args[0] = '-D';
    pending.push({
      work: WORK.deleteRule, action: 'delete', description: stepText.removeNatRule(input.namespace, candidate.key),
      commands: [iptablesCommand(input.namespace, 'nat', args)],
    });
    simulated.splice(simulated.indexOf(candidate), 1);
  }
  return simulated;
}

/** Adopts matched rules and inserts missing ones where they keep the file's order. */
function insertMissing(
  input: NatDiffInput, chain: string, desired: { rules: NatRule[]; keys: string[]; refused: Set<string> },
  matchedCandidate: Map<number, ChainEntry>, simulated: ChainEntry[], pending: Pending[],
): void {
  const { namespace } = input;
  const command = (args: string[]) => iptablesCommand(namespace, 'nat', args);
  let cursor: number | null = null;
  for (let di = 0; di < desired.rules.length; di++) {
    const key = desired.keys[di];
    if (desired.refused.has(key)) continue;
    const body = ruleTokens(renderNatRule({ ...desired.rules[di], comment: input.own.mark })).slice(2);
    const existing = matchedCandidate.get(di);
    if (existing) {
      const position = simulated.indexOf(existing);
      if (existing.adoptable) {
        pending.push({ work: WORK.rule, action: 'change', description: stepText.adoptNatRule(namespace, key), commands: [command(['-R', chain, String(position + 1), ...body])] });
      }
      cursor = position + 1;
      continue;
    }
    const next = desired.rules.findIndex((_, j) => j > di && matchedCandidate.has(j));
    const at: number = cursor ?? (next >= 0 ? simulated.indexOf(matchedCandidate.get(next)!) : simulated.length);
    const args = at >= simulated.length ? ['-A', chain, ...body] : ['-I', chain, String(at + 1), ...body];
    pending.push({ work: WORK.rule, action: 'create', description: stepText.addNatRule(namespace, key), commands: [command(args)] });
    simulated.splice(at, 0, { key, rule: null, owned: true, adoptable: false });
    cursor = at + 1;
  }
}

/** Tokens of a rule as iptables-save prints it; the renderer quotes each for iptables-restore. */
function ruleTokens(text: string): string[] {
  const tokens = tokenizeIptables(text);
  if (tokens[0] !== '-A' || tokens.length < 3) throw new VnetError('VN-PLAN-NAT', `Cannot read the NAT rule "${text}".`);
  return tokens;
}

/** Index pairs [i in a, j in b] of one longest common subsequence, in order. */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): [number, number][] {
  const n = a.length;
  const m = b.length;
  const table: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { pairs.push([i, j]); i++; j++; }
    else if (table[i + 1][j] >= table[i][j + 1]) i++;
    else j++;
  }
  return pairs;
}
