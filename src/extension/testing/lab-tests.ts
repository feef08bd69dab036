// The expectations of a .vnet file as tests (the Testing view, "VNet: Test Lab"): what to list, how to run
// them live on the lab's host(s) through the extension's host transports, and how a result reads. Loaded on
// first use; free of vscode.

import { compileVnet } from '../../language/index';
import { checkExpectations } from '../../host/live-expectations';
import type { LiveHost } from '../../host/live-check';
import type { Transport } from '../../host/transport';
import type { Expectation } from '../../model/expectation';
import { expectationRunLine, expectationRunSummary, type ExpectationRun } from '../../model/expectation-run';
import { renderLiveCheck } from '../../model/live-check';
import { createHostTransport } from '../host-transport';
import { chooseDestination, compileLabFile, type LabContext, type LabFile } from '../commands/lab-commands';

export interface ExpectationItem {
  /** Stable while the file is edited: the statement's text, and which of the same text it is. */
  id: string;
  label: string;
  /** Zero-based line, or null. */
  line: number | null;
}

/** One test item per expectation, in file order. */
export function expectationItems(expectations: readonly Expectation[]): ExpectationItem[] {
  const seen = new Map<string, number>();
  return expectations.map((expectation) => {
    const n = (seen.get(expectation.text) ?? 0) + 1;
    seen.set(expectation.text, n);
    return { id: n === 1 ? expectation.text : `${expectation.text} #${n}`, label: expectation.text, line: expectation.line };
  });
}

/** The expectations a document states, as far as it compiles (a file with errors lists what it can). */
export function documentItems(text: string): ExpectationItem[] {
  return expectationItems(compileVnet(text).lab?.expectations ?? []);
}

export type TestState = 'passed' | 'failed' | 'skipped';

export function testStateOf(run: ExpectationRun): TestState {
  return run.result === 'pass' ? 'passed' : run.result === 'fail' ? 'failed' : 'skipped';
}

/** What the Testing view shows for a run: its line, then the live check in words. */
export function testMessageOf(run: ExpectationRun): string {
  return [expectationRunLine(run), ...(run.live ? [renderLiveCheck(run.live).trimEnd()] : [])].join('\n');
}

export function testSummary(lab: string, runs: readonly ExpectationRun[]): string {
  return `Lab ${lab}: ${expectationRunSummary(runs)}`;
}

/** Runs every expectation of a file live on its host(s): the configured host's connection, or one made for this run. */
export async function runFileTests(
  ctx: LabContext,
  file: LabFile,
  signal: AbortSignal,
  onRun: (run: ExpectationRun, index: number) => void,
): Promise<{ lab: string; runs: ExpectationRun[] }> {
  const lab = compileLabFile(file);
  const own: Transport[] = [];
  try {
    const hosts: LiveHost[] = [];
    for (const labHost of lab.hosts) {
      const destination = await chooseDestination(ctx, file, lab, labHost);
      let transport = ctx.hosts.get(destination)?.transport;
      if (!transport) {
        transport = createHostTransport({ destination, label: null, identityFile: null }, ctx.settings(), ctx.log);
        own.push(transport);
      }
      hosts.push({ name: labHost.name, topology: labHost.topology, transport });
    }
    let index = 0;
    const runs = await checkExpectations(lab, hosts, { signal, onRun: (run) => onRun(run, index++) });
    return { lab: lab.name, runs };
  } finally {
    await Promise.all(own.map((t) => t.close().catch(() => undefined)));
  }
}
