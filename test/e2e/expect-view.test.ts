// `expect` statements in real VS Code: a statement the file's own network cannot satisfy is a warning in the
// Problems view at its line, and hovering it shows the verdict with the trace behind it; the Testing view
// lists each lab file with one test per `expect`; and a small lab applied to a testbed host runs its
// expectations live ("Run Tests" after the apply, the "Check on host…" lens), each passing or failing there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readExtensionHostLog } from './harness/code-server';
import { extensionErrors } from './harness/extension-log';
import { extensionId, extensionVsix } from './harness/extension-under-test';
import { repoRoot } from './harness/paths';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';
import { startTestbedHosts, type TestbedHosts } from './harness/testbed-hosts';
import type { TestRow, Workbench } from './harness/workbench';

const HOST = 'expect-host';
const EXAMPLE = 'examples/a-bridge-nat.vnet';
const LAB = 'expect-lab.vnet';
// Two namespaces on one veth: on the host the first expectation holds and the second cannot.
const LAB_TEXT = `# Two namespaces on one veth: the first expectation holds on the host, the second cannot.
lab expect-e2e

namespace left {
  address vl 10.77.0.1/24
}

namespace right {
  address vr 10.77.0.2/24
}

veth left:vl -- right:vr

expect left reaches right
expect left does not reach right
`;
const HOLDS = 'expect left reaches right';
const FAILS = 'expect left does not reach right';

