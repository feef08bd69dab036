// Packet marks (skb->mark): the MARK target sets them, `-m mark` reads them, within one namespace. CNI's
// portmap marks the packets it publishes (CNI-HOSTPORT-SETMARK) and masquerades the marked ones
// (CNI-HOSTPORT-MASQ): followed, not guessed. A packet that crosses into another namespace loses its mark,
// as the kernel scrubs it.

import type { Tri } from './match-context';

/** What a MARK target does to a mark, or null when its arguments are not read. */
export type MarkChange = (mark: number) => number;

function numberOf(text: string): number | null {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : null;
}

function valueAndMask(text: string): { value: number; mask: number | null } | null {
  const [valueText, maskText] = text.split('/');
  const value = numberOf(valueText);
  const mask = maskText === undefined ? null : numberOf(maskText);
  if (value === null || (maskText !== undefined && mask === null)) return null;
  return { value, mask };
}

/**
 * `--set-xmark V/M` (what iptables-save prints: clear M, then xor V) and `--set-mark V[/M]` (clear M, then
 * or V); null for anything else.
 */
export function markChange(args: string): MarkChange | null {
  const [option, operand, ...rest] = args.trim().split(/\s+/);
  if (rest.length || operand === undefined) return null;
  const parsed = valueAndMask(operand);
  if (!parsed) return null;
  const mask = parsed.mask ?? 0xffffffff;
  if (option === '--set-xmark') return (mark) => ((mark & ~mask) ^ parsed.value) >>> 0;
  if (option === '--set-mark') return (mark) => ((mark & ~mask) | parsed.value) >>> 0;
  return null;
}

/** `-m mark --mark V[/M]`: the mark, masked, equals V. */
export function markHolds(value: string, mask: string | null, negated: boolean, mark: number): Tri {
  const parsed = valueAndMask(mask === null ? value : `${value}/${mask}`);
  if (!parsed) return { unknown: `mark ${value}${mask ? `/${mask}` : ''} is not read` };
  const held = ((mark & (parsed.mask ?? 0xffffffff)) >>> 0) === parsed.value;
  return held !== negated;
}
