// What `nft -j list ruleset` (or `list table`) prints → NftTable (src/model/nftables.ts): tables with
// their owner, chains with type, hook, priority and policy, rules with their nft text and the facts VNet
// decodes. Whatever a rule holds beyond those facts is named, in nft's words, in `unmodelled`. Pure.
// The schema: libnftables-json(5).

import type { NftChain, NftFamily, NftOwner, NftRule, NftRuleFacts, NftTable, NftVerdict } from '../model/nftables';
import type { AddressMatch } from '../model/topology';
import { exprText, isObject, natTarget, soleKey, statementText, type Json } from './nft-json-text';

const FAMILIES: readonly NftFamily[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

/** The software that writes a table, from its name (`docker-bridges` is Docker 29's nftables backend). */
export function nftTableOwner(name: string): NftOwner | null {
  if (name === 'firewalld') return 'firewalld';
  if (name === 'netavark') return 'netavark';
  if (name === 'kube-proxy') return 'kube-proxy';
  if (name === 'docker' || name.startsWith('docker-')) return 'docker';
  return null;
}

// iptables-nft's tables, by family: those it creates, named as it names them (iptables, ip6tables,
// arptables, ebtables). Neither iptables 1.8.9 nor nft 1.0.6 marks them otherwise: no userdata, no comment,
// no owner flag (`nft -j list tables` shows family, name and handle only). So a table counts as
// iptables-nft's when its family and name are one of these AND each of its base chains has one of
// iptables' built-in chain names; a hand-written `table ip nat { chain postrouting … }` is native.
const IPTABLES_NFT_TABLES: Record<string, readonly string[]> = {
  ip: ['filter', 'nat', 'mangle', 'raw', 'security'],
  ip6: ['filter', 'nat', 'mangle', 'raw', 'security'],
  arp: ['filter'],
  bridge: ['filter', 'nat', 'broute'],
};
const IPTABLES_BUILTIN_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING', 'BROUTING']);

export function isIptablesNftTable(family: string, name: string, baseChainNames: readonly string[]): boolean {
  return (IPTABLES_NFT_TABLES[family]?.includes(name) ?? false) && baseChainNames.every((chain) => IPTABLES_BUILTIN_CHAINS.has(chain));
}

function emptyFacts(): NftRuleFacts {
  return { saddr: null, daddr: null, iifname: null, oifname: null, l4proto: null, dport: null, ctState: null, fibDaddrLocal: false, verdict: null, unmodelled: [] };
}

const L4_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

/** A plain address or prefix (`10.0.0.0/8`); null for a set, a named set or anything else. */
function addressValue(right: unknown): string | null {
  if (typeof right === 'string' && !right.startsWith('@')) return right;
  if (isObject(right) && isObject(right.prefix)) return `${exprText(right.prefix.addr)}/${String(right.prefix.len)}`;
  return null;
}

function portValues(right: unknown): string[] | null {
  if (typeof right === 'number') return [String(right)];
  if (soleKey(right) === 'range') return [exprText(right)];
  if (soleKey(right) === 'set') {
    const members = (right as Json).set;
    const list = Array.isArray(members) ? members : [members];
    if (list.every((m) => typeof m === 'number' || soleKey(m) === 'range')) return list.map((m) => exprText(m));
  }
  return null;
}

function stateValues(right: unknown): string[] | null {
  if (typeof right === 'string') return [right];
  const list = Array.isArray(right) ? right : soleKey(right) === 'set' ? (right as Json).set : null;
  return Array.isArray(list) && list.every((s) => typeof s === 'string') ? (list as string[]) : null;
}

/** Decodes one match into facts; false when VNet does not model it. */
function decodeMatch(match: Json, facts: NftRuleFacts): boolean {
  const { op, left, right } = match;
  const negated = op === '!=';
  if (op !== '==' && op !== '!=' && op !== 'in') return false;
  const l = isObject(left) ? left : {};
  const payload = isObject(l.payload) ? l.payload : null;
  const meta = isObject(l.meta) ? l.meta : null;
  if (payload && (payload.protocol === 'ip' || payload.protocol === 'ip6')) {
    const field = payload.field;
    const value = addressValue(right);
    if ((field === 'saddr' || field === 'daddr') && value !== null && facts[field] === null) {
      facts[field] = { value, negated } satisfies AddressMatch;
      return true;
    }
    if ((field === 'protocol' || field === 'nexthdr') && typeof right === 'string' && !negated && facts.l4proto === null) {
      facts.l4proto = right;
      return true;
    }
    return false;
  }
  if (payload && (L4_PROTOCOLS.has(String(payload.protocol)) || payload.protocol === 'th') && payload.field === 'dport' && !negated && facts.dport === null) {
    const ports = portValues(right);
    if (ports === null) return false;
    facts.dport = ports;
    if (payload.protocol !== 'th') facts.l4proto ??= String(payload.protocol);
    return true;
  }
  if (meta && (meta.key === 'iifname' || meta.key === 'oifname') && typeof right === 'string' && facts[meta.key] === null) {
    facts[meta.key] = { value: right, negated };
    return true;
  }
  if (meta && meta.key === 'l4proto' && typeof right === 'string' && !negated && facts.l4proto === null) {
    facts.l4proto = right;
    return true;
  }
  if (isObject(l.ct) && l.ct.key === 'state' && l.ct.dir === undefined && facts.ctState === null) {
    const states = stateValues(right);
    if (states === null) return false;
    facts.ctState = { states, negated };
    return true;
  }
  if (isObject(l.fib) && l.fib.result === 'type' && right === 'local' && op === '==') {
    const flags = Array.isArray(l.fib.flags) ? l.fib.flags : [l.fib.flags];
    if (flags.length === 1 && flags[0] === 'daddr') return (facts.fibDaddrLocal = true);
  }
  return false;
}

function decodeVerdict(key: string, body: unknown): NftVerdict | null {
  const b = isObject(body) ? body : {};
  switch (key) {
    case 'accept': case 'drop': case 'return': return { kind: key };
    case 'reject': return { kind: 'reject' };
    case 'jump': case 'goto': return typeof b.target === 'string' ? { kind: key, chain: b.target } : null;
    case 'masquerade': return { kind: 'masquerade' };
    case 'snat': case 'dnat': { const to = natTarget(b); return to === null ? null : { kind: key, to }; }
    case 'redirect': return { kind: 'redirect', to: natTarget(b) };
    default: return null;
  }
}

/** The facts of one rule's statements; every statement VNet does not evaluate goes to `unmodelled`. */
export function decodeRule(statements: readonly unknown[]): NftRuleFacts {
  const facts = emptyFacts();
  for (const statement of statements) {
    const key = soleKey(statement);
    const body = key === null ? undefined : (statement as Json)[key];
    if (key === 'counter') continue;
    if (key === 'match' && isObject(body) && decodeMatch(body, facts)) continue;
    const verdict = key === null ? null : decodeVerdict(key, body);
    if (verdict !== null && facts.verdict === null) {
      facts.verdict = verdict;
      // A masquerade or snat with flags (fully-random, persistent) still translates as its verdict says.
      continue;
    }
    facts.unmodelled.push(statementText(statement));
  }
  return facts;
}

function ruleOf(rule: Json): NftRule {
  const statements = Array.isArray(rule.expr) ? rule.expr : [];
  const comment = typeof rule.comment === 'string' ? rule.comment : null;
  const parts = statements.map(statementText);
  if (comment !== null) parts.push(`comment "${comment.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return { text: parts.join(' '), handle: typeof rule.handle === 'number' ? rule.handle : null, comment, facts: decodeRule(statements) };
}

function chainOf(chain: Json): NftChain {
  const type = chain.type === 'filter' || chain.type === 'nat' || chain.type === 'route' ? chain.type : null;
  return {
    name: String(chain.name),
    type,
    hook: typeof chain.hook === 'string' ? chain.hook : null,
    priority: typeof chain.prio === 'number' ? chain.prio : null,
    policy: chain.policy === 'accept' || chain.policy === 'drop' ? chain.policy : null,
    rules: [],
  };
}

const tableKey = (family: unknown, name: unknown) => `${String(family)} ${String(name)}`;

/** Every table of one or more `nft -j list …` documents, in the order nft printed them. */
export function parseNftJson(documents: readonly unknown[]): NftTable[] {
  const tables = new Map<string, NftTable>();
  const chains = new Map<string, NftChain>();
  for (const document of documents) {
    const items = isObject(document) && Array.isArray(document.nftables) ? document.nftables : [];
    for (const item of items) {
      if (!isObject(item)) continue;
      if (isObject(item.table) && FAMILIES.includes(item.table.family as NftFamily) && typeof item.table.name === 'string') {
        const { family, name } = item.table;
        tables.set(tableKey(family, name), { family: family as NftFamily, name, owner: nftTableOwner(name), chains: [] });
      } else if (isObject(item.chain)) {
        const table = tables.get(tableKey(item.chain.family, item.chain.table));
        if (!table) continue;
        const chain = chainOf(item.chain);
        table.chains.push(chain);
        chains.set(`${tableKey(item.chain.family, item.chain.table)} ${chain.name}`, chain);
      } else if (isObject(item.rule)) {
        chains.get(`${tableKey(item.rule.family, item.rule.table)} ${String(item.rule.chain)}`)?.rules.push(ruleOf(item.rule));
      }
    }
  }
  return [...tables.values()];
}

/** The tables iptables-nft does not own (see isIptablesNftTable). */
export function nativeTables(tables: readonly NftTable[]): NftTable[] {
  return tables.filter((t) => !isIptablesNftTable(t.family, t.name, t.chains.filter((c) => c.hook !== null).map((c) => c.name)));
}
