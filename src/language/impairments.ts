// Binding of impairment statements: each setting's value is read in its unit (src/model/impairment.ts) and
// added to the impairment of the interface it applies to, which lowering puts on the NetInterface. A veth's
// block applies to both ends (each end's egress), `->` to the left end, `<-` to the right end.

import { IMPAIRMENT_FACTS, isImpairmentSetting, parseImpairmentValue, type Impairment, type ImpairmentSetting } from '../model/impairment';
import type { Severity } from './diagnostics';
import type { IfaceModel } from './model';
import type { Span } from './span';
import type { ImpairSetting, ImpairStatement, Statement } from './syntax';

type Report = (span: Span, severity: Severity, code: string, message: string) => void;

/**
 * Adds one line of settings to an interface's impairment, reporting bad values and settings given twice.
 * `refused` holds the settings whose value was already reported (a veth line applies to two ends).
 */
export function applyImpairment(
  iface: IfaceModel, statement: ImpairStatement, report: Report, lineOf: (span: Span) => number, refused: Set<ImpairSetting>,
): void {
  for (const setting of statement.settings) {
    const word = setting.keyword.text;
    if (!isImpairmentSetting(word) || !setting.value) continue;
    const parsed = parseImpairmentValue(word, setting.value.text);
    if ('error' in parsed) {
      if (!refused.has(setting)) report(setting.value.span, 'error', 'VN-IMPAIR-VALUE', parsed.error);
      refused.add(setting);
      continue;
    }
    const earlier = iface.impairmentNodes.find((node) => node.keyword.text === word);
    if (earlier) {
      report(setting.span, 'error', 'VN-IMPAIR-DUPLICATE',
        `The ${word} of ${iface.name} is already set on line ${lineOf(earlier.span)}. Keep one.`);
      continue;
    }
    iface.impairmentNodes.push(setting);
    const impairment: Impairment = iface.impairment ?? {};
    impairment[IMPAIRMENT_FACTS[word].field] = parsed.value;
    iface.impairment = impairment;
  }
}

/**
 * Settings that need another one the interface does not have (a jitter without a delay): netem ignores them.
 * `reported` holds the settings already warned about (a veth line applies to two ends).
 */
export function checkImpairmentNeeds(iface: IfaceModel, report: Report, reported: Set<ImpairSetting>): void {
  const have = new Set(iface.impairmentNodes.map((node) => node.keyword.text));
  for (const node of iface.impairmentNodes) {
    const needs = IMPAIRMENT_FACTS[node.keyword.text as ImpairmentSetting].needs;
    if (needs && !have.has(needs) && !reported.has(node)) {
      reported.add(node);
      report(node.span, 'warning', 'VN-IMPAIR-NEEDS',
        `${node.keyword.text} does nothing without ${needs} on ${iface.name} (netem ignores it). Add \`${needs} ${IMPAIRMENT_FACTS[needs].example}\`, or remove it.`);
    }
  }
}

/** The ends of a veth a line of its block applies to. */
export function vethImpairmentEnds(statement: ImpairStatement, left: IfaceModel | null, right: IfaceModel | null): IfaceModel[] {
  const direction = statement.direction?.text;
  const ends = direction === '->' ? [left] : direction === '<-' ? [right] : [left, right];
  return ends.filter((end): end is IfaceModel => end !== null);
}

export function isImpairStatement(statement: Statement): statement is ImpairStatement {
  return statement.kind === 'impair';
}