/** The `expect` statements of a file, in order, as the Testing view labels them (comments cut off). */
function expectStatements(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('expect ')).map((line) => line.replace(/\s*#.*$/, '').trim());
}

/** 1-based line of the first line of `text` that starts with `prefix`. */
function lineOf(text: string, prefix: string): number {
  const index = text.split('\n').findIndex((line) => line.startsWith(prefix));
  assert.ok(index >= 0, `no line starts with "${prefix}"`);
  return index + 1;
}

describe('expectations: diagnostics, hover and the Testing view, run live on a testbed host', () => {
  let hosts: TestbedHosts | undefined;
  let session: Session | undefined;
  let example = '';

  before(async () => {
    example = await readFile(path.join(repoRoot, EXAMPLE), 'utf8');
    const [bed, vsix] = await Promise.all([startTestbedHosts([{ label: HOST }]), extensionVsix()]);
    hosts = bed;
    session = await startSession({
      vsixPaths: [vsix],
      settings: bed.settings,
      workspaceFiles: { [EXAMPLE]: example, [LAB]: LAB_TEXT },
      // Tall enough for the Problems view to show every problem of the example at once.
      viewport: { width: 1400, height: 1100 },
    });
  });

  after(async () => {
    await session?.close();
    await hosts?.stop();
  });

  function current(): { s: Session; bed: TestbedHosts } {
    assert.ok(session && hosts, 'the testbed or the code-server session did not start');
    return { s: session, bed: hosts };
  }

  test('a failing expect is a warning at its line, and its hover shows the verdict and the trace', async () => {
    const { s } = current();
    await keepEvidenceOnFailure(s, 'expect-diagnostic-hover', async () => {
      const { workbench } = s;
      await workbench.openFile(EXAMPLE);
      const line = lineOf(example, 'expect netns1 reaches 10.0.1.26');

      const entries = await workbench.problems((all) => all.some((e) => e.includes('VN-EXPECT-FAILS') && e.includes('netns1 reaches 10.0.1.26')));
      const warning = entries.find((e) => e.includes('VN-EXPECT-FAILS') && e.includes('netns1 reaches 10.0.1.26')) ?? '';
      assert.match(warning, /Expected netns1 reaches 10\.0\.1\.26, but it is dropped in netns1: no route to 10\.0\.1\.26\./);
      assert.match(warning, new RegExp(`\\[Ln ${line}, Col 1\\]`));
      // netns3 fails the same way; netns2, which has a default route, is not a warning.
      assert.ok(entries.some((e) => e.includes('VN-EXPECT-FAILS') && e.includes('netns3 reaches 10.0.1.26')), JSON.stringify(entries));
      assert.ok(!entries.some((e) => e.includes('VN-EXPECT-FAILS') && e.includes('netns2 reaches 10.0.1.26')), JSON.stringify(entries));

      await workbench.goToPosition(line, 3);
      const hover = await workbench.hoverText(/fails in this file/);
      assert.match(hover, /✗ fails in this file: expect netns1 reaches 10\.0\.1\.26/);
      assert.match(hover, /trace icmp from netns1 to 10\.0\.1\.26/);
      assert.match(hover, /netns1: sent by netns1/);
      assert.match(hover, /netns1: dropped: no route to 10\.0\.1\.26/);
      assert.match(hover, /Check on host….? above the line runs it live/);
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });

  test('the Testing view lists each lab file with one test per expect, labelled by the statement', async () => {
    const { s } = current();
    await keepEvidenceOnFailure(s, 'expect-testing-view', async () => {
      const { workbench } = s;
      await workbench.openViewContainer('Testing');
      const files = await workbench.waitFor(async () => {
        const rows = (await workbench.testExplorerRows()).filter((r) => r.level === 1).map((r) => r.label);
        return rows.includes(EXAMPLE) && rows.includes(LAB) ? rows : undefined;
      }, () => `${EXAMPLE} and ${LAB} in the Test Explorer`);
      assert.deepEqual([...files].sort(), [EXAMPLE, LAB].sort());

      await workbench.expandTestItem(EXAMPLE);
      const tests = await childrenOf(workbench, EXAMPLE, (rows) => rows.length === expectStatements(example).length, 30_000);
      assert.deepEqual(tests.map((t) => t.label), expectStatements(example));
      assert.ok(tests.every((t) => t.state === 'unset' || t.state === 'none'), `nothing has run yet: ${JSON.stringify(tests)}`);
      await workbench.screenshot('expect-testing-view');
    });
  });

  test('a lab applied to a testbed host runs its expectations live: one passes, one fails', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'expect-live', async () => {
      const { workbench } = s;
      const host = bed.get(HOST);
      // Connected first, as a person sees it in the Hosts view: the apply and the tests use that connection.
      await workbench.openViewContainer('VNet');
      await (await workbench.treePath('Hosts', [HOST])).locator('.label-description', { hasText: /^0 namespaces/ }).waitFor();
      await workbench.openFile(LAB);
      await workbench.clickCodeLens('Apply');
      await workbench.pick(HOST, { title: 'Lab expect-e2e' });
      await workbench.answerDialog('Apply');
      // Once applied, the lab offers to check its two expectations with real traffic.
      const applied = /Applied lab expect-e2e\..*The lab states 2 expectations/;
      await workbench.waitForNotification(applied, 60_000);
      assert.match(await host.mustSh('ip -n left -br addr show dev vl'), /^vl@\S+\s+UP\s+10\.77\.0\.1\/24/);
      await workbench.clickNotificationButton(applied, 'Run Tests');
      await workbench.pick(HOST, { title: 'Lab expect-e2e' });
      await workbench.openViewContainer('Testing');
      await workbench.expandTestItem(LAB);
      const ran = await stateOf(workbench, (rows) => rows.find((r) => r.label === FAILS)?.state === 'failed' && rows.find((r) => r.label === HOLDS)?.state === 'passed');
      assert.deepEqual(ran.map((r) => [r.label, r.state]), [[HOLDS, 'passed'], [FAILS, 'failed']]);
      await workbench.screenshot('expect-live-run');

      // The failure is also a problem on its line, beside the editor's own verdict.
      await workbench.filterProblems('Fails on the host');
      const failure = await workbench.problems((all) => all.some((e) => e.includes('Fails on the host')));
      await workbench.filterProblems('');
      const line = lineOf(LAB_TEXT, FAILS);
      assert.ok(failure.some((e) => /Fails on the host: the real packet gets through .*vnet test/.test(e) && e.includes(`[Ln ${line}, Col 1]`)), JSON.stringify(failure));

      // "Check on host…" above one expect runs that one alone.
      await workbench.runCommand('Test: Clear All Results');
      await stateOf(workbench, (rows) => rows.every((r) => r.state !== 'passed' && r.state !== 'failed'));
      await workbench.openFile(LAB);
      await workbench.clickCodeLens('Check on host…');
      await workbench.pick(HOST, { title: 'Lab expect-e2e' });
      await workbench.openViewContainer('Testing');
      const one = await stateOf(workbench, (rows) => rows.find((r) => r.label === HOLDS)?.state === 'passed');
      assert.notEqual(one.find((r) => r.label === FAILS)?.state, 'failed', `only the first ran: ${JSON.stringify(one)}`);
      assert.notEqual(one.find((r) => r.label === FAILS)?.state, 'passed', `only the first ran: ${JSON.stringify(one)}`);
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });
});

/** The rows under a top-level Test Explorer row, once `ready` accepts them (a live run takes a while here). */
async function childrenOf(workbench: Workbench, parent: string, ready: (rows: TestRow[]) => boolean, timeoutMs = 90_000): Promise<TestRow[]> {
  let last: TestRow[] = [];
  return workbench.waitFor(async () => {
    const all = await workbench.testExplorerRows();
    const start = all.findIndex((r) => r.level === 1 && r.label === parent);
    if (start < 0) return undefined;
    const end = all.findIndex((r, i) => i > start && r.level === 1);
    last = all.slice(start + 1, end < 0 ? undefined : end).filter((r) => r.level === 2);
    return ready(last) ? last : undefined;
  }, () => `the tests under ${parent}; last seen ${JSON.stringify(last)}`, timeoutMs);
}

/** The lab file's two tests, once `ready` accepts them. */
function stateOf(workbench: Workbench, ready: (rows: TestRow[]) => boolean): Promise<TestRow[]> {
  return childrenOf(workbench, LAB, (rows) => rows.length === 2 && ready(rows));
}
