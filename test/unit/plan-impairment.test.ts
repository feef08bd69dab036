import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff } from '../../src/plan/diff';
import { render } from '../../src/plan/render';
import { operationPlan } from '../../src/plan/operations';
import { exportText } from '../../src/plan/export';
import { compileVnet } from '../../src/language/index';
import type { Plan } from '../../src/plan/plan';
import { emptyTopology, type NetInterface, type Topology } from '../../src/model/topology';
import type { Impairment } from '../../src/model/impairment';
import { emptyHost, liveAfterApply, TopologyBuilder } from './plan-fixtures';

const LAB = 'imp';

function desired(left: Impairment | null, right: Impairment | null = left): Topology {
  const topology = new TopologyBuilder().veth('a', 'x', 'b', 'y', { addresses: ['10.0.0.1/24'] }, { addresses: ['10.0.0.2/24'] }).topology;
  const set = (ns: string, name: string, impairment: Impairment | null) => {
    const iface = topology.namespaces.find((n) => n.name === ns)!.interfaces.find((i) => i.name === name)!;
    if (impairment) iface.impairment = impairment;
  };
  set('a', 'x', left);
  set('b', 'y', right);
  return topology;
}

function liveIface(live: Topology, ns: string, name: string): NetInterface {
  return live.namespaces.find((n) => n.name === ns)!.interfaces.find((i) => i.name === name)!;
}

function plan(want: Topology, live: Topology, state = { lab: LAB, records: [] as never[] }): Plan {
  return diff({ lab: LAB, desired: want, live, state });
}

const tcLines = (p: Plan) => p.steps.flatMap((s) => s.commands.flatMap((c) => (c.tool === 'tc' ? [`${c.namespace}: tc ${c.args.join(' ')}`] : [])));

test('a new link with an impairment gets one netem qdisc per end, after its settings, batched per namespace', () => {
  const want = desired({ delayUs: 20_000, lossPct: 1 }, { delayUs: 20_000 });
  const p = plan(want, emptyHost());
  assert.deepEqual(tcLines(p), [
    'a: tc qdisc replace dev x root netem delay 20000us loss 1%',
    'b: tc qdisc replace dev y root netem delay 20000us',
  ]);
  const impairStep = p.steps.find((s) => s.commands.some((c) => c.tool === 'tc'))!;
  assert.equal(impairStep.description, 'impair x in a: delay 20ms, 1% loss');
  assert.equal(impairStep.stage, 'configure');
  // After the link's own settings in that namespace.
  const index = p.steps.indexOf(impairStep);
  assert.ok(p.steps.slice(index + 1).every((s) => s.namespace !== 'a' || s.stage !== 'configure'));
  const script = render(p).text;
  assert.match(script, /for vnet_tool in [^;]* tc; do/);
  assert.match(script, /nsenter --net=\/run\/netns\/a tc -batch - <<'VNET_INPUT_END' \|\| vnet_fail \d+ \$\?\nqdisc replace dev x root netem delay 20000us loss 1%\nVNET_INPUT_END/);
});

test('re-apply is a no-op when the kernel reads back its rounded values', () => {
  const want = desired({ delayUs: 20_000, jitterUs: 5_000, lossPct: 1, rateBps: 10_000_000 });
  const { live, state } = liveAfterApply(want, LAB);
  // As the kernel reports them: a 32-bit loss fraction, ticks of 64 ns, whole bytes per second.
  for (const [ns, name] of [['a', 'x'], ['b', 'y']]) {
    liveIface(live, ns, name).impairment = { delayUs: 19_999.999, jitterUs: 5_000.0001, lossPct: 0.99999999977, rateBps: 10_000_000 };
  }
  assert.deepEqual(plan(want, live, state as never).steps.map((s) => s.description), []);
});

