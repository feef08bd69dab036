// An expectation of a lab file checked on its host (`vnet test`, the extension's Testing view): the static
// prediction beside what the real packet did, and whether the expectation passes. The rule that decides
// it, and its wording, are written once here.

import type { Expectation } from './expectation';
import type { LiveCheck } from './live-check';

export type ExpectationResult = 'pass' | 'fail' | 'not-checked';

export interface ExpectationRun {
  expectation: Expectation;
  /** The trace engine's verdict on the file's own network: `holds`, `fails` or `uncertain`, and why. */
  predicted: { outcome: 'holds' | 'fails' | 'uncertain'; why: string | null };
  /** What the real packet did; null when it could not be sent (the question itself is wrong). */
  live: LiveCheck | null;
  result: ExpectationResult;
  /** Why it fails or was not checked, in one sentence; null when it passes. */
  why: string | null;
}

function landingWrong(expectation: Expectation, live: LiveCheck): string | null {
  const want = expectation.landsOn;
  if (!want || live.listener?.state !== 'started') return null;
  const got = live.landedOn;
  const wanted = `${want.namespace}${want.port === null ? '' : `:${want.port}`}`;
  if (!got) return `it got through, but not to ${wanted}, where VNet listened`;
  return null;
}

/** Whether the real packet did what the expectation says: a negative one passes when nothing gets through. */
export function liveResultOf(expectation: Expectation, live: LiveCheck): { result: ExpectationResult; why: string | null } {
  if (!live.sent) return { result: 'not-checked', why: live.notSent };
  if (live.reachable === null) return { result: 'not-checked', why: `the live answer cannot be told (${live.evidence})` };
  if (expectation.reaches) {
    if (!live.reachable) return { result: 'fail', why: `the real packet does not get through (${live.evidence})` };
    const wrong = landingWrong(expectation, live);
    return wrong ? { result: 'fail', why: wrong } : { result: 'pass', why: null };
  }
  return live.reachable
    ? { result: 'fail', why: `the real packet gets through (${live.evidence})` }
    : { result: 'pass', why: null };
}

const MARK: Record<ExpectationResult, string> = { pass: 'PASS', fail: 'FAIL', 'not-checked': 'SKIP' };

/** `PASS  expect red reaches blue  (line 4; predicted: holds; live: tcp: connected)`, and the reason below. */
export function expectationRunLine(run: ExpectationRun): string {
  const at = run.expectation.line === null ? '' : `line ${run.expectation.line + 1}; `;
  const live = run.live ? (run.live.sent ? run.live.evidence : 'not sent') : 'not run';
  const head = `${MARK[run.result]}  ${run.expectation.text}  (${at}predicted: ${run.predicted.outcome}; live: ${live})`;
  const predictedWhy = run.predicted.why && run.predicted.outcome !== 'holds' ? `\n      predicted: ${run.predicted.why}` : '';
  return `${head}${run.why ? `\n      ${run.why}` : ''}${predictedWhy}`;
}

export function expectationRunSummary(runs: readonly ExpectationRun[]): string {
  const count = (result: ExpectationResult) => runs.filter((r) => r.result === result).length;
  const skipped = count('not-checked');
  return `${runs.length} expectation${runs.length === 1 ? '' : 's'}: ${count('pass')} passed, ${count('fail')} failed${skipped ? `, ${skipped} not checked live` : ''}.`;
}
