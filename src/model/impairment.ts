// Link impairments: what `tc qdisc … root netem` (or tbf, for a rate alone) does to the packets that leave
// an interface. The one place for their units (parse and print), their words (tree, diagram, plan, trace),
// the `tc` arguments that set them and the comparison of a desired impairment with one read back from the
// kernel. Pure.

/** What an interface does to the packets it sends (its egress), as netem models it. Every field is optional. */
export interface Impairment {
  /** Added one-way delay, microseconds. */
  delayUs?: number;
  /** Random variation of the delay (±), microseconds; only with a delay. */
  jitterUs?: number;
  /** How much each delay depends on the previous one, percent; only with a jitter. */
  correlationPct?: number;
  /** Packets dropped, percent (100 drops everything). */
  lossPct?: number;
  duplicatePct?: number;
  /** Packets sent at once instead of delayed, percent; only with a delay. */
  reorderPct?: number;
  /** Packets with a flipped bit, percent. */
  corruptPct?: number;
  /** Rate limit, bits per second. */
  rateBps?: number;
}

/** The settings of an impairment, in the order they are written (`.vnet`, tree, export). */
export const IMPAIRMENT_SETTINGS = ['delay', 'jitter', 'correlation', 'loss', 'duplicate', 'reorder', 'corrupt', 'rate'] as const;
export type ImpairmentSetting = (typeof IMPAIRMENT_SETTINGS)[number];

type Unit = 'time' | 'percent' | 'rate';

interface SettingFacts {
  field: keyof Impairment;
  unit: Unit;
  /** How it is written, for hover and completion. */
  syntax: string;
  summary: string;
  /** An example value, for messages and snippets. */
  example: string;
  /** The setting this one needs (jitter needs a delay). */
  needs?: ImpairmentSetting;
}

export const IMPAIRMENT_FACTS: Record<ImpairmentSetting, SettingFacts> = {
  delay: { field: 'delayUs', unit: 'time', syntax: 'delay TIME', summary: 'Delays every packet the interface sends (netem delay), e.g. `delay 20ms`.', example: '20ms' },
  jitter: { field: 'jitterUs', unit: 'time', syntax: 'jitter TIME', summary: 'Varies the delay by up to ± this much (netem delay … JITTER); needs a delay.', example: '5ms', needs: 'delay' },
  correlation: { field: 'correlationPct', unit: 'percent', syntax: 'correlation PERCENT', summary: 'How much each delay depends on the one before (netem delay … JITTER CORRELATION); needs a jitter.', example: '25%', needs: 'jitter' },
  loss: { field: 'lossPct', unit: 'percent', syntax: 'loss PERCENT', summary: 'Drops this share of the packets the interface sends (netem loss); 100% drops all.', example: '1%' },
  duplicate: { field: 'duplicatePct', unit: 'percent', syntax: 'duplicate PERCENT', summary: 'Sends this share of packets twice (netem duplicate).', example: '1%' },
  reorder: { field: 'reorderPct', unit: 'percent', syntax: 'reorder PERCENT', summary: 'Sends this share of packets at once while the others wait out the delay, so they arrive out of order (netem reorder); needs a delay.', example: '25%', needs: 'delay' },
  corrupt: { field: 'corruptPct', unit: 'percent', syntax: 'corrupt PERCENT', summary: 'Flips a random bit in this share of packets (netem corrupt).', example: '0.1%' },
  rate: { field: 'rateBps', unit: 'rate', syntax: 'rate RATE', summary: 'Limits the interface to this many bits per second (netem rate), e.g. `rate 10mbit`.', example: '10mbit' },
};

export function isImpairmentSetting(word: string): word is ImpairmentSetting {
  return (IMPAIRMENT_SETTINGS as readonly string[]).includes(word);
}

const TIME_UNITS: Record<string, number> = { us: 1, ms: 1000, s: 1_000_000 };
const RATE_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9, tbit: 1e12 };
const NUMBER = '([0-9]+(?:\\.[0-9]+)?)';
const TIME = new RegExp(`^${NUMBER}(us|ms|s)$`);
const PERCENT = new RegExp(`^${NUMBER}%$`);
const RATE = new RegExp(`^${NUMBER}(bit|kbit|mbit|gbit|tbit)$`);
/** No link delays by more than an hour: such a time is a typo (`20s` for `20ms`?). */
const MAX_TIME_US = 3_600_000_000;
/** netem's rate is a 64-bit count of bytes per second; anything past a terabit is a typo. */
const MAX_RATE_BPS = 1e13;

