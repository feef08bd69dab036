// render(plan) → one POSIX sh script, run over one ssh exec. Pure.
//
// - Consecutive `ip` commands for one namespace become one `ip -batch -` (the root namespace) or one
//   `nsenter --net=/run/netns/NS ip -batch -` (`ip -n` would remount /sys for every call, and `ip netns
//   exec` too). A token `ip -batch` cannot carry runs as its own `ip` process instead.
// - The NAT and FORWARD-policy changes of one namespace become one atomic `iptables-restore --noflush`,
//   checked first with `--test`: namespaces that exist already are all checked before anything changes.
// - Consecutive `tc` commands for one namespace (impairments: root qdiscs) become one `tc -batch -` the
//   same way; tc reads its batch input with ip's own rules.
// - Forwarding is written to /proc/sys/net/ipv4/ip_forward from inside the namespace.
// - The whole script runs under `flock /run/vnet/lock`, so two applies to one host wait for each other,
//   and refuses to run when the lab's state file changed since the plan was made.
// - Every phase prints `vnet:phase K` before it (on stdout and stderr) and `vnet:done K` after it; the
//   first failure prints `vnet:fail K CODE` and stops. The host's own error is what the failing tool
//   printed on stderr after the phase marker; parseOutcome maps it back to a step.
//
// Every name in a command is validated upstream and quoted here with the functions of src/model/shell.ts.

import { HOST_LOCK_FILE, LAB_STATE_DIR, labStateFile, serializeLabState, serializeRecord } from '../model/lab-state';
import { ipBatchQuote, iptablesRestoreQuote, shellCommand, shellQuote } from '../model/shell';
import { ROOT_NAMESPACE } from '../model/topology';
import { namespaceCreatedBy } from './ip-commands';
import type { HostCommand, Plan, PlanStep } from './plan';

export type PhaseKind = 'ip-batch' | 'ip' | 'iptables' | 'forwarding' | 'tc-batch' | 'tc';

export interface Phase {
  /** 1-based, as the script prints it. */
  index: number;
  kind: PhaseKind;
  namespace: string;
  /** Indexes (0-based) into plan.steps of the steps this phase runs, ascending. */
  steps: number[];
  /** For batch input (ip -batch, iptables-restore): the step of each input line (1-based line N → lineSteps[N-1]); -1 for framing lines. */
  lineSteps: number[];
}

export interface RenderedScript {
  text: string;
  phases: Phase[];
  steps: PlanStep[];
}

export interface RenderOptions {
  /** How long the script waits for another apply's lock before giving up. */
  lockWaitSeconds?: number;
  /** Name of the verb in the script's header comment. */
  verb?: string;
  /**
   * What the script does with the lab's state file:
   * - rewrite (plans): refuse to run if it changed since planning, append claims, rewrite it at the end;
   * - append (an operation done for a lab): only append claims and releases;
   * - none (an operation owned by nobody): leave it alone.
   */
  stateMode?: 'rewrite' | 'append' | 'none';
}

/** Exit codes of the script itself (not of the steps, which are reported by `vnet:fail`). */
export const SCRIPT_EXIT = { ok: 0, stepFailed: 1, missingTool: 2, lockTimeout: 3, stale: 4, noStateDir: 5 } as const;

const HEREDOC = 'VNET_INPUT_END';

/** Waits up to a minute for a root-namespace interface to be gone (where /sys shows the root namespace). */
const VNET_GONE = [
  'vnet_gone() {',
  '  vnet_n=0',
  '  while [ -e "/sys/class/net/$1" ]; do',
  '    vnet_n=$((vnet_n + 1))',
  '    [ "$vnet_n" -le 600 ] || { printf \'%s is still there a minute after its namespace was deleted\\n\' "$1" >&2; return 1; }',
  '    sleep 0.1 2>/dev/null || sleep 1',
  '  done',
  '}',
].join('\n');

/** Phases that change only their own namespace, so that those of different namespaces may run at once. */
const PER_NAMESPACE_KINDS: ReadonlySet<PhaseKind> = new Set(['ip-batch', 'ip', 'tc-batch', 'tc']);

/** Parallel workers for per-namespace phases, and the fewest namespaces that make a worker worth it. */
const MAX_WORKERS = 8;
const PARALLEL_MIN_PER_WORKER = 4;

