// Plan, Apply and Destroy for a .vnet file (from the explorer, the editor title and the code lens). The plan
// is always shown, in a read-only document, before anything changes; apply and destroy then ask in a modal
// dialog. A file that names no ssh target for a host is run against a host the user picks (the one picked
// last for that file first). Free of vscode.

import { VnetError, isVnetError } from '../../model/errors';
import { emptyTopology, type Lab, type LabHost } from '../../model/topology';
import { compileVnet } from '../../language/index';
import { converge, planHost, type HostResult, type HostTarget } from '../../engine/converge';
import type { ProgressEvent } from '../../engine/run-plan';
import { probeSnapshot } from '../../host/probe';
import type { Transport } from '../../host/transport';
import { hostTitle } from '../host-state';
import { createHostTransport } from '../host-transport';
import { formatPlans, planChanges, planSummary, type LabVerb } from '../plan-text';
import { iconSafe, plainMessage, plainText } from '../text-safety';
import type { CommandContext } from './context';
import { cancelled } from './resolve';

/** A .vnet file as the command reads it: its text (unsaved edits included) and how to name it. */
export interface LabFile {
  text: string;
  /** For messages: the path relative to the workspace. */
  label: string;
  /** Stable key of the file (its URI), for remembering the host picked for it. */
  key: string;
}

/** What lab commands need beyond the common context. */
export interface LabContext extends CommandContext {
  readLabFile(arg: unknown): Promise<LabFile>;
  recall(key: string): string | undefined;
  remember(key: string, value: string): Promise<void>;
  log(line: string): void;
  /** Runs a .vnet file's expectations live on its host, as a test run (testing/test-controller.ts). */
  testLab?(arg: unknown): Promise<void>;
}

export function compileLabFile(file: LabFile): Lab {
  const result = compileVnet(file.text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) {
    const first = errors[0];
    throw new VnetError('VN-LAB-INVALID', `${file.label} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was planned. Fix ${errors.length === 1 ? 'it' : 'them'} first (see the Problems view). Line ${first.range.start.line + 1}: ${first.message}`);
  }
  if (!result.lab) throw new VnetError('VN-LAB-INVALID', `${file.label} declares no lab. Start the file with a line "lab NAME".`);
  return result.lab;
}

interface PreparedTargets {
  targets: HostTarget[];
  /** Closes the connections made only for this command (configured hosts keep theirs). */
  release(): Promise<void>;
}

export async function chooseDestination(ctx: LabContext, file: LabFile, lab: Lab, labHost: LabHost): Promise<string> {
  if (labHost.target) return labHost.target;
  const key = `vnet.labTarget:${file.key}:${labHost.name}`;
  const remembered = ctx.recall(key);
  const active = ctx.activeHost();
  const rank = (d: string) => (d === remembered ? 2 : d === active ? 1 : 0);
  const sessions = [...ctx.hosts.list()].sort((a, b) => rank(b.destination) - rank(a.destination));
  if (!sessions.length) throw new VnetError('VN-HOST-NONE', `${file.label} does not say where to apply it, and there are no hosts. Add one with "VNet: Add Host…", or write "machine NAME ssh DESTINATION { … }" in the file.`);
  const where = lab.hosts.length > 1 ? ` host "${labHost.name}"` : '';
  const picked = await ctx.ui.pick(sessions.map((s) => ({
    label: iconSafe(hostTitle(s.entry)),
    description: s.destination === remembered ? 'used last time for this file' : s.destination === active ? 'active host' : undefined,
    value: s.destination,
  })), { title: `Lab ${iconSafe(lab.name)}${iconSafe(where)}`, placeholder: 'On which host?' });
  if (picked === undefined) cancelled();
  await ctx.remember(key, picked);
  return picked;
}

async function prepareTargets(ctx: LabContext, file: LabFile, lab: Lab, verb: LabVerb): Promise<PreparedTargets> {
  const own: Transport[] = [];
  const targets: HostTarget[] = [];
  for (const labHost of lab.hosts) {
    const destination = await chooseDestination(ctx, file, lab, labHost);
    const session = ctx.hosts.get(destination);
    let transport = session?.transport;
    if (!transport) {
      transport = createHostTransport({ destination, label: null, identityFile: null }, ctx.settings(), ctx.log);
      own.push(transport);
    }
    targets.push({ name: labHost.name, transport, desired: verb === 'destroy' ? emptyTopology(labHost.topology.host) : labHost.topology });
  }
  return { targets, release: async () => { await Promise.all(own.map((t) => t.close().catch(() => undefined))); } };
}

function probeWith(ctx: LabContext) {
  return (transport: Transport, options: { signal?: AbortSignal }) => probeSnapshot(transport, { signal: options.signal, log: ctx.log });
}

function describeProgress(host: string, event: ProgressEvent): string {
  switch (event.kind) {
    case 'lock-wait': return `${host}: waiting for another apply or destroy to finish`;
    case 'begin': return `${host}: ${event.total} steps`;
    case 'steps': return `${host}: ${event.done}/${event.total} — ${event.steps[event.steps.length - 1]?.description ?? ''}`;
    case 'replan': return `${host}: ${event.reason}`;
  }
}

function refreshHosts(ctx: CommandContext, targets: readonly HostTarget[]): void {
  for (const target of targets) void ctx.hosts.get(target.transport.target)?.refresh().catch(() => undefined);
}