export type ValueResult = { value: number } | { error: string };

/** One setting's value as written (`20ms`, `1%`, `10mbit`), in the model's unit, or why it is refused. */
export function parseImpairmentValue(setting: ImpairmentSetting, text: string): ValueResult {
  const facts = IMPAIRMENT_FACTS[setting];
  if (facts.unit === 'time') {
    const match = TIME.exec(text);
    if (!match) return { error: `${setting} takes a time with its unit, us, ms or s (e.g. \`${setting} ${facts.example}\`), not "${text}".` };
    const us = Math.round(Number(match[1]) * TIME_UNITS[match[2]]);
    if (us > MAX_TIME_US) return { error: `${setting} ${text} is more than an hour; netem cannot hold it. Write a shorter time.` };
    return { value: us };
  }
  if (facts.unit === 'percent') {
    const match = PERCENT.exec(text);
    if (!match) return { error: `${setting} takes a percentage (e.g. \`${setting} ${facts.example}\`), not "${text}".` };
    const pct = Number(match[1]);
    if (pct > 100) return { error: `${setting} ${text} is over 100%. Write a percentage from 0% to 100%.` };
    return { value: pct };
  }
  const match = RATE.exec(text);
  if (!match) return { error: `rate takes bits per second with a unit, bit, kbit, mbit or gbit (e.g. \`rate ${facts.example}\`), not "${text}".` };
  const bps = Math.round(Number(match[1]) * RATE_UNITS[match[2]]);
  if (bps < 8) return { error: `rate ${text} is less than one byte per second. Write a higher rate.` };
  if (bps > MAX_RATE_BPS) return { error: `rate ${text} is more than 10tbit; netem cannot hold it. Write a lower rate.` };
  return { value: bps };
}

/**
 * Why an impairment built elsewhere than in a file (a dialog, JSON) cannot be set, or null: each value
 * must be one the language would accept, and at least one setting must do something.
 */
export function impairmentProblem(impairment: Impairment): string | null {
  for (const [setting, value] of impairmentEntries(impairment)) {
    if (!Number.isFinite(value) || value < 0) return `${setting} must be a number of at least 0.`;
    const checked = parseImpairmentValue(setting, formatImpairmentValue(setting, value));
    if ('error' in checked) return checked.error;
  }
  return isEmptyImpairment(impairment) ? 'Give at least one setting: delay, loss, duplicate, reorder, corrupt or rate.' : null;
}

/** The largest unit that writes a value exactly, so that printing and parsing give the same number back. */
function withUnit(value: number, units: Record<string, number>, fallback: string): string {
  const ordered = Object.entries(units).sort((a, b) => b[1] - a[1]);
  for (const [unit, size] of ordered) if (size <= value && Number.isInteger(value / size)) return `${value / size}${unit}`;
  return `${value}${fallback}`;
}

/** Six decimals: finer than anyone writes, coarser than the kernel's 2^-32 steps, so a read-back 1% is `1%`. */
function formatPercent(pct: number): string {
  return `${Number(pct.toFixed(6))}%`;
}

/** One setting's value in the language's spelling (`20ms`, `1%`, `10mbit`). */
export function formatImpairmentValue(setting: ImpairmentSetting, value: number): string {
  const unit = IMPAIRMENT_FACTS[setting].unit;
  if (unit === 'time') return value === 0 ? '0ms' : withUnit(value, TIME_UNITS, 'us');
  if (unit === 'percent') return formatPercent(value);
  return withUnit(value, RATE_UNITS, 'bit');
}

/** The settings an impairment has, in the language's order, with their values. */
export function impairmentEntries(impairment: Impairment): [ImpairmentSetting, number][] {
  const entries: [ImpairmentSetting, number][] = [];
  for (const setting of IMPAIRMENT_SETTINGS) {
    const value = impairment[IMPAIRMENT_FACTS[setting].field];
    if (value !== undefined) entries.push([setting, value]);
  }
  return entries;
}

/** Whether an impairment changes nothing (every setting absent or zero): no qdisc is needed for it. */
export function isEmptyImpairment(impairment: Impairment | null | undefined): boolean {
  return !impairment || impairmentEntries(impairment).every(([, value]) => value === 0);
}