/** Shared by the workers: a place for each one's error output, and a flag that stops the others. */
const WORKER_PRELUDE = [
  `VNET_TMP=$(mktemp -d ${LAB_STATE_DIR}/run.XXXXXX) || { vnet_mark 'vnet:no-state-dir'; exit ${SCRIPT_EXIT.noStateDir}; }`,
  'trap \'rm -rf "$VNET_TMP"\' EXIT',
  // A worker's failure: its phase's error output, as the main flow would print it, then stop the others.
  'vnet_wfail() { { printf \'vnet:phase %s\\n\' "$1"; cat "$VNET_TMP/e$3"; } >&2; : > "$VNET_TMP/failed"; vnet_mark "vnet:fail $1 $2"; exit 1; }',
];

interface DraftPhase {
  kind: PhaseKind;
  namespace: string;
  steps: number[];
  /** ip and tc: argv lists; iptables: [table, tokens]; forwarding: the value. */
  ip: { step: number; args: string[] }[];
  nat: { step: number; table: 'nat' | 'filter'; args: string[] }[];
  forwarding: boolean | null;
  claims: HostCommand[];
  releases: HostCommand[];
  /** Root-namespace interfaces to wait for to be gone, after the phase's commands. */
  awaitGone: string[];
}

function emptyDraft(kind: PhaseKind, namespace: string): DraftPhase {
  return { kind, namespace, steps: [], ip: [], nat: [], forwarding: null, claims: [], releases: [], awaitGone: [] };
}

/** Where a command runs: the kind of phase and its namespace; null for state file records and waits. */
function placeOf(command: HostCommand): { kind: PhaseKind; namespace: string } | null {
  switch (command.tool) {
    case 'ip': {
      const batchable = command.args.every((token) => ipBatchQuote(token) !== null);
      return { kind: batchable ? 'ip-batch' : 'ip', namespace: command.namespace };
    }
    case 'tc': {
      const batchable = command.args.every((token) => ipBatchQuote(token) !== null);
      return { kind: batchable ? 'tc-batch' : 'tc', namespace: command.namespace };
    }
    case 'iptables': return { kind: 'iptables', namespace: command.namespace };
    case 'forwarding': return { kind: 'forwarding', namespace: command.namespace };
    default: return null;
  }
}

function addToDraft(phase: DraftPhase, command: HostCommand, step: number): void {
  if (command.tool === 'ip' || command.tool === 'tc') phase.ip.push({ step, args: command.args });
  else if (command.tool === 'iptables') phase.nat.push({ step, table: command.table, args: command.args });
  else if (command.tool === 'forwarding') phase.forwarding = command.enable;
}

/** Groups the plan's commands into phases, in step order, merging what can share one process. */
function phasesOf(steps: readonly PlanStep[]): DraftPhase[] {
  const phases: DraftPhase[] = [];
  let stepWaits = false;
  const open = (kind: PhaseKind, namespace: string): DraftPhase => {
    const last = phases[phases.length - 1];
    // A phase that waits for interfaces to be gone ends with the last step that waits: what follows
    // may create an interface of the same name.
    const waitsEnded = last !== undefined && last.awaitGone.length > 0 && !stepWaits;
    if (last && !waitsEnded && last.kind === kind && last.namespace === namespace && (kind === 'ip-batch' || kind === 'tc-batch' || kind === 'iptables')) return last;
    const phase = emptyDraft(kind, namespace);
    phases.push(phase);
    return phase;
  };
  steps.forEach((step, index) => {
    stepWaits = step.commands.some((command) => command.tool === 'await-gone');
    let current: DraftPhase | null = null;
    // Claims go with the phase of the step's next command; releases with the phase of its last one.
    const pendingClaims: HostCommand[] = [];
    for (const command of step.commands) {
      const place = placeOf(command);
      if (place) {
        current = open(place.kind, place.namespace);
        if (!current.steps.includes(index)) current.steps.push(index);
        current.claims.push(...pendingClaims.splice(0));
        addToDraft(current, command, index);
      } else if (command.tool === 'claim' || (command.tool === 'release' && !current)) {
        pendingClaims.push(command);
      } else if (command.tool === 'release') {
        current!.releases.push(command);
      } else if (command.tool === 'await-gone' && current) {
        current.awaitGone.push(command.interface);
      }
    }
    // A step of claims or releases only (adopting a namespace): it rides on a phase of its own kind.
    if (pendingClaims.length) {
      const phase = emptyDraft('ip-batch', ROOT_NAMESPACE);
      phase.steps.push(index);
      for (const command of pendingClaims) (command.tool === 'claim' ? phase.claims : phase.releases).push(command);
      phases.push(phase);
    }
  });
  return phases;
}

