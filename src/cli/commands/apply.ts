// `vnet apply FILE`: converge each host of a lab to the file. Prints the plan and asks before changing,
// unless --yes or not on a terminal; then runs each host's plan as one script over one connection, the
// hosts in parallel.

import { performance } from 'node:perf_hooks';
import { converge, type ConvergeOptions, type HostPlan, type HostResult } from '../../engine/converge';
import type { ProgressEvent } from '../../engine/run-plan';
import { formatPlans, formatStep, plansJson } from '../../plan/format';
import { parseArgs, flagValue, type ParsedArgs } from '../args';
import { VnetError } from '../../model/errors';
import { shellCommand } from '../../model/shell';
import { printHelpIfAsked, type CliCommand, type CliIo } from '../command';
import { EXIT } from '../exit-codes';
import { HOST_HELP, HOST_USAGE } from '../host-options';
import { ADOPT_HELP, adoptFrom, LAB_FLAGS, loadLab, onlyFile, probe, reachLab } from './plan';

export const RUN_FLAGS = { ...LAB_FLAGS, yes: {}, 'lock-wait': { value: true } };

const RUN_HELP = '  --yes                   do not ask before changing the host\n'
  + '  --lock-wait SECONDS     how long to wait for another apply or destroy on the same host (default 300)\n'
  + '  --json                  print the plan and the outcome as JSON (schema vnet.plan/1); implies no prompt';

export const RUN_EXIT_HELP = 'Exit status: 0 done (or nothing to do), 3–7 the host could not be reached or lacks a tool,\n'
  + '8 a step failed on the host (the message names it), 9 the lab would touch elements it does not own,\n'
  + '10 not confirmed, 11 timed out. See docs/plan-apply.md.';

function lockWaitFrom(args: ParsedArgs): number | undefined {
  const text = flagValue(args, 'lock-wait');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 86400) {
    throw new VnetError('VN-USAGE-LOCK-WAIT', `--lock-wait takes a number of seconds from 1 to 86400, not "${text}".`);
  }
  return Number(text);
}

/** Asks at a terminal, unless --yes; elsewhere (scripts, CI) goes ahead, as --yes would. */
export function reviewer(args: ParsedArgs, io: CliIo, verb: 'apply' | 'destroy'): (plans: HostPlan[]) => Promise<boolean> {
  const json = args.booleans.has('json');
  return async (plans) => {
    if (!json) io.stdout(formatPlans(plans, verb));
    if (json || args.booleans.has('yes') || !io.interactive) return true;
    const steps = plans.reduce((n, p) => n + p.plan.steps.length, 0);
    const where = plans.length === 1 ? plans[0].target : `${plans.length} hosts`;
    const answer = await io.prompt(`${verb === 'destroy' ? 'Destroy' : 'Apply'} these ${steps} change${steps === 1 ? '' : 's'} on ${where}? [y/N] `);
    return /^\s*y(es)?\s*$/i.test(answer);
  };
}

/** Progress for a person at a terminal: each step as its phase completes. */
export function progressPrinter(io: CliIo, multiHost: boolean): (host: string, event: ProgressEvent) => void {
  return (host, event) => {
    const prefix = multiHost ? `[${host}] ` : '';
    switch (event.kind) {
      case 'lock-wait': io.stdout(`${prefix}waiting for another vnet apply or destroy on this host to finish…\n`); break;
      case 'replan': io.stdout(`${prefix}${event.reason}\n`); break;
      case 'steps': {
        const first = event.done - event.steps.length;
        event.steps.forEach((step, i) => io.stdout(`${prefix}  ✓ ${formatStep(step, first + i, event.total)}\n`));
        break;
      }
      default: break;
    }
  };
}

function resultLine(results: HostResult[], verb: 'apply' | 'destroy', ms: number): string {
  const ran = results.filter((r) => r.outcome);
  if (!ran.length) return verb === 'destroy' ? 'Nothing to destroy.\n' : 'Nothing to do: every host is up to date.\n';
  const steps = ran.reduce((n, r) => n + r.plan.steps.length, 0);
  const where = results.length === 1 ? results[0].target : `${ran.length} host${ran.length === 1 ? '' : 's'}`;
  return `${verb === 'destroy' ? 'Destroyed' : 'Applied'}: ${steps} step${steps === 1 ? '' : 's'} on ${where} in ${(ms / 1000).toFixed(1)} s.\n`;
}

export async function runConverge(verb: 'apply' | 'destroy', args: ParsedArgs, io: CliIo, hosts: ReturnType<typeof reachLab>, labName: string): Promise<number> {
  const json = args.booleans.has('json');
  const options: ConvergeOptions = {
    lab: labName,
    probe,
    adopt: adoptFrom(args),
    signal: io.signal,
    review: reviewer(args, io, verb),
    lockWaitSeconds: lockWaitFrom(args),
    verb,
    // Progress streams the script's markers back; only worth it for a person watching.
    onProgress: io.interactive && !json ? progressPrinter(io, hosts.targets.length > 1) : undefined,
  };
  const started = performance.now();
  const results = await converge(hosts.targets, options);
  if (json) {
    io.stdout(`${JSON.stringify(plansJson(results, {
      outcome: (h) => (h as HostResult).outcome?.kind ?? 'nothing-to-do',
      completedSteps: (h) => (h as HostResult).outcome?.completed.length ?? 0,
    }), null, 2)}\n`);
  } else {
    if (results.every((r) => !r.outcome)) io.stdout(formatPlans(results, verb));
    io.stdout(resultLine(results, verb, performance.now() - started));
  }
  return EXIT.ok;
}

/** After apply, the way to check what the file claims on the host (`vnet test`). */
export function testHint(file: string, expectations: number, host: string | undefined): string {
  const command = shellCommand(['vnet', 'test', file, ...(host === undefined ? [] : ['--host', host])]);
  return `The lab states ${expectations} expectation${expectations === 1 ? '' : 's'}: run "${command}" to check ${expectations === 1 ? 'it' : 'them'} with real traffic.\n`;
}

export const applyCommand: CliCommand = {
  name: 'apply',
  summary: 'Converge a host (or each host of a lab) to a .vnet file',
  usage: `vnet apply FILE ${HOST_USAGE} [--yes] [--adopt NAME]... [--lock-wait SECONDS] [--json]\n\n${HOST_HELP}\n${ADOPT_HELP}\n${RUN_HELP}\n\n${RUN_EXIT_HELP}`,
  async run(argv, io) {
    const args = parseArgs(argv, RUN_FLAGS);
    if (printHelpIfAsked(args, applyCommand, io)) return EXIT.ok;
    const file = onlyFile(args, 'apply');
    const lab = await loadLab(file, io);
    const code = await runConverge('apply', args, io, reachLab(lab, args, (host) => host.topology), lab.name);
    if (lab.expectations?.length && !args.booleans.has('json')) io.stdout(testHint(file, lab.expectations.length, flagValue(args, 'host')));
    return code;
  },
};
