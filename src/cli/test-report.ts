// The reports of `vnet test`: JSON (schema vnet.test/1, docs/cli.md) and JUnit XML for CI systems. Host
// data (names, rule text, error messages) goes into XML only through xmlText, which escapes it and drops
// what XML 1.0 cannot carry.

import type { ExpectationRun } from '../model/expectation-run';
import { renderLiveCheck } from '../model/live-check';

export const TEST_SCHEMA = 'vnet.test/1';

function counts(runs: readonly ExpectationRun[]): { passed: number; failed: number; notChecked: number } {
  return {
    passed: runs.filter((r) => r.result === 'pass').length,
    failed: runs.filter((r) => r.result === 'fail').length,
    notChecked: runs.filter((r) => r.result === 'not-checked').length,
  };
}

export function testJson(lab: string, file: string, runs: readonly ExpectationRun[]): string {
  const report = {
    schema: TEST_SCHEMA, lab, file, ...counts(runs),
    expectations: runs.map((run) => ({
      text: run.expectation.text,
      line: run.expectation.line === null ? null : run.expectation.line + 1,
      from: run.expectation.from, to: run.expectation.to, protocol: run.expectation.protocol, port: run.expectation.port,
      reaches: run.expectation.reaches, landsOn: run.expectation.landsOn,
      result: run.result, why: run.why, predicted: run.predicted, live: run.live,
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** Text for an XML attribute or element: escaped, with characters XML 1.0 forbids replaced. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function testcase(lab: string, file: string, run: ExpectationRun): string {
  const name = `${run.expectation.text}${run.expectation.line === null ? '' : ` (line ${run.expectation.line + 1})`}`;
  const details = [`predicted: ${run.predicted.outcome}${run.predicted.why ? ` (${run.predicted.why})` : ''}`];
  if (run.live) details.push(renderLiveCheck(run.live).trimEnd());
  const body = xmlText(details.join('\n'));
  const open = `    <testcase classname="${xmlText(lab)}" name="${xmlText(name)}" file="${xmlText(file)}"`;
  if (run.result === 'pass') return `${open}>\n      <system-out>${body}</system-out>\n    </testcase>`;
  const element = run.result === 'fail' ? 'failure' : 'skipped';
  return `${open}>\n      <${element} message="${xmlText(run.why ?? run.result)}">${body}</${element}>\n    </testcase>`;
}

export function testJunit(lab: string, file: string, runs: readonly ExpectationRun[]): string {
  const { failed, notChecked } = counts(runs);
  const totals = `tests="${runs.length}" failures="${failed}" errors="0" skipped="${notChecked}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vnet test" ${totals}>`,
    `  <testsuite name="${xmlText(lab)}" ${totals}>`,
    ...runs.map((run) => testcase(lab, file, run)),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