function nsenterPrefix(namespace: string): string {
  return namespace === ROOT_NAMESPACE ? '' : `nsenter ${shellQuote(`--net=/run/netns/${namespace}`)} `;
}

function heredoc(lines: readonly string[]): string {
  for (const line of lines) {
    if (line === HEREDOC) throw new Error('A command line collides with the here-document delimiter.');
  }
  return `${lines.join('\n')}\n${HEREDOC}`;
}

function restoreInput(phase: DraftPhase): { lines: string[]; lineSteps: number[] } {
  const lines: string[] = [];
  const lineSteps: number[] = [];
  for (const table of ['filter', 'nat'] as const) {
    const rows = phase.nat.filter((row) => row.table === table);
    if (!rows.length) continue;
    lines.push(`*${table}`); lineSteps.push(-1);
    for (const row of rows) {
      // A built-in chain's policy line needs its counters for iptables-restore to accept it.
      const text = row.args.length === 2 && row.args[0].startsWith(':')
        ? `${row.args[0]} ${row.args[1]} [0:0]`
        : row.args.map(iptablesRestoreQuote).join(' ');
      lines.push(text); lineSteps.push(row.step);
    }
    lines.push('COMMIT'); lineSteps.push(-1);
  }
  return { lines, lineSteps };
}

/** Claims and releases of a phase, appended in one write; a claim that cannot be written stops the script. */
function stateLines(commands: readonly HostCommand[], phase: number): string[] {
  const out: string[] = [];
  for (const command of commands) {
    if (command.tool === 'claim') {
      const write = `printf '%s\\n' ${shellQuote(serializeRecord(command.record))}`;
      out.push(command.unlessPath ? `[ -e ${shellQuote(command.unlessPath)} ] || ${write}` : write);
    } else if (command.tool === 'release') {
      out.push(`printf '%s\\n' ${shellQuote(serializeRecord(command.record, true))}`);
    }
  }
  if (!out.length) return [];
  return ['{', ...out.map((line) => `  ${line}`), `} >> "$VNET_STATE" || vnet_fail ${phase} $?`];
}

/** What the phases of one script share while they are written out. */
interface ScriptContext {
  stateMode: 'rewrite' | 'append' | 'none';
  /** Namespaces the plan creates: their NAT is checked in their own phase, as they do not exist before. */
  created: ReadonlySet<string>;
  /** The phases written so far, as parseOutcome reads them back. */
  phases: Phase[];
}

/** The script's opening: strict settings, the tools it needs, the host lock, and the state file's check. */
function prelude(plan: Plan, drafts: readonly DraftPhase[], options: RenderOptions, stateMode: ScriptContext['stateMode']): string[] {
  const needsNsenter = drafts.some((p) => p.namespace !== ROOT_NAMESPACE);
  const needsIptables = drafts.some((p) => p.kind === 'iptables');
  const needsTc = drafts.some((p) => p.kind === 'tc-batch' || p.kind === 'tc');
  const tools = ['ip', 'flock', ...(needsNsenter ? ['nsenter'] : []), ...(needsIptables ? ['iptables-restore'] : []), ...(needsTc ? ['tc'] : [])];
  const stateFile = stateMode === 'none' ? '/dev/null' : labStateFile(plan.lab);
  const expected = plan.stateText === null ? null : plan.stateText.replace(/\n+$/, '');
  const lockWait = Math.max(1, Math.round(options.lockWaitSeconds ?? 300));
  return [
    `# vnet ${options.verb ?? 'apply'}: lab ${plan.lab}, ${plan.steps.length} step(s), ${drafts.length} phase(s)`,
    'set -u',
    // Stop only at a phase boundary: a dropped connection or a cancel ends the script at its next marker
    // (the write fails), never in the middle of a batch. Children inherit the ignored signals.
    "trap '' HUP TERM",
    'umask 022',
    'export LC_ALL=C',
    'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"',
    `VNET_STATE=${shellQuote(stateFile)}`,
    // A marker that cannot be written means the connection is gone: stop at this phase boundary.
    'vnet_mark() { printf \'%s\\n\' "$*" || exit 141; }',
    `vnet_fail() { vnet_mark "vnet:fail $1 $2"; exit ${SCRIPT_EXIT.stepFailed}; }`,
    ...(drafts.some((d) => d.awaitGone.length) ? [VNET_GONE] : []),
    `for vnet_tool in ${tools.join(' ')}; do`,
    `  command -v "$vnet_tool" >/dev/null 2>&1 || { vnet_mark "vnet:missing $vnet_tool"; exit ${SCRIPT_EXIT.missingTool}; }`,
    'done',
    `mkdir -p ${LAB_STATE_DIR} && exec 9>>${HOST_LOCK_FILE} || { vnet_mark 'vnet:no-state-dir'; exit ${SCRIPT_EXIT.noStateDir}; }`,
    'if ! flock -n 9; then',
    '  vnet_mark vnet:lock-wait',
    `  flock -w ${lockWait} 9 || { vnet_mark vnet:lock-timeout; exit ${SCRIPT_EXIT.lockTimeout}; }`,
    'fi',
    ...(stateMode !== 'rewrite' ? [] : [expected === null
      ? `[ ! -e "$VNET_STATE" ] || { vnet_mark vnet:stale; exit ${SCRIPT_EXIT.stale}; }`
      : `[ "$(cat "$VNET_STATE" 2>/dev/null)" = ${shellQuote(expected)} ] || { vnet_mark vnet:stale; exit ${SCRIPT_EXIT.stale}; }`]),
    'vnet_mark vnet:begin',
  ];
}

