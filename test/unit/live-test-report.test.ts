// `vnet test`'s logic without a host: when an expectation passes on what the real packet did, the lines,
// the JSON and JUnit reports (escaped), a question the network cannot answer, the usage errors, and
// apply's hint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/command';
import { testCommand } from '../../src/cli/commands/test';
import { testHint } from '../../src/cli/commands/apply';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes';
import { testJson, testJunit, xmlText } from '../../src/cli/test-report';
import { checkExpectation } from '../../src/host/live-expectations';
import { VnetError } from '../../src/model/errors';
import type { Expectation } from '../../src/model/expectation';
import { expectationRunLine, expectationRunSummary, liveResultOf, type ExpectationRun } from '../../src/model/expectation-run';
import type { LiveCheck } from '../../src/model/live-check';
import type { Lab } from '../../src/model/topology';
import { scenarioD } from './fixtures/scenario-topologies';

function expectation(more: Partial<Expectation> = {}): Expectation {
  return { from: 'red', to: 'blue', protocol: 'tcp', port: 80, reaches: true, landsOn: null, text: 'expect red reaches blue:80', line: 3, ...more };
}

function live(more: Partial<LiveCheck> = {}): LiveCheck {
  return {
    sent: true, notSent: null, from: { host: 'host', namespace: 'red' }, protocol: 'tcp', to: { address: '10.0.0.2', port: 80 },
    listener: { state: 'started', host: 'host', namespace: 'blue', port: 80 }, reachable: true,
    landedOn: { host: 'host', namespace: 'blue', address: '10.0.0.2', port: 80 }, evidence: 'tcp: connected', predicted: true,
    agrees: true, routes: [], wrongStep: null, ...more,
  };
}

test('a positive expectation passes when the real packet gets through, and where the file says it lands', () => {
  assert.deepEqual(liveResultOf(expectation(), live()), { result: 'pass', why: null });
  assert.deepEqual(liveResultOf(expectation(), live({ reachable: false, evidence: 'tcp: Connection timed out' })), { result: 'fail', why: 'the real packet does not get through (tcp: Connection timed out)' });
  const landsOnBlue = expectation({ landsOn: { namespace: 'blue', port: 80 } });
  assert.equal(liveResultOf(landsOnBlue, live()).result, 'pass');
  assert.deepEqual(liveResultOf(landsOnBlue, live({ landedOn: null })), { result: 'fail', why: 'it got through, but not to blue:80, where VNet listened' });
  // Something else already listened there: the packet got through, where exactly cannot be told.
  assert.equal(liveResultOf(landsOnBlue, live({ landedOn: null, listener: { state: 'already', host: 'host', namespace: 'blue', port: 80 } })).result, 'pass');
});

test('a negative expectation passes when the packet does not get through', () => {
  const negative = expectation({ reaches: false, text: 'expect red does not reach blue:80' });
  assert.deepEqual(liveResultOf(negative, live({ reachable: false })), { result: 'pass', why: null });
  assert.deepEqual(liveResultOf(negative, live()), { result: 'fail', why: 'the real packet gets through (tcp: connected)' });
});

test('an outside source, or an answer that cannot be told, is not checked, never passed', () => {
  assert.deepEqual(liveResultOf(expectation(), live({ sent: false, notSent: '10.9.9.9 is outside the host', reachable: null })), { result: 'not-checked', why: '10.9.9.9 is outside the host' });
  assert.equal(liveResultOf(expectation({ protocol: 'udp' }), live({ reachable: null, evidence: 'udp: no answer' })).result, 'not-checked');
});

test('a question the network cannot answer fails without sending anything', async () => {
  const lab: Lab = { name: 'd', hosts: [{ name: 'host', target: null, topology: scenarioD() }] };
  const run = await checkExpectation(lab, expectation({ from: 'ns1', to: 'nowhere' }), []);
  assert.deepEqual([run.result, run.live, run.predicted.outcome], ['fail', null, 'fails']);
  assert.match(run.why!, /--to nowhere is neither an address nor a namespace/);
});

const runs: ExpectationRun[] = [
  { expectation: expectation(), predicted: { outcome: 'holds', why: null }, live: live(), result: 'pass', why: null },
  {
    expectation: expectation({ text: 'expect red does not reach <blue> & "x"', reaches: false, line: 6 }),
    predicted: { outcome: 'holds', why: null }, live: live({ agrees: true }), result: 'fail', why: 'the real packet gets through (tcp: connected) \u0001',
  },
  {
    expectation: expectation({ from: '10.9.9.9', text: 'expect 10.9.9.9 reaches blue:80', line: null }),
    predicted: { outcome: 'uncertain', why: 'uncertain: -m recent (assumed no match)' },
    live: live({ sent: false, notSent: '10.9.9.9 is outside the host', reachable: null }), result: 'not-checked', why: '10.9.9.9 is outside the host',
  },
];

