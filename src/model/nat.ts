// NAT rules in the form iptables-save prints them. The probe parses live rules with parseNatRule, the
// planner writes desired rules with renderNatRule, and both compare them by natRuleKey, so that a rule
// typed by hand in a tutorial and the same rule written by apply are recognised as one.

import { canonicalCidr, isSingleAddress, parseCidr, parseIp, formatIp } from './cidr';
import { natTargetTokens, parseNatTarget } from './nat-targets';
import { PORT_PROTOCOLS } from './ports';
import type { AddressMatch, NatRule } from './topology';

export const OWNER_PREFIX = 'vnet:';

/** Splits an iptables-save line into tokens, honouring "…" quotes with backslash escapes. */
export function tokenizeIptables(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  let inToken = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) { current += line[++i]; continue; }
      if (ch === '"') { quoted = false; continue; }
      current += ch;
      continue;
    }
    if (ch === '"') { quoted = true; inToken = true; continue; }
    if (ch === ' ' || ch === '\t') {
      if (inToken) { tokens.push(current); current = ''; inToken = false; }
      continue;
    }
    current += ch;
    inToken = true;
  }
  if (inToken) tokens.push(current);
  return tokens;
}

/** iptables-save writes a single address as a.b.c.d/32; keep one spelling. */
function canonicalAddressMatch(value: string): string {
  const cidr = parseCidr(value);
  if (cidr) return canonicalCidr(value);
  const ip = parseIp(value);
  if (ip) return `${formatIp(ip)}/${ip.family === 4 ? 32 : 128}`;
  return value;
}

export function parseNatRule(line: string): NatRule | null {
  const tokens = tokenizeIptables(line.trim());
  if (tokens[0] !== '-A' || tokens.length < 2) return null;
  const rule: NatRule = {
    chain: tokens[1],
    rule: line.trim(),
    source: null,
    destination: null,
    inInterface: null,
    outInterface: null,
    protocol: null,
    dport: null,
    target: { kind: 'other', name: '', args: '' },
    comment: null,
  };
  const extra: string[] = [];
  let negate = false;
  let i = 2;
  const match = (value: string, address: boolean): AddressMatch => {
    const result = { value: address ? canonicalAddressMatch(value) : value, negated: negate };
    negate = false;
    return result;
  };
  while (i < tokens.length) {
    const token = tokens[i];
    const next = tokens[i + 1];
    if (token === '!') { negate = true; i++; continue; }
    if ((token === '-s' || token === '--source') && next !== undefined) { rule.source = match(next, true); i += 2; continue; }
    if ((token === '-d' || token === '--destination') && next !== undefined) { rule.destination = match(next, true); i += 2; continue; }
    if ((token === '-i' || token === '--in-interface') && next !== undefined) { rule.inInterface = match(next, false); i += 2; continue; }
    if ((token === '-o' || token === '--out-interface') && next !== undefined) { rule.outInterface = match(next, false); i += 2; continue; }
    if ((token === '-p' || token === '--protocol') && next !== undefined && !negate) { rule.protocol = next; i += 2; continue; }
    if (token === '-m' && PORT_PROTOCOLS.has(next) && next === rule.protocol) { i += 2; continue; }
    if (token === '-m' && next === 'comment') { i += 2; continue; }
    if (token === '--comment' && next !== undefined) { rule.comment = next; i += 2; continue; }
    if ((token === '--dport' || token === '--destination-port') && next !== undefined && !negate) { rule.dport = next; i += 2; continue; }
    if ((token === '-j' || token === '-g') && next !== undefined) {
      const args = tokens.slice(i + 2);
      rule.target = parseNatTarget(token, next, args);
      i = tokens.length;
      break;
    }
    if (negate) { extra.push('!'); negate = false; }
    extra.push(token);
    i++;
  }
  if (extra.length) rule.extra = extra;
  if (rule.comment?.startsWith(OWNER_PREFIX)) rule.owner = rule.comment.slice(OWNER_PREFIX.length);
  return rule;
}

/** Fields a desired rule is built from; the same fields a parsed rule has. */
export type NatRuleFields = Omit<NatRule, 'rule' | 'owner' | 'extra'>;

function quoteIfNeeded(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Renders fields the way iptables-save prints them (option order included). */
export function renderNatRule(fields: NatRuleFields, options: { withComment?: boolean } = {}): string {
  const parts: string[] = ['-A', fields.chain];
  const add = (flag: string, m: AddressMatch | null, address: boolean) => {
    if (!m) return;
    if (m.negated) parts.push('!');
    parts.push(flag, address ? canonicalAddressMatch(m.value) : m.value);
  };
  add('-s', fields.source, true);
  add('-d', fields.destination, true);
  add('-i', fields.inInterface, false);
  add('-o', fields.outInterface, false);
  if (fields.protocol) parts.push('-p', fields.protocol);
  if (fields.dport) {
    if (fields.protocol) parts.push('-m', fields.protocol);
    parts.push('--dport', fields.dport);
  }
  if (fields.comment && options.withComment !== false) parts.push('-m', 'comment', '--comment', quoteIfNeeded(fields.comment));
  parts.push(...natTargetTokens(fields.target));
  return parts.join(' ');
}

/** What makes two rules the same rule: everything but the comment (which carries the ownership mark). */
export function natRuleKey(rule: NatRule | NatRuleFields): string {
  const extra = 'extra' in rule && rule.extra?.length ? ` ${rule.extra.join(' ')}` : '';
  return renderNatRule({ ...rule, comment: null }, { withComment: false }) + extra;
}

export function ownerMark(lab: string): string {
  return `${OWNER_PREFIX}${lab}`;
}

/** Whether a parsed single address (/32, /128) — used when wording rules for people. */
export function describeAddressMatch(m: AddressMatch): string {
  const cidr = parseCidr(m.value);
  const shown = cidr && isSingleAddress(cidr) ? m.value.slice(0, m.value.indexOf('/')) : m.value;
  return m.negated ? `not ${shown}` : shown;
}