/** "Plan": shows what apply would do; changes nothing. */
export async function planLab(ctx: LabContext, arg: unknown): Promise<void> {
  const file = await ctx.readLabFile(arg);
  const lab = compileLabFile(file);
  const prepared = await prepareTargets(ctx, file, lab, 'plan');
  try {
    const plans = await ctx.ui.progress(`Planning lab ${lab.name}`, (signal) =>
      Promise.all(prepared.targets.map((target) => planHost(target, { lab: lab.name, probe: probeWith(ctx), signal }))));
    await ctx.ui.showDocument(`Plan: ${lab.name}`, formatPlans(lab.name, 'plan', plans));
    const conflicts = plans.some((p) => p.plan.conflicts.length > 0);
    const changes = planChanges(plans);
    const summary = plainText(`Plan for lab ${lab.name}: ${planSummary(plans)}. Nothing has changed.`);
    const choice = conflicts
      ? await ctx.ui.warn(`${summary} Some elements belong to no lab or another one; apply would stop until they are adopted.`)
      : await ctx.ui.info(summary, ...(changes ? ['Apply…'] : []));
    if (choice === 'Apply…') await applyLab(ctx, arg);
  } finally {
    await prepared.release();
  }
}

function stepsRun(result: HostResult): number {
  return result.outcome?.completed.length ?? 0;
}

function resultLine(result: HostResult): string {
  const done = stepsRun(result);
  if (!done) return `${result.target}: already as the file says, nothing to do`;
  return `${result.target}: ${done} step${done === 1 ? '' : 's'} done`;
}

/** "Apply" and "Destroy": plan, show the plan, ask, then run it; the tree shows the result. */
async function convergeLab(ctx: LabContext, arg: unknown, verb: 'apply' | 'destroy', adopt: readonly string[] = []): Promise<void> {
  const file = await ctx.readLabFile(arg);
  const lab = compileLabFile(file);
  const prepared = await prepareTargets(ctx, file, lab, verb);
  const Verb = verb === 'apply' ? 'Apply' : 'Destroy';
  try {
    const results = await ctx.ui.progress(`${Verb} lab ${lab.name}`, (signal, report) => converge(prepared.targets, {
      lab: lab.name,
      probe: probeWith(ctx),
      adopt,
      signal,
      verb,
      review: async (plans) => {
        // No step to run: only the lab's ownership records on the host are tidied. Nothing to ask about.
        if (planChanges(plans) === 0) return true;
        await ctx.ui.showDocument(`${Verb}: ${lab.name}`, formatPlans(lab.name, verb, plans));
        report('waiting for your confirmation');
        const hosts = plans.map((p) => p.target).join(', ');
        return ctx.ui.confirm(
          plainText(`${Verb} lab ${lab.name} on ${hosts}?`),
          plainMessage(`${planSummary(plans)}.\nThe whole plan is open in the editor.${verb === 'destroy' ? ' Everything the lab owns there is deleted.' : ''}`),
          Verb,
        );
      },
      onProgress: (host, event) => report(describeProgress(host, event)),
    }));
    refreshHosts(ctx, prepared.targets);
    const changed = results.some((r) => stepsRun(r) > 0);
    const done = changed
      ? `${verb === 'apply' ? 'Applied' : 'Destroyed'} lab ${lab.name}. ${results.map(resultLine).join('; ')}.`
      : `Lab ${lab.name}: ${verb === 'apply' ? 'every host is already as the file says' : 'nothing of it is left'}; nothing to do.`;
    offerTests(ctx, arg, verb === 'apply' ? lab.expectations?.length ?? 0 : 0, done);
  } catch (error) {
    refreshHosts(ctx, prepared.targets);
    if (isVnetError(error) && error.code === 'VN-DECLINED') {
      void ctx.ui.info(plainText(`${Verb} of lab ${lab.name} cancelled: nothing was changed.`));
      return;
    }
    if (isVnetError(error) && error.code === 'VN-OWNERSHIP' && adopt.length === 0) {
      const message = `${error.message.split('\nTo let')[0]}\nAdopting hands these elements to lab ${lab.name}: its destroy will delete them.`;
      const choice = await ctx.ui.error(plainMessage(message), 'Adopt and Apply…', 'Show log');
      if (choice === 'Adopt and Apply…') return convergeLab(ctx, arg, verb, ['all']);
      if (choice === 'Show log') ctx.ui.showLog();
      return;
    }
    throw error;
  } finally {
    await prepared.release();
  }
}

/** After an apply, a lab that states expectations offers to check them with real traffic (the Testing view). */
function offerTests(ctx: LabContext, arg: unknown, expectations: number, done: string): void {
  if (!expectations || !ctx.testLab) { void ctx.ui.info(plainText(done)); return; }
  const what = `${expectations} expectation${expectations === 1 ? '' : 's'}`;
  void ctx.ui.info(plainText(`${done} The lab states ${what}: check ${expectations === 1 ? 'it' : 'them'} with real traffic?`), RUN_TESTS)
    .then((choice) => (choice === RUN_TESTS ? ctx.testLab?.(arg) : undefined))
    .catch((error: unknown) => ctx.log(`Test Lab: ${error instanceof Error ? error.message : String(error)}`));
}

const RUN_TESTS = 'Run Tests';

export const applyLab = (ctx: LabContext, arg: unknown) => convergeLab(ctx, arg, 'apply');
export const destroyLab = (ctx: LabContext, arg: unknown) => convergeLab(ctx, arg, 'destroy');