test('lines: the result beside the prediction and the live evidence, and the reason', () => {
  assert.equal(expectationRunLine(runs[0]), 'PASS  expect red reaches blue:80  (line 4; predicted: holds; live: tcp: connected)');
  assert.equal(expectationRunLine(runs[2]), 'SKIP  expect 10.9.9.9 reaches blue:80  (predicted: uncertain; live: not sent)\n      10.9.9.9 is outside the host\n      predicted: uncertain: -m recent (assumed no match)');
  assert.equal(expectationRunSummary(runs), '3 expectations: 1 passed, 1 failed, 1 not checked live.');
});

test('JSON: one object, schema vnet.test/1, counts and each expectation with its live check', () => {
  const report = JSON.parse(testJson('b', 'b.vnet', runs));
  assert.deepEqual([report.schema, report.lab, report.passed, report.failed, report.notChecked], ['vnet.test/1', 'b', 1, 1, 1]);
  assert.deepEqual(report.expectations.map((e: { line: number | null; result: string }) => [e.line, e.result]), [[4, 'pass'], [7, 'fail'], [null, 'not-checked']]);
  assert.equal(report.expectations[0].live.evidence, 'tcp: connected');
});

test('JUnit: testsuite and testcases with failure and skipped, everything escaped', () => {
  const xml = testJunit('b&<lab>', 'b.vnet', runs);
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="vnet test" tests="3" failures="1" errors="0" skipped="1">\n {2}<testsuite name="b&amp;&lt;lab&gt;" /);
  assert.match(xml, /<testcase classname="b&amp;&lt;lab&gt;" name="expect red does not reach &lt;blue&gt; &amp; &quot;x&quot; \(line 7\)" file="b\.vnet">\n {6}<failure message="the real packet gets through \(tcp: connected\) \ufffd">/);
  assert.match(xml, /<skipped message="10\.9\.9\.9 is outside the host">/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 3);
  assert.equal((xml.match(/<\/testcase>/g) ?? []).length, 3);
  assert.doesNotMatch(xml, /[\u0000-\u0008]/);
  assert.equal(xmlText('a\'b"c<d>e&f'), 'a&apos;b&quot;c&lt;d&gt;e&amp;f');
});

function io(): CliIo & { out: string; err: string } {
  const result = {
    out: '', err: '', interactive: false, signal: new AbortController().signal,
    stdout: (t: string) => { result.out += t; }, stderr: (t: string) => { result.err += t; },
    prompt: async () => '',
  };
  return result;
}

async function usageError(argv: string[], pattern: RegExp): Promise<void> {
  await assert.rejects(testCommand.run(argv, io()), (error: unknown) => {
    assert.ok(error instanceof VnetError);
    assert.equal(exitCodeFor(error.code), EXIT.usage, error.code);
    assert.match(error.message, pattern);
    return true;
  });
}

test('usage: one FILE, a --junit path; a file without expectations has nothing to test', async () => {
  await usageError([], /Name one \.vnet file/);
  await usageError(['a.vnet', 'b.vnet'], /Name one \.vnet file/);
  await usageError(['examples/b-bridge-gateway.vnet', '--junit', ' '], /--junit needs the path/);
  const dir = await mkdtemp(join(tmpdir(), 'vnet-test-none-'));
  const file = join(dir, 'plain.vnet');
  const example = await readFile('examples/b-bridge-gateway.vnet', 'utf8');
  await writeFile(file, example.split('\n').filter((line) => !/^expect /.test(line)).join('\n'));
  const console = io();
  try {
    assert.equal(await testCommand.run([file], console), EXIT.ok);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  assert.match(console.err, /states no expectations .*nothing to test/);
});

test('apply points at vnet test when the file states expectations', () => {
  assert.equal(testHint('labs/b.vnet', 2, 'root@10.0.1.48'), 'The lab states 2 expectations: run "vnet test labs/b.vnet --host root@10.0.1.48" to check them with real traffic.\n');
  assert.equal(testHint("my lab.vnet", 1, undefined), 'The lab states 1 expectation: run "vnet test \'my lab.vnet\'" to check it with real traffic.\n');
});