/** `delay 20ms jitter 5ms loss 1%`: the language's settings, as `.vnet` files and export write them. */
export function printImpairment(impairment: Impairment): string {
  return impairmentEntries(impairment).map(([setting, value]) => `${setting} ${formatImpairmentValue(setting, value)}`).join(' ');
}

/** The long form, for the tree and the plan: `delay 20ms ±5ms (25% correlated), 1% loss, rate 10mbit`. */
export function describeImpairment(impairment: Impairment): string {
  const parts: string[] = [];
  const { delayUs, jitterUs, correlationPct } = impairment;
  if (delayUs !== undefined) {
    let delay = `delay ${formatImpairmentValue('delay', delayUs)}`;
    if (jitterUs) delay += ` ±${formatImpairmentValue('jitter', jitterUs)}`;
    if (jitterUs && correlationPct) delay += ` (${formatPercent(correlationPct)} correlated)`;
    parts.push(delay);
  }
  const shares: [ImpairmentSetting, string][] = [['loss', 'loss'], ['duplicate', 'duplicated'], ['reorder', 'reordered'], ['corrupt', 'corrupted']];
  for (const [setting, word] of shares) {
    const value = impairment[IMPAIRMENT_FACTS[setting].field];
    if (value !== undefined) parts.push(`${formatPercent(value)} ${word}`);
  }
  if (impairment.rateBps !== undefined) parts.push(`rate ${formatImpairmentValue('rate', impairment.rateBps)}`);
  return parts.length ? parts.join(', ') : 'no impairment';
}

/** The short form, for a diagram's edge label: `20ms±5ms 1%loss 10mbit`. */
export function shortImpairment(impairment: Impairment): string {
  const parts: string[] = [];
  if (impairment.delayUs !== undefined) {
    parts.push(`${formatImpairmentValue('delay', impairment.delayUs)}${impairment.jitterUs ? `±${formatImpairmentValue('jitter', impairment.jitterUs)}` : ''}`);
  }
  if (impairment.lossPct) parts.push(`${formatPercent(impairment.lossPct)} loss`);
  if (impairment.duplicatePct) parts.push(`${formatPercent(impairment.duplicatePct)} dup`);
  if (impairment.reorderPct) parts.push(`${formatPercent(impairment.reorderPct)} reorder`);
  if (impairment.corruptPct) parts.push(`${formatPercent(impairment.corruptPct)} corrupt`);
  if (impairment.rateBps !== undefined) parts.push(formatImpairmentValue('rate', impairment.rateBps));
  return parts.join(' ');
}

/** Whether the interface drops every packet it sends (loss 100%): the trace stops there. */
export function dropsEverything(impairment: Impairment | null | undefined): boolean {
  return impairment?.lossPct !== undefined && impairment.lossPct >= 100;
}

/** `tc` time arguments in microseconds: tc reads `us` exactly, so nothing is rounded on the way in. */
const tcTime = (us: number) => `${us}us`;
/** `tc` percentages: tc reads decimals, and more than 6 digits are below the kernel's 2^-32 steps. */
const tcPercent = (pct: number) => `${Number(pct.toFixed(6))}%`;

/** A rate alone is a tbf qdisc; tbf lets through this many milliseconds of traffic at once (at least 16 KiB). */
const TBF_BURST_MS = 20;
const TBF_MIN_BURST_BYTES = 16_384;
/** How long a packet may wait in tbf's queue before it is dropped: a small buffer, as on a real slow link. */
const TBF_LATENCY = '200ms';

/** Whether an impairment is a rate limit and nothing else: tbf does that, in every kernel that has qdiscs. */
function rateOnly(impairment: Impairment): boolean {
  return impairment.rateBps !== undefined && impairmentEntries(impairment).every(([setting, value]) => setting === 'rate' || value === 0);
}

/**
 * The words after `tc qdisc replace dev IFNAME root`: an impairment is always one root qdisc, replaced in
 * one step. netem holds every setting (it has its own rate); a rate alone is a tbf, which kernels built
 * without netem (some microVMs) have too.
 */
export function qdiscArgs(impairment: Impairment): string[] {
  if (!rateOnly(impairment)) return netemArgs(impairment);
  const bytesPerSecond = impairment.rateBps! / 8;
  const burst = Math.max(TBF_MIN_BURST_BYTES, Math.ceil((bytesPerSecond * TBF_BURST_MS) / 1000));
  return ['tbf', 'rate', `${impairment.rateBps}bit`, 'burst', String(burst), 'latency', TBF_LATENCY];
}

