import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../src/cli/args';
import type { CliIo } from '../../src/cli/command';
import { RUN_FLAGS, reviewer, progressPrinter } from '../../src/cli/commands/apply';
import type { HostPlan } from '../../src/engine/converge';
import { diff } from '../../src/plan/diff';
import { desiredScenarioA, emptyHost } from './plan-fixtures';

function fakeIo(interactive: boolean, answer: string): CliIo & { out: string; asked: string[] } {
  const io = {
    out: '',
    asked: [] as string[],
    stdout: (text: string) => { io.out += text; },
    stderr: (text: string) => { io.out += text; },
    interactive,
    prompt: async (question: string) => { io.asked.push(question); return answer; },
    signal: new AbortController().signal,
  };
  return io;
}

const plans: HostPlan[] = [{
  host: 'host',
  target: 'root@10.0.1.48',
  plan: diff({ lab: 'a', desired: desiredScenarioA(), live: emptyHost(), state: { lab: 'a', records: [] } }),
  snapshot: { live: emptyHost(), state: { lab: 'a', records: [] }, stateText: null, others: [] },
}];

test('at a terminal apply prints the plan and asks; only yes goes ahead', async () => {
  const no = fakeIo(true, 'n');
  assert.equal(await reviewer(parseArgs([], RUN_FLAGS), no, 'apply')(plans), false);
  assert.deepEqual(no.asked, ['Apply these 23 changes on root@10.0.1.48? [y/N] ']);
  assert.match(no.out, /^Plan for lab a on root@10\.0\.1\.48: 23 steps/m);
  assert.match(no.out, /^ +1\. \+ create namespace netns1$/m);
  assert.equal(await reviewer(parseArgs([], RUN_FLAGS), fakeIo(true, 'yes'), 'apply')(plans), true);
  assert.equal(await reviewer(parseArgs([], RUN_FLAGS), fakeIo(true, ''), 'apply')(plans), false, 'the default is no');
});

test('--yes, --json or no terminal go ahead without asking', async () => {
  for (const [argv, interactive] of [[['--yes'], true], [['--json'], true], [[], false]] as [string[], boolean][]) {
    const io = fakeIo(interactive, 'n');
    assert.equal(await reviewer(parseArgs(argv, RUN_FLAGS), io, 'destroy')(plans), true);
    assert.deepEqual(io.asked, []);
  }
});

test('progress ticks off each step as its phase completes', () => {
  const io = fakeIo(true, '');
  const steps = plans[0].plan.steps;
  progressPrinter(io, false)('host', { kind: 'steps', done: 2, total: steps.length, steps: steps.slice(0, 2) });
  assert.equal(io.out, '  ✓  1. + create namespace netns1\n  ✓  2. + create namespace netns2\n');
});
