// The Testing view's pure part: one test item per expectation with ids that stay put while the file is
// edited, how a run's result maps to a test state, and its message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { documentItems, expectationItems, testMessageOf, testStateOf, testSummary } from '../../src/extension/testing/lab-tests';
import type { Expectation } from '../../src/model/expectation';
import type { ExpectationRun } from '../../src/model/expectation-run';

function expectation(text: string, line: number | null): Expectation {
  return { from: 'red', to: 'blue', protocol: 'icmp', port: null, reaches: true, landsOn: null, text, line };
}

test('one item per expectation, in file order; the same statement twice gets its own id', () => {
  const items = expectationItems([expectation('expect red reaches blue', 4), expectation('expect blue reaches red', 5), expectation('expect red reaches blue', 9)]);
  assert.deepEqual(items, [
    { id: 'expect red reaches blue', label: 'expect red reaches blue', line: 4 },
    { id: 'expect blue reaches red', label: 'expect blue reaches red', line: 5 },
    { id: 'expect red reaches blue #2', label: 'expect red reaches blue', line: 9 },
  ]);
  // Ids follow the text, not the line: inserting a line above keeps them.
  const moved = expectationItems([expectation('expect red reaches blue', 5), expectation('expect blue reaches red', 6)]);
  assert.deepEqual(moved.map((i) => i.id), items.slice(0, 2).map((i) => i.id));
});

test('a file lists its expectations; without them, or when it does not compile, it lists none', async () => {
  const text = await readFile('examples/b-bridge-gateway.vnet', 'utf8');
  const expectLines = text.split('\n').filter((line) => /^expect /.test(line));
  assert.ok(expectLines.length > 0);
  assert.equal(documentItems(text).length, expectLines.length);
  assert.deepEqual(documentItems(text.split('\n').filter((line) => !/^expect /.test(line)).join('\n')), []);
  assert.deepEqual(documentItems('lab {{{ nonsense'), []);
});

test('results map to test states; the message has the prediction and the live evidence', () => {
  const base: ExpectationRun = {
    expectation: expectation('expect red reaches blue', 2), predicted: { outcome: 'holds', why: null }, result: 'pass', why: null,
    live: {
      sent: true, notSent: null, from: { host: 'host', namespace: 'red' }, protocol: 'icmp', to: { address: '10.0.0.2', port: null },
      listener: null, reachable: true, landedOn: null, evidence: 'ping: 2 of 2 answered', predicted: true, agrees: true, routes: [], wrongStep: null,
    },
  };
  assert.deepEqual([testStateOf(base), testStateOf({ ...base, result: 'fail' }), testStateOf({ ...base, result: 'not-checked' })], ['passed', 'failed', 'skipped']);
  assert.equal(testMessageOf(base), 'PASS  expect red reaches blue  (line 3; predicted: holds; live: ping: 2 of 2 answered)\nlive check:\n  sent icmp from red to 10.0.0.2\nlive: reachable (ping: 2 of 2 answered), as predicted');
  assert.equal(testSummary('b', [base]), 'Lab b: 1 expectation: 1 passed, 0 failed.');
});
