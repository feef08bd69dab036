// `vnet plan FILE`: what apply would do to converge each host of a lab to the file. Changes nothing.
// Also the shared part of plan, apply and destroy: reading the file, and reaching the lab's hosts.

import { readFile } from 'node:fs/promises';
import { compileVnet } from '../../language/index';
import { VnetError } from '../../model/errors';
import { emptyTopology, type Lab, type Topology } from '../../model/topology';
import { createTransport } from '../../host/connect';
import { probeSnapshot } from '../../host/probe';
import { LOCAL_TARGET } from '../../host/ssh-destination';
import { conflictError, planHost, type HostPlan, type HostTarget } from '../../engine/converge';
import type { Probe } from '../../engine/snapshot';
import { formatPlans, plansJson } from '../../plan/format';
import { flagValue, parseArgs, type FlagSpec, type ParsedArgs } from '../args';
import { printHelpIfAsked, type CliCommand, type CliIo } from '../command';
import { EXIT } from '../exit-codes';
import { callTimeoutMs, hostArgsFrom, HOST_FLAGS, HOST_HELP, HOST_USAGE } from '../host-options';

export const LAB_FLAGS: Record<string, FlagSpec> = {
  ...HOST_FLAGS,
  json: {},
  adopt: { value: true, repeatable: true },
  help: {},
};

export const ADOPT_HELP = '  --adopt NAME            let the lab take over an element it did not create (as a conflict names it:\n'
  + '                          a namespace, NS:IFNAME, nat:NS, route:NS:DEST), or --adopt all (repeatable)';

/** The probe every command uses; one place to change it. */
export const probe: Probe = (transport, options) => probeSnapshot(transport, { signal: options.signal });

/** Reads and compiles a .vnet file; refuses one with errors, printing them as `vnet check` does. */
export async function loadLab(file: string, io: CliIo): Promise<Lab> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new VnetError('VN-LAB-FILE', `Cannot read ${file} (${reason}). Check the path.`);
  }
  const result = compileVnet(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) {
    io.stderr(`${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: error: ${d.message} [${d.code}]\n`);
  }
  if (errors.length) {
    throw new VnetError('VN-LAB-INVALID', `${file} has ${errors.length} error${errors.length === 1 ? '' : 's'} (above); nothing was planned. Fix them (vnet check ${file}) and try again.`);
  }
  if (!result.lab) throw new VnetError('VN-LAB-INVALID', `${file} has no "lab NAME" line: a lab's name marks everything apply creates. Add one.`);
  return result.lab;
}

export interface LabHosts {
  targets: HostTarget[];
}

/**
 * One Transport per host of the lab. A single-host lab goes to --host, else to the file's `ssh` target,
 * else to this machine; a lab over several machines goes to each machine's `ssh` target in the file.
 */
export function reachLab(lab: Lab, args: ParsedArgs, desired: (host: Lab['hosts'][number]) => Topology): LabHosts {
  const given = flagValue(args, 'host');
  if (given !== undefined && lab.hosts.length > 1) {
    throw new VnetError('VN-USAGE-HOST', `Lab ${lab.name} spans ${lab.hosts.length} machines, each with its own ssh target in the file; --host names only one. Leave it out.`);
  }
  const missing = lab.hosts.filter((h) => lab.hosts.length > 1 && !h.target);
  if (missing.length) {
    throw new VnetError('VN-LAB-INVALID', `Machine ${missing[0].name} of lab ${lab.name} has no ssh target; write "machine ${missing[0].name} ssh user@host { … }".`);
  }
  const first = given ?? lab.hosts[0]?.target ?? LOCAL_TARGET;
  const options = hostArgsFrom(args, first);
  // The ssh connections are left to expire by themselves (ControlPersist) rather than closed: another
  // vnet process may be using the same shared connection to the same host right now.
  const targets = lab.hosts.map((host) => {
    const target = lab.hosts.length === 1 ? given ?? host.target ?? LOCAL_TARGET : host.target!;
    const transport = createTransport(target, {
      identity: options.identity,
      sshOptions: options.sshOptions,
      connectTimeoutSec: options.connectTimeoutSec,
      defaultTimeoutMs: callTimeoutMs(options),
    });
    return { name: host.name, transport, desired: desired(host) };
  });
  return { targets };
}

/** Nothing: what destroy converges each host to. */
export function nothing(host: Lab['hosts'][number]): Topology {
  return emptyTopology(host.target ?? host.name);
}

export function adoptFrom(args: ParsedArgs): string[] {
  return args.flags.get('adopt') ?? [];
}

export function onlyFile(args: ParsedArgs, verb: string): string {
  if (args.positionals.length !== 1) {
    throw new VnetError('VN-USAGE-ARGS', `Name one .vnet file, e.g. \`vnet ${verb} lab.vnet\`.`);
  }
  return args.positionals[0];
}

export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'Show what apply would change to converge a host to a .vnet file (changes nothing)',
  usage: `vnet plan FILE ${HOST_USAGE} [--adopt NAME]... [--json]\n\n${HOST_HELP}\n${ADOPT_HELP}\n`
    + '  --json                  print the plan as JSON (schema vnet.plan/1)\n\n'
    + 'Exit status: 0 the plan is ready (or empty), 9 the lab would touch elements it does not own.',
  async run(argv, io) {
    const args = parseArgs(argv, LAB_FLAGS);
    if (printHelpIfAsked(args, planCommand, io)) return EXIT.ok;
    const file = onlyFile(args, 'plan');
    const lab = await loadLab(file, io);
    const hosts = reachLab(lab, args, (host) => host.topology);
    const plans: HostPlan[] = await Promise.all(hosts.targets.map((target) => planHost(target, {
      lab: lab.name, probe, adopt: adoptFrom(args), signal: io.signal,
    })));
    if (args.booleans.has('json')) io.stdout(`${JSON.stringify(plansJson(plans), null, 2)}\n`);
    else io.stdout(formatPlans(plans));
    if (plans.some((p) => p.plan.conflicts.length)) {
      const error = conflictError(plans, lab.name);
      io.stderr(`vnet plan: ${error.message} [${error.code}]\n`);
      return EXIT.conflict;
    }
    return EXIT.ok;
  },
};