/** Namespaces the plan creates (`ip netns add`). */
function createdNamespaces(plan: Plan): Set<string> {
  const created = plan.steps.flatMap((s) => s.commands).map((c) => (c.tool === 'ip' ? namespaceCreatedBy(c.args) : null));
  return new Set(created.filter((name): name is string => name !== null));
}

/** Checks every NAT transaction of a namespace that exists already, before anything changes. */
function natChecks(drafts: readonly DraftPhase[], created: ReadonlySet<string>): string[] {
  return drafts.flatMap((draft, i) => {
    if (draft.kind !== 'iptables' || created.has(draft.namespace)) return [];
    const { lines } = restoreInput(draft);
    return [
      `vnet_mark 'vnet:check ${i + 1}'; printf '%s\\n' 'vnet:phase ${i + 1}' >&2`,
      `${nsenterPrefix(draft.namespace)}iptables-restore --test --noflush <<'${HEREDOC}' || vnet_fail ${i + 1} $?`,
      heredoc(lines),
    ];
  });
}

/** The commands of one phase, and the step of each line of its batch input (into phase.lineSteps). */
function phaseCommands(draft: DraftPhase, phase: Phase, context: ScriptContext, fail: string, errors: string): string[] {
  const prefix = nsenterPrefix(draft.namespace);
  switch (draft.kind) {
    case 'ip-batch': case 'tc-batch': {
      if (!draft.ip.length) return [];
      const tool = draft.kind === 'tc-batch' ? 'tc' : 'ip';
      const input = draft.ip.map((row) => row.args.map((token) => ipBatchQuote(token)!).join(' '));
      phase.lineSteps = draft.ip.map((row) => row.step);
      return [`${prefix}${tool} -batch -${errors} <<'${HEREDOC}' || ${fail}`, heredoc(input)];
    }
    case 'ip': case 'tc':
      phase.lineSteps = draft.ip.map((row) => row.step);
      return draft.ip.map((row) => `${prefix}${shellCommand([draft.kind, ...row.args])}${errors} || ${fail}`);
    case 'iptables': {
      const { lines: input, lineSteps } = restoreInput(draft);
      phase.lineSteps = lineSteps;
      const check = context.created.has(draft.namespace) ? [`${prefix}iptables-restore --test --noflush <<'${HEREDOC}' || ${fail}`, heredoc(input)] : [];
      return [...check, `${prefix}iptables-restore --noflush <<'${HEREDOC}' || ${fail}`, heredoc(input)];
    }
    case 'forwarding': {
      const value = draft.forwarding ? '1' : '0';
      return [draft.namespace === ROOT_NAMESPACE
        ? `echo ${value} > /proc/sys/net/ipv4/ip_forward || ${fail}`
        : `${prefix}sh -c 'echo ${value} > /proc/sys/net/ipv4/ip_forward' || ${fail}`];
    }
  }
}

