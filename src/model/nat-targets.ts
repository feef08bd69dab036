// Every NAT target VNet models, described once: how iptables-save spells it (parse and render), the word a
// .vnet file uses for it, the chain a rule of it lands in by default, and how people read it (the long form
// of the Hosts tree, the short form of the diagram). Adding a target is adding a row
// (docs/architecture.md, "How to add a NAT target").

import { BUILTIN_TARGETS } from './iptables';
import type { NatTarget } from './topology';

export type NatTargetKind = NatTarget['kind'];

/** The words a .vnet file writes a NAT rule's action with. */
export type NatAction = 'masquerade' | 'snat' | 'dnat' | 'jump' | 'accept' | 'return';

export interface NatTargetFacts {
  /** The .vnet action, or null for targets a file cannot write (shown, never rewritten). */
  readonly action: NatAction | null;
  /** The built-in chain a rule with this action goes to when a file writes it outside a chain block. */
  readonly defaultChain: 'PREROUTING' | 'POSTROUTING' | null;
  /** The option that carries the translated address (`--to-destination`), for targets that have one. */
  readonly toOption: '--to-source' | '--to-destination' | null;
  /** The long form's leading words (`masquerade`), the short form's (`MASQ`). */
  readonly longWord: string;
  readonly shortWord: string;
}

export const NAT_TARGETS: Readonly<Record<NatTargetKind, NatTargetFacts>> = {
  MASQUERADE: { action: 'masquerade', defaultChain: 'POSTROUTING', toOption: null, longWord: 'masquerade', shortWord: 'MASQ' },
  SNAT: { action: 'snat', defaultChain: 'POSTROUTING', toOption: '--to-source', longWord: 'snat', shortWord: 'SNAT' },
  DNAT: { action: 'dnat', defaultChain: 'PREROUTING', toOption: '--to-destination', longWord: 'dnat', shortWord: 'DNAT' },
  jump: { action: 'jump', defaultChain: 'POSTROUTING', toOption: null, longWord: 'go to chain', shortWord: '→' },
  ACCEPT: { action: 'accept', defaultChain: 'POSTROUTING', toOption: null, longWord: 'no NAT', shortWord: 'ACCEPT' },
  RETURN: { action: 'return', defaultChain: 'POSTROUTING', toOption: null, longWord: 'return (no NAT)', shortWord: 'RETURN' },
  other: { action: null, defaultChain: null, toOption: null, longWord: 'rule', shortWord: '' },
};

const KIND_OF_ACTION = new Map(
  (Object.entries(NAT_TARGETS) as [NatTargetKind, NatTargetFacts][])
    .filter(([, facts]) => facts.action !== null)
    .map(([kind, facts]) => [facts.action!, kind]),
);

/** The target a .vnet action stands for. */
export function natTargetKindOf(action: NatAction): NatTargetKind {
  return KIND_OF_ACTION.get(action)!;
}

/** The chain a rule with this action lands in when its file names none. */
export function defaultNatChain(action: NatAction): string {
  return NAT_TARGETS[natTargetKindOf(action)].defaultChain!;
}

/** A target as iptables-save prints it after `-j`/`-g`: the name and its options. */
export function parseNatTarget(flag: '-j' | '-g' | string, name: string, args: readonly string[]): NatTarget {
  const facts = NAT_TARGETS[name as NatTargetKind] as NatTargetFacts | undefined;
  if (facts && name !== 'jump' && name !== 'other') {
    if (facts.toOption === null && args.length === 0) return { kind: name } as NatTarget;
    if (facts.toOption !== null && args.length === 2 && args[0] === facts.toOption) return { kind: name, to: args[1] } as NatTarget;
  }
  if (flag === '-j' && !BUILTIN_TARGETS.has(name) && args.length === 0) return { kind: 'jump', chain: name };
  return { kind: 'other', name, args: args.join(' ') };
}

/** The tokens after the matches: `-j DNAT --to-destination 10.0.0.2:80`. */
export function natTargetTokens(target: NatTarget): string[] {
  switch (target.kind) {
    case 'jump': return ['-j', target.chain];
    case 'other': return ['-j', target.name, ...(target.args ? [target.args] : [])];
    case 'SNAT': case 'DNAT': return ['-j', target.kind, NAT_TARGETS[target.kind].toOption!, target.to];
    default: return ['-j', target.kind];
  }
}

/** Where a SNAT or DNAT rule translates to; null for the other targets. */
export function natTargetTo(target: NatTarget): string | null {
  return target.kind === 'SNAT' || target.kind === 'DNAT' ? target.to : null;
}
