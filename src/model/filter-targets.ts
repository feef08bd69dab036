// Every target of the filter, mangle and raw tables VNet models, described once: how iptables-save spells
// it (parse and render) and how people read it (the long form of the Hosts tree, the short form of the
// diagram). Like nat-targets.ts for NAT; adding a target is adding a row.

import type { FilterTarget } from './firewall';
import { BUILTIN_TARGETS } from './iptables';
import { quoteIptablesToken } from './rule-conditions';

export type FilterTargetKind = FilterTarget['kind'];

export interface FilterTargetFacts {
  /** The long form's leading words (`drop`), the short form's (`DROP`). */
  readonly longWord: string;
  readonly shortWord: string;
  /** Whether the packet's fate is decided here (no later rule of the chain sees it). */
  readonly decides: boolean;
}

export const FILTER_TARGETS: Readonly<Record<FilterTargetKind, FilterTargetFacts>> = {
  ACCEPT: { longWord: 'accept', shortWord: 'ACCEPT', decides: true },
  DROP: { longWord: 'drop', shortWord: 'DROP', decides: true },
  REJECT: { longWord: 'reject', shortWord: 'REJECT', decides: true },
  RETURN: { longWord: 'return to the calling chain', shortWord: 'RETURN', decides: false },
  jump: { longWord: 'go to chain', shortWord: '→', decides: false },
  goto: { longWord: 'go to chain (no return)', shortWord: '⇒', decides: false },
  LOG: { longWord: 'log', shortWord: 'LOG', decides: false },
  MARK: { longWord: 'set mark', shortWord: 'MARK', decides: false },
  other: { longWord: 'rule', shortWord: '', decides: false },
};

/** Options written as iptables-save writes them (quoted where needed), so the text reads back the same. */
function argsText(args: readonly string[]): string {
  return args.map(quoteIptablesToken).join(' ');
}

/** A target as iptables-save prints it after `-j`/`-g`: the name and its options. */
export function parseFilterTarget(flag: '-j' | '-g' | string, name: string, args: readonly string[]): FilterTarget {
  if (flag === '-g') return args.length === 0 ? { kind: 'goto', chain: name } : { kind: 'other', name, args: argsText(args) };
  if ((name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') && args.length === 0) return { kind: name };
  if (name === 'REJECT' && args.length === 0) return { kind: 'REJECT', with: null };
  if (name === 'REJECT' && args.length === 2 && args[0] === '--reject-with') return { kind: 'REJECT', with: args[1] };
  if (name === 'LOG' || name === 'MARK') return { kind: name, args: argsText(args) };
  if (!BUILTIN_TARGETS.has(name) && args.length === 0) return { kind: 'jump', chain: name };
  return { kind: 'other', name, args: argsText(args) };
}

/** The tokens of the target, as iptables-save prints them: `-j REJECT --reject-with icmp-port-unreachable`. */
export function filterTargetTokens(target: FilterTarget): string[] {
  switch (target.kind) {
    case 'jump': return ['-j', target.chain];
    case 'goto': return ['-g', target.chain];
    case 'REJECT': return ['-j', 'REJECT', ...(target.with ? ['--reject-with', target.with] : [])];
    case 'LOG': case 'MARK': return ['-j', target.kind, ...(target.args ? [target.args] : [])];
    case 'other': return target.name ? ['-j', target.name, ...(target.args ? [target.args] : [])] : [];
    default: return ['-j', target.kind];
  }
}

/** The chain a jump or goto leads to; null for the other targets. */
export function filterTargetChain(target: FilterTarget): string | null {
  return target.kind === 'jump' || target.kind === 'goto' ? target.chain : null;
}
