// `vnet test FILE`: checks every `expect` of a lab file on its host(s) with real traffic, as `trace --live`
// does, and prints pass or fail per expectation beside the trace engine's prediction. Exits non-zero when
// any fails, so CI can gate on it; --json and --junit FILE for machines.

import { writeFile } from 'node:fs/promises';
import { checkExpectations } from '../../host/live-expectations';
import type { LiveHost } from '../../host/live-check';
import { VnetError } from '../../model/errors';
import { expectationRunLine, expectationRunSummary } from '../../model/expectation-run';
import type { Lab } from '../../model/topology';
import { flagValue, parseArgs, type ParsedArgs } from '../args';
import { printHelpIfAsked, type CliCommand, type CliIo } from '../command';
import { EXIT } from '../exit-codes';
import { HOST_FLAGS, HOST_HELP, HOST_USAGE } from '../host-options';
import { liveHostsOf } from '../live-hosts';
import { testJson, testJunit } from '../test-report';
import { loadLab, onlyFile } from './plan';

const USAGE = [
  `vnet test FILE ${HOST_USAGE} [--json] [--junit FILE]`,
  '',
  '  FILE            a .vnet file with `expect` statements, applied to its host(s)',
  '  --json          print the results as JSON (schema vnet.test/1)',
  '  --junit FILE    also write a JUnit XML report to FILE',
  '',
  'A lab on one machine is checked on --host (or its `ssh` target in the file; one of them is needed: there',
  'is no default host here); a lab of several machines on each machine\'s target. Traffic is real: a bounded',
  'ping, or one TCP/UDP exchange with a short-lived listener, per expectation (docs/trace.md#live-check---live).',
  '',
  HOST_HELP,
  '',
  `Exit codes: ${EXIT.ok} every expectation passed (or could not be sent: an outside source), ${EXIT.testFailed} one or more failed;`,
  '2 bad arguments, 1 a file with errors, 3–7 and 11 as for every command.',
].join('\n');

async function writeJunit(path: string, text: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new VnetError('VN-TEST-JUNIT', `Cannot write the JUnit report to ${path}: ${(error as Error).message}. Check the path.`);
  }
}

/** Checks a lab's expectations on the given hosts and reports them; the exit code says whether all passed. */
export async function runLabTests(lab: Lab, file: string, hosts: readonly LiveHost[], args: ParsedArgs, io: CliIo): Promise<number> {
  const json = args.booleans.has('json');
  const junit = flagValue(args, 'junit');
  const runs = await checkExpectations(lab, hosts, {
    signal: io.signal,
    onRun: json ? undefined : (run) => io.stdout(`${expectationRunLine(run)}\n`),
  });
  if (json) io.stdout(testJson(lab.name, file, runs));
  else if (runs.length) io.stdout(`${expectationRunSummary(runs)}\n`);
  if (junit) await writeJunit(junit, testJunit(lab.name, file, runs));
  return runs.some((run) => run.result === 'fail') ? EXIT.testFailed : EXIT.ok;
}

export const testCommand: CliCommand = {
  name: 'test',
  summary: 'Check every expect of a .vnet file on its host with real traffic',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, { ...HOST_FLAGS, json: {}, junit: { value: true }, help: {} });
    if (printHelpIfAsked(args, testCommand, io)) return EXIT.ok;
    const file = onlyFile(args, 'test');
    const junit = flagValue(args, 'junit');
    if (junit !== undefined && !junit.trim()) throw new VnetError('VN-USAGE-JUNIT', '--junit needs the path of the report to write.');
    const lab = await loadLab(file, io);
    if (!lab.expectations?.length) {
      io.stderr(`${file} states no expectations ("expect FROM reaches TARGET"): nothing to test.\n`);
      return EXIT.ok;
    }
    return runLabTests(lab, file, liveHostsOf(lab, args, file), args, io);
  },
};