test('a changed impairment is replaced, a removed one deleted; only on interfaces the lab owns', () => {
  const before = desired({ delayUs: 20_000 });
  const { live, state } = liveAfterApply(before, LAB);
  const changed = plan(desired({ delayUs: 50_000 }, null), live, state as never);
  assert.deepEqual(tcLines(changed), ['a: tc qdisc replace dev x root netem delay 50000us', 'b: tc qdisc del dev y root']);
  assert.deepEqual(changed.steps.map((s) => s.description), [
    'change the impairment of x in a from delay 20ms to delay 50ms',
    'clear the impairment of y in b (delay 20ms)',
  ]);
  assert.deepEqual(changed.steps.map((s) => s.action), ['change', 'delete']);
  // Somebody else's interface keeps its qdisc, even when the file names it.
  const theirs = emptyTopology('testhost');
  const foreign = new TopologyBuilder().veth('a', 'x', 'b', 'y', { owner: 'other' }, { owner: 'other' }).topology;
  liveIface(foreign, 'a', 'x').impairment = { lossPct: 5 };
  assert.deepEqual(tcLines(plan(theirs, foreign)), []);
});

test('destroy deletes the link, and its qdisc with it: no tc step', () => {
  const want = desired({ lossPct: 100 });
  const { live, state } = liveAfterApply(want, LAB);
  const p = plan(emptyTopology('testhost'), live, state as never);
  assert.ok(p.steps.length > 0);
  assert.deepEqual(tcLines(p), []);
});

test('Impair Link and Clear Impairment are operations: validated, worded like plan steps, one tc command', () => {
  const live = new TopologyBuilder().veth('a', 'x', 'b', 'y').topology;
  const set = operationPlan({ kind: 'set-impairment', namespace: 'a', interface: 'x', impairment: { delayUs: 600_000, lossPct: 1 } }, { topology: live });
  assert.deepEqual(set.steps.map((s) => s.description), ['impair x in a: delay 600ms, 1% loss']);
  assert.deepEqual(tcLines(set), ['a: tc qdisc replace dev x root netem delay 600000us loss 1%']);
  liveIface(live, 'a', 'x').impairment = { delayUs: 600_000, lossPct: 1 };
  const clear = operationPlan({ kind: 'clear-impairment', namespace: 'a', interface: 'x' }, { topology: live });
  assert.deepEqual(clear.steps.map((s) => s.description), ['clear the impairment of x in a (delay 600ms, 1% loss)']);
  assert.deepEqual(tcLines(clear), ['a: tc qdisc del dev x root']);
  const refused = (op: Parameters<typeof operationPlan>[0], pattern: RegExp) => assert.throws(() => operationPlan(op, { topology: live }), pattern);
  refused({ kind: 'set-impairment', namespace: 'a', interface: 'x', impairment: { lossPct: 150 } }, /over 100%/);
  refused({ kind: 'set-impairment', namespace: 'a', interface: 'x', impairment: {} }, /at least one setting/);
  refused({ kind: 'set-impairment', namespace: 'a', interface: 'nope', impairment: { lossPct: 1 } }, /no interface nope/);
  refused({ kind: 'clear-impairment', namespace: 'b', interface: 'y' }, /has no impairment/);
});

test('export writes the impairments it reads back, and the file plans to nothing against the same host', () => {
  const want = desired({ delayUs: 20_000, lossPct: 1 }, { rateBps: 10_000_000 });
  const { live, state } = liveAfterApply(want, LAB);
  liveIface(live, 'a', 'x').impairment = { delayUs: 20_000, lossPct: 0.99999999977 };
  const text = exportText(live, { name: LAB });
  assert.match(text, /veth a:x -- b:y \{\n {2}-> delay 20ms loss 1%\n {2}<- rate 10mbit\n\}/);
  const again = compileVnet(text).lab!.hosts[0].topology;
  assert.deepEqual(plan(again, live, state as never).steps.map((s) => s.description), []);
});

test('a desired impairment the language would refuse is refused by the planner too', () => {
  const want = desired({ lossPct: 150 });
  assert.throws(() => plan(want, emptyHost()), /The impairment of x in a: loss 150% is over 100%/);
  assert.doesNotThrow(() => plan(desired({ lossPct: 0 }), emptyHost()), 'an empty impairment is no impairment');
});
