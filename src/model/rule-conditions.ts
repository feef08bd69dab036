// The conditions of an iptables rule as iptables-save prints them, read once for every table: the basic
// fields (-s -d -i -o -p --dport), the comment, the matches real rulesets use (RuleMatch), and what is left
// (`unmodelled`). NAT rules (nat.ts) and filter, mangle and raw rules (filter-rule.ts) are both read here,
// so a condition means the same wherever it appears.

import { canonicalCidr, formatIp, parseCidr, parseIp } from './cidr';
import type { RuleConditions, RuleMatch } from './firewall';
import { PORT_PROTOCOLS } from './ports';
import type { AddressMatch } from './topology';

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

/** A token as iptables-save would write it: quoted when it holds anything but plain characters. */
export function quoteIptablesToken(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** iptables-save writes a single address as a.b.c.d/32; keep one spelling. */
export function canonicalAddressMatch(value: string): string {
  const cidr = parseCidr(value);
  if (cidr) return canonicalCidr(value);
  const ip = parseIp(value);
  if (ip) return `${formatIp(ip)}/${ip.family === 4 ? 32 : 128}`;
  return value;
}

/** What one rule line holds before its target, and where the target starts. */
export interface ReadConditions {
  chain: string;
  conditions: RuleConditions;
  comment: string | null;
  /** Every option beyond the basic fields and the comment, as written (NAT rules keep these as `extra`). */
  extra: string[];
  /** `-j` or `-g` with the target's name and options; null when the rule has no target. */
  target: { flag: '-j' | '-g'; name: string; args: string[] } | null;
}

/** Reads `-A CHAIN …conditions… [-j|-g TARGET …]`; null when the line is not a rule. */
export function readRuleConditions(line: string): ReadConditions | null {
  const tokens = tokenizeIptables(line.trim());
  if (tokens[0] !== '-A' || tokens.length < 2) return null;
  const conditions: RuleConditions = {
    source: null, destination: null, inInterface: null, outInterface: null, protocol: null, dport: null,
  };
  const read: ReadConditions = { chain: tokens[1], conditions, comment: null, extra: [], target: null };
  let negate = false;
  const match = (value: string, address: boolean): AddressMatch => {
    const result = { value: address ? canonicalAddressMatch(value) : value, negated: negate };
    negate = false;
    return result;
  };
  for (let i = 2; i < tokens.length; i++) {
    const token = tokens[i];
    const next = tokens[i + 1];
    const hasValue = next !== undefined;
    if (token === '!') { negate = true; continue; }
    if ((token === '-s' || token === '--source') && hasValue) { conditions.source = match(next, true); i++; continue; }
    if ((token === '-d' || token === '--destination') && hasValue) { conditions.destination = match(next, true); i++; continue; }
    if ((token === '-i' || token === '--in-interface') && hasValue) { conditions.inInterface = match(next, false); i++; continue; }
    if ((token === '-o' || token === '--out-interface') && hasValue) { conditions.outInterface = match(next, false); i++; continue; }
    if ((token === '-p' || token === '--protocol') && hasValue && !negate) { conditions.protocol = next; i++; continue; }
    if (token === '-m' && PORT_PROTOCOLS.has(next) && next === conditions.protocol) { i++; continue; }
    if (token === '-m' && next === 'comment') { i++; continue; }
    if (token === '--comment' && hasValue) { read.comment = next; i++; continue; }
    if ((token === '--dport' || token === '--destination-port') && hasValue && !negate) { conditions.dport = next; i++; continue; }
    if ((token === '-j' || token === '-g') && hasValue) {
      read.target = { flag: token, name: next, args: tokens.slice(i + 2) };
      break;
    }
    if (negate) { read.extra.push('!'); negate = false; }
    read.extra.push(token);
  }
  const decoded = decodeMatches(read.extra, conditions.protocol);
  if (decoded.matches.length) conditions.matches = decoded.matches;
  if (decoded.unmodelled.length) conditions.unmodelled = decoded.unmodelled;
  return read;
}

/** One `-m MODULE` and the options after it, up to the next `-m`. */
interface MatchSegment {
  module: string | null;
  options: string[];
}

function segmentsOf(extra: readonly string[], protocol: string | null): MatchSegment[] {
  // Options before any `-m` belong to the protocol's own match, whose `-m tcp` the basic reader took.
  const segments: MatchSegment[] = [{ module: protocol !== null && PORT_PROTOCOLS.has(protocol) ? protocol : null, options: [] }];
  for (let i = 0; i < extra.length; i++) {
    if (extra[i] === '-m' && i + 1 < extra.length) { segments.push({ module: extra[++i], options: [] }); continue; }
    segments[segments.length - 1].options.push(extra[i]);
  }
  return segments.filter((s, index) => index > 0 || s.options.length > 0);
}

/** One option of a match: `[!] --name [!] value…` (old iptables put the `!` after the name). */
interface MatchOption {
  name: string;
  values: string[];
  negated: boolean;
  written: string[];
}

function optionsOf(options: readonly string[]): MatchOption[] | null {
  const out: MatchOption[] = [];
  let pendingNegation = false;
  for (const token of options) {
    if (token === '!') { pendingNegation = true; continue; }
    if (token.startsWith('--')) {
      out.push({ name: token, values: [], negated: pendingNegation, written: pendingNegation ? ['!', token] : [token] });
      pendingNegation = false;
      continue;
    }
    const current = out[out.length - 1];
    if (!current) return null;
    if (pendingNegation) { current.negated = true; current.written.push('!'); pendingNegation = false; }
    current.values.push(token);
    current.written.push(token);
  }
  return pendingNegation ? null : out;
}

type OptionReader = (option: MatchOption, segment: MatchOption[]) => RuleMatch | 'consumed' | null;

const portMatch: OptionReader = (o) =>
  (o.name === '--sport' || o.name === '--source-port') && o.values.length === 1 ? { kind: 'sport', value: o.values[0], negated: o.negated } : null;

const stateMatch: OptionReader = (o) =>
  (o.name === '--ctstate' || o.name === '--state') && o.values.length === 1 ? { kind: 'ctstate', states: o.values[0].split(','), negated: o.negated } : null;

const MULTIPORT_WHICH: Readonly<Record<string, 'dports' | 'sports' | 'ports'>> = {
  '--dports': 'dports', '--destination-ports': 'dports', '--sports': 'sports', '--source-ports': 'sports', '--ports': 'ports',
};

const LIMIT_IFACE: Readonly<Record<string, 'in' | 'out'>> = { '--limit-iface-in': 'in', '--limit-iface-out': 'out' };

const addrtypeMatch: OptionReader = (o, segment) => {
  if (o.name in LIMIT_IFACE && o.values.length === 0 && !o.negated) return 'consumed';
  if ((o.name !== '--src-type' && o.name !== '--dst-type') || o.values.length !== 1) return null;
  const limit = segment.find((s) => s.name in LIMIT_IFACE);
  return { kind: 'addrtype', which: o.name === '--src-type' ? 'src' : 'dst', type: o.values[0], negated: o.negated, limitIface: limit ? LIMIT_IFACE[limit.name] : null };
};

const markMatch: OptionReader = (o) => {
  if (o.name !== '--mark' || o.values.length !== 1) return null;
  const [value, mask] = o.values[0].split('/');
  return { kind: 'mark', value, mask: mask ?? null, negated: o.negated };
};

/** What each module's options decode to; options a reader does not know stay unmodelled. */
const MODULE_READERS: Readonly<Record<string, OptionReader>> = {
  tcp: portMatch,
  udp: portMatch,
  sctp: portMatch,
  conntrack: stateMatch,
  state: stateMatch,
  multiport: (o) => (o.name in MULTIPORT_WHICH && o.values.length === 1 ? { kind: 'multiport', which: MULTIPORT_WHICH[o.name], ports: o.values[0].split(','), negated: o.negated } : null),
  addrtype: addrtypeMatch,
  mark: markMatch,
  icmp: (o) => (o.name === '--icmp-type' && o.values.length === 1 ? { kind: 'icmp-type', value: o.values[0], negated: o.negated } : null),
};

/** Decodes the options beyond the basic fields into matches; what no reader knows stays as written. */
export function decodeMatches(extra: readonly string[], protocol: string | null): { matches: RuleMatch[]; unmodelled: string[] } {
  const matches: RuleMatch[] = [];
  const unmodelled: string[] = [];
  for (const segment of segmentsOf(extra, protocol)) {
    const written = segment.module !== null ? ['-m', segment.module] : [];
    if (segment.module === 'physdev' && segment.options.length) { matches.push({ kind: 'physdev', options: segment.options }); continue; }
    const reader = segment.module !== null ? MODULE_READERS[segment.module] : undefined;
    const options = reader ? optionsOf(segment.options) : null;
    if (!reader || !options) { unmodelled.push(...written, ...segment.options); continue; }
    const left: string[] = [];
    for (const option of options) {
      const decoded = reader(option, options);
      if (decoded === null) left.push(...option.written);
      else if (decoded !== 'consumed') matches.push(decoded);
    }
    if (left.length) unmodelled.push(...written, ...left);
  }
  return { matches, unmodelled };
}
