// Reads what a rendered script printed back into what happened: which steps completed, and for a failure
// which step failed with which error of the host's own tools. Pure.

import type { RenderedScript } from './render';
import { SCRIPT_EXIT } from './render';

export type OutcomeKind = 'ok' | 'step-failed' | 'stale' | 'lock-timeout' | 'missing-tool' | 'no-state-dir' | 'interrupted';

export interface StepFailure {
  /** 1-based phase number as the script printed it. */
  phase: number;
  /** 0-based index of the failing step in plan.steps, when it can be told; else null (see `steps`). */
  step: number | null;
  /** Every step of the failing phase (one of which failed). */
  steps: number[];
  /** Whether the failure came from `iptables-restore --test`, before the phase changed anything. */
  check: boolean;
  /** What the host's tool said, without vnet's own markers. */
  hostError: string;
}

export interface Outcome {
  kind: OutcomeKind;
  /** Steps known to have completed (their phase printed `vnet:done`). */
  completed: number[];
  failure: StepFailure | null;
  /** For missing-tool: the tool. */
  missingTool?: string;
  /** The script waited for another apply's lock. */
  waitedForLock: boolean;
}

export interface ScriptResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Splits stderr at the `vnet:phase K` markers: what each phase's tools printed. */
function stderrByPhase(stderr: string): Map<number, string[]> {
  const segments = new Map<number, string[]>();
  let current = 0;
  for (const line of stderr.split('\n')) {
    const marker = /^vnet:phase (\d+)$/.exec(line);
    if (marker) { current = Number(marker[1]); segments.set(current, []); continue; }
    if (!segments.has(current)) segments.set(current, []);
    segments.get(current)!.push(line);
  }
  return segments;
}

export function parseOutcome(rendered: RenderedScript, result: ScriptResult): Outcome {
  const lines = result.stdout.split('\n');
  const done = new Set<number>();
  let failed: { phase: number; code: number } | null = null;
  let checking: number | null = null;
  let missingTool: string | undefined;
  let ok = false;
  let stale = false;
  let lockTimeout = false;
  let noStateDir = false;
  let waitedForLock = false;
  for (const line of lines) {
    let m: RegExpExecArray | null;
    if ((m = /^vnet:done (\d+)$/.exec(line))) done.add(Number(m[1]));
    else if ((m = /^vnet:fail (\d+) (\d+)$/.exec(line))) failed ??= { phase: Number(m[1]), code: Number(m[2]) };
    else if ((m = /^vnet:check (\d+)$/.exec(line))) checking = Number(m[1]);
    else if ((m = /^vnet:phase (\d+)$/.exec(line))) checking = null;
    else if ((m = /^vnet:missing (.+)$/.exec(line))) missingTool = m[1];
    else if (line === 'vnet:ok') ok = true;
    else if (line === 'vnet:stale') stale = true;
    else if (line === 'vnet:lock-timeout') lockTimeout = true;
    else if (line === 'vnet:lock-wait') waitedForLock = true;
    else if (line === 'vnet:no-state-dir') noStateDir = true;
  }
  const completed = rendered.phases.filter((p) => done.has(p.index)).flatMap((p) => p.steps);
  const base = { completed, waitedForLock };
  if (ok && result.exitCode === SCRIPT_EXIT.ok) return { kind: 'ok', failure: null, ...base };
  if (missingTool) return { kind: 'missing-tool', failure: null, missingTool, ...base };
  if (stale) return { kind: 'stale', failure: null, ...base };
  if (lockTimeout) return { kind: 'lock-timeout', failure: null, ...base };
  if (noStateDir) return { kind: 'no-state-dir', failure: null, ...base };
  if (!failed) return { kind: 'interrupted', failure: null, ...base };

  const phase = rendered.phases.find((p) => p.index === failed!.phase);
  const segment = stderrByPhase(result.stderr).get(failed.phase) ?? [];
  let step: number | null = phase && phase.steps.length === 1 ? phase.steps[0] : null;
  const kept: string[] = [];
  for (const line of segment) {
    const batchLine = /^Command failed -:(\d+)$/.exec(line);
    const restoreLine = /line:? (\d+)/.exec(line);
    if (batchLine && phase) {
      const s = phase.lineSteps[Number(batchLine[1]) - 1];
      if (s !== undefined && s >= 0) step = s;
      continue;
    }
    if (restoreLine && phase?.kind === 'iptables') {
      const s = phase.lineSteps[Number(restoreLine[1]) - 1];
      if (s !== undefined && s >= 0) step = s;
      if (/^Error occurred at line/.test(line)) continue;
    }
    if (/^Try `iptables-restore -h'/.test(line)) continue;
    if (line.trim()) kept.push(line.trim());
  }
  const hostError = kept.join('\n') || `the command exited with status ${failed.code}`;
  return {
    kind: 'step-failed',
    failure: { phase: failed.phase, step, steps: phase?.steps ?? [], check: checking === failed.phase, hostError },
    ...base,
  };
}