/** The lines of one phase. In a worker, a failure is reported through the worker's own error file. */
function emitPhase(draft: DraftPhase, index: number, worker: number | null, context: ScriptContext): string[] {
  const phase: Phase = { index, kind: draft.kind, namespace: draft.namespace, steps: draft.steps, lineSteps: [] };
  context.phases.push(phase);
  const fail = worker === null ? `vnet_fail ${index} $?` : `vnet_wfail ${index} $? ${worker}`;
  const errors = worker === null ? '' : ` 2>"$VNET_TMP/e${worker}"`;
  const writesState = context.stateMode !== 'none';
  return [
    ...(worker === null
      ? [`vnet_mark 'vnet:phase ${index}'; printf '%s\\n' 'vnet:phase ${index}' >&2`]
      : [`[ ! -e "$VNET_TMP/failed" ] || exit 0`, `vnet_mark 'vnet:phase ${index}'`]),
    ...(writesState ? stateLines(draft.claims, index) : []),
    ...phaseCommands(draft, phase, context, fail, errors),
    ...draft.awaitGone.map((name) => `vnet_gone ${shellQuote(name)} || ${fail}`),
    ...(writesState ? stateLines(draft.releases, index) : []),
    `vnet_mark 'vnet:done ${index}'`,
  ];
}

/**
 * All phases, in order. Runs of per-namespace ip phases (each namespace's settings, or its teardown) do
 * not depend on one another: they run in parallel workers, which is where most of a large lab's time goes
 * (one nsenter and one ip process per namespace). The phases of one namespace stay in one worker, in order.
 */
function emitPhases(drafts: readonly DraftPhase[], context: ScriptContext): string[] {
  const out: string[] = [];
  let parallelBlocks = 0;
  for (let i = 0; i < drafts.length;) {
    let j = i;
    while (j < drafts.length && drafts[j].namespace !== ROOT_NAMESPACE && PER_NAMESPACE_KINDS.has(drafts[j].kind)) j++;
    const namespaces = new Set(drafts.slice(i, j).map((d) => d.namespace));
    if (namespaces.size < 2 * PARALLEL_MIN_PER_WORKER) {
      out.push(...emitPhase(drafts[i], i + 1, null, context));
      i++;
      continue;
    }
    parallelBlocks++;
    const workers = Math.min(MAX_WORKERS, Math.floor(namespaces.size / PARALLEL_MIN_PER_WORKER));
    const order = [...namespaces];
    const bodies: string[][] = Array.from({ length: workers }, () => []);
    for (let k = i; k < j; k++) {
      const worker = order.indexOf(drafts[k].namespace) % workers;
      bodies[worker].push(...emitPhase(drafts[k], k + 1, worker, context));
    }
    if (parallelBlocks === 1) out.push(...WORKER_PRELUDE);
    for (const body of bodies) out.push('(', ...body, ') &');
    out.push('wait', `[ ! -e "$VNET_TMP/failed" ] || exit ${SCRIPT_EXIT.stepFailed}`);
    i = j;
  }
  return out;
}

/**
 * What the lab owns now, written whole: claims of elements the plan removed or never made are dropped.
 * The last line stamps this run. Without it the file could return to a text another apply planned from
 * while this one was midway (its claims appended, then rewritten to the same records), and that apply's
 * stale check would pass and replay steps already done. The stamp is no record: readers skip it.
 * An operation (stateMode append or none) only appended its claims.
 */
function stateFileEnding(plan: Plan, stateMode: ScriptContext['stateMode'], lastPhase: number): string[] {
  if (stateMode !== 'rewrite') return [];
  if (!plan.finalState.records.length) return ['rm -f "$VNET_STATE"'];
  return [
    `{ printf '%s' ${shellQuote(serializeLabState(plan.finalState))} && printf '{"kind":"written","run":"%s-%s"}\\n' "$(date +%s%N)" "$$"; } > "$VNET_STATE.tmp" && mv -f "$VNET_STATE.tmp" "$VNET_STATE" || vnet_fail ${lastPhase + 1} $?`,
  ];
}

export function render(plan: Plan, options: RenderOptions = {}): RenderedScript {
  const drafts = phasesOf(plan.steps);
  const stateMode = options.stateMode ?? 'rewrite';
  const context: ScriptContext = { stateMode, created: createdNamespaces(plan), phases: [] };
  const out = [
    ...prelude(plan, drafts, options, stateMode),
    ...natChecks(drafts, context.created),
    ...emitPhases(drafts, context),
    ...stateFileEnding(plan, stateMode, drafts.length),
    'vnet_mark vnet:ok',
  ];
  const phases = context.phases.sort((a, b) => a.index - b.index);
  return { text: `${out.join('\n')}\n`, phases, steps: plan.steps };
}