/** netem's words for an impairment (see qdiscArgs). */
export function netemArgs(impairment: Impairment): string[] {
  const args = ['netem'];
  const { delayUs, jitterUs, correlationPct } = impairment;
  if (delayUs !== undefined) {
    args.push('delay', tcTime(delayUs));
    if (jitterUs) {
      args.push(tcTime(jitterUs));
      if (correlationPct) args.push(tcPercent(correlationPct));
    }
  }
  if (impairment.lossPct !== undefined) args.push('loss', tcPercent(impairment.lossPct));
  if (impairment.duplicatePct !== undefined) args.push('duplicate', tcPercent(impairment.duplicatePct));
  if (impairment.reorderPct !== undefined && delayUs !== undefined) args.push('reorder', tcPercent(impairment.reorderPct));
  if (impairment.corruptPct !== undefined) args.push('corrupt', tcPercent(impairment.corruptPct));
  if (impairment.rateBps !== undefined) args.push('rate', `${impairment.rateBps}bit`);
  return args;
}

/**
 * The settings as the kernel keeps them: a percentage becomes a 32-bit fraction, a rate whole bytes per
 * second, a time whole nanoseconds (or, in kernels before 4.15, ticks of 64 ns); a zero is the same as
 * absent; a jitter without a delay, a correlation without a jitter and a reorder without a delay are not
 * kept at all. Two impairments are the same when these agree.
 */
function kernelView(impairment: Impairment): Map<ImpairmentSetting, number> {
  const view = new Map<ImpairmentSetting, number>();
  const { delayUs, jitterUs } = impairment;
  for (const [setting, value] of impairmentEntries(impairment)) {
    if (value === 0) continue;
    if ((setting === 'jitter' || setting === 'reorder') && !delayUs) continue;
    if (setting === 'correlation' && !(delayUs && jitterUs)) continue;
    const unit = IMPAIRMENT_FACTS[setting].unit;
    view.set(setting, unit === 'percent' ? Math.round((value / 100) * 0xffffffff) : unit === 'rate' ? Math.round(value / 8) : value);
  }
  return view;
}

/** How far a value read back may be from the one written and still be the same (the kernel's rounding). */
function tolerance(setting: ImpairmentSetting, value: number): number {
  const unit = IMPAIRMENT_FACTS[setting].unit;
  if (unit === 'percent') return 2; // steps of 2^-32, rounded once on the way in and once on the way out
  if (unit === 'rate') return 1; // whole bytes per second
  return Math.max(1, value * 1e-6); // microseconds from ticks
}

/** Whether two impairments do the same to packets, as far as the kernel can tell them apart. */
export function sameImpairment(a: Impairment | null | undefined, b: Impairment | null | undefined): boolean {
  const left = kernelView(a ?? {});
  const right = kernelView(b ?? {});
  if (left.size !== right.size) return false;
  for (const [setting, value] of left) {
    const other = right.get(setting);
    if (other === undefined || Math.abs(other - value) > tolerance(setting, value)) return false;
  }
  return true;
}

/**
 * What to do when tc says the kernel has no such qdisc (`Specified qdisc kind is unknown.`): kernels built
 * without netem exist (some cloud and microVM kernels), and a module may just not be loaded.
 */
export function qdiscErrorHint(hostError: string): string | null {
  if (!/qdisc kind is unknown/i.test(hostError)) return null;
  return 'This kernel has no netem qdisc (sch_netem): load it with `modprobe sch_netem`, or install the kernel\'s extra modules (Debian/Ubuntu: linux-modules-extra-$(uname -r)). An impairment that is only a rate uses tbf, which needs no netem.';
}

/** Root qdiscs that carry an impairment (netem, and tbf for a rate); any other is named by its kind only. */
export const IMPAIRMENT_QDISCS: ReadonlySet<string> = new Set(['netem', 'tbf']);

/**
 * Root qdiscs the kernel (or systemd's default_qdisc) puts on an interface by itself: not worth showing,
 * and nothing a lab set.
 */
export const DEFAULT_ROOT_QDISCS: ReadonlySet<string> = new Set(['noqueue', 'pfifo_fast', 'mq', 'fq_codel', 'fq']);
