import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff } from '../../src/plan/diff';
import { render } from '../../src/plan/render';
import { parseOutcome } from '../../src/plan/outcome';
import type { Plan } from '../../src/plan/plan';
import { desiredScenarioA, desiredScenarioH, emptyHost, liveAfterApply, TopologyBuilder } from './plan-fixtures';

function planA(lab = 'a'): Plan {
  return diff({ lab, desired: desiredScenarioA(), live: emptyHost(), state: { lab, records: [] }, stateText: null });
}

test('one ip -batch for the root namespace and one nsenter ip -batch per namespace', () => {
  const { text, phases } = render(planA());
  assert.equal((text.match(/^ip -batch - <</gm) ?? []).length, 1);
  assert.equal((text.match(/^nsenter --net=\/run\/netns\/netns\d ip -batch - <</gm) ?? []).length, 3);
  assert.doesNotMatch(text, /ip -n |ip netns exec/);
  assert.deepEqual(phases.map((p) => `${p.kind}:${p.namespace}`), [
    'ip-batch:host', 'ip-batch:netns1', 'ip-batch:netns2', 'ip-batch:netns3', 'forwarding:host', 'iptables:host',
  ]);
  // Every step runs in exactly one phase, in order.
  assert.deepEqual(phases.flatMap((p) => p.steps), [...Array(planA().steps.length).keys()]);
});

test('the script takes the host lock, checks the state file, and tests NAT before changing anything', () => {
  const { text } = render(planA());
  const lock = text.indexOf('flock -n 9');
  const stale = text.indexOf('vnet:stale');
  const test = text.indexOf('iptables-restore --test --noflush');
  const firstChange = text.indexOf('ip -batch -');
  assert.ok(lock > 0 && lock < stale && stale < test && test < firstChange, text);
  assert.match(text, /^\[ ! -e "\$VNET_STATE" \]/m, 'no state file was there when planning');
  assert.match(text, /VNET_STATE=\/run\/vnet\/a\.jsonl/);
});

test('a lab whose state file existed refuses to run when the file changed since', () => {
  const { live, state } = liveAfterApply(desiredScenarioA(), 'a');
  const plan = diff({ lab: 'a', desired: desiredScenarioH(), live, state, stateText: '{"kind":"lab"}\n{"kind":"namespace","name":"netns1"}\n' });
  const { text } = render(plan);
  assert.ok(text.includes(`[ "$(cat "$VNET_STATE" 2>/dev/null)" = '{"kind":"lab"}\n{"kind":"namespace","name":"netns1"}' ]`), text);
});

test('claims are written before the phase that creates, releases after the phase that removes', () => {
  const { text } = render(planA());
  const claim = text.indexOf(`[ -e /run/netns/netns1 ] || printf '%s\\n' '{"kind":"namespace","name":"netns1"}'`);
  const create = text.indexOf('netns add netns1');
  assert.ok(claim > 0 && claim < create);

  const { live, state } = liveAfterApply(desiredScenarioA(), 'a');
  const destroy = diff({ lab: 'a', desired: new TopologyBuilder().topology, live, state, stateText: 'x' });
  const script = render(destroy).text;
  const del = script.indexOf('netns del netns1');
  const release = script.indexOf(`'{"kind":"namespace","name":"netns1","released":true}'`);
  assert.ok(del > 0 && release > del, script);
  assert.match(script, /rm -f "\$VNET_STATE"/, 'destroy leaves no state file');
});

test('names are quoted for each tool; a token ip -batch cannot carry runs as its own process', () => {
  const b = new TopologyBuilder();
  b.ns("it's mine");
  b.veth('host', 'odd"name', "it's mine", 'x#y', {}, { addresses: ['10.0.0.1/24'] });
  b.ns('plain');
  b.bridge('plain', `q'"`);
  const plan = diff({ lab: 'q', desired: b.topology, live: emptyHost(), state: { lab: 'q', records: [] }, stateText: null });
  const { text, phases } = render(plan);
  assert.ok(text.includes(`netns add "it's mine"`), 'a namespace name with a quote goes into the batch in double quotes');
  assert.ok(text.includes(`nsenter '--net=/run/netns/it'\\''s mine' ip link set dev 'x#y' alias vnet:q up`), 'and is shell-quoted for nsenter');
  // iproute2 cuts batch lines at "#", quoted or not: such a name runs as its own process too.
  assert.ok(text.includes(`ip link add name 'odd"name' type veth peer name 'x#y' netns 'it'\\''s mine' || vnet_fail`), text);
  // Both kinds of quote in one token: ip -batch cannot carry it, so it runs as `ip …` with sh quoting.
  assert.ok(text.includes(`ip link add name 'q'\\''"' netns plain type bridge || vnet_fail`), text);
  assert.ok(phases.some((p) => p.kind === 'ip'));
});

test('the outcome of a failed batch names the step and keeps the host\'s own words', () => {
  const plan = planA();
  const rendered = render(plan);
  const netns2 = rendered.phases.find((p) => p.namespace === 'netns2')!;
  const result = {
    stdout: 'vnet:begin\nvnet:check 6\nvnet:phase 1\nvnet:done 1\nvnet:phase 2\nvnet:done 2\nvnet:phase 3\nvnet:fail 3 1\n',
    stderr: 'vnet:phase 6\nvnet:phase 1\nvnet:phase 2\nvnet:phase 3\nRTNETLINK answers: File exists\nCommand failed -:2\n',
    exitCode: 1,
  };
  const outcome = parseOutcome(rendered, result);
  assert.equal(outcome.kind, 'step-failed');
  assert.equal(outcome.failure!.step, netns2.lineSteps[1]);
  assert.equal(plan.steps[outcome.failure!.step!].description, 'add address 172.16.0.102/24 to veth2-peer in netns2');
  assert.equal(outcome.failure!.hostError, 'RTNETLINK answers: File exists');
  assert.equal(outcome.completed.length, rendered.phases[0].steps.length + rendered.phases[1].steps.length);
  assert.equal(outcome.failure!.check, false);
});

test('the outcome of a failed NAT check says nothing changed in that phase', () => {
  const rendered = render(planA());
  const result = {
    stdout: 'vnet:begin\nvnet:check 6\nvnet:fail 6 2\n',
    stderr: 'vnet:phase 6\niptables-restore v1.8.9 (nf_tables): unknown option "--bogus"\nError occurred at line: 3\nTry `iptables-restore -h\' or \'iptables-restore --help\' for more information.\n',
    exitCode: 1,
  };
  const outcome = parseOutcome(rendered, result);
  assert.equal(outcome.kind, 'step-failed');
  assert.equal(outcome.failure!.check, true);
  assert.equal(outcome.completed.length, 0);
  assert.equal(outcome.failure!.hostError, 'iptables-restore v1.8.9 (nf_tables): unknown option "--bogus"');
  const nat = rendered.phases.find((p) => p.kind === 'iptables')!;
  assert.equal(outcome.failure!.step, nat.lineSteps[2]);
});

test('a script cut short without a failure marker is an interruption; the lock and stale markers are told apart', () => {
  const rendered = render(planA());
  assert.equal(parseOutcome(rendered, { stdout: 'vnet:begin\nvnet:phase 1\nvnet:done 1\nvnet:phase 2\n', stderr: '', exitCode: 255 }).kind, 'interrupted');
  assert.equal(parseOutcome(rendered, { stdout: 'vnet:stale\n', stderr: '', exitCode: 4 }).kind, 'stale');
  const waited = parseOutcome(rendered, { stdout: 'vnet:lock-wait\nvnet:lock-timeout\n', stderr: '', exitCode: 3 });
  assert.equal(waited.kind, 'lock-timeout');
  assert.equal(waited.waitedForLock, true);
  const missing = parseOutcome(rendered, { stdout: 'vnet:missing nsenter\n', stderr: '', exitCode: 2 });
  assert.equal(missing.kind, 'missing-tool');
  assert.equal(missing.missingTool, 'nsenter');
});

test('a namespace deleted and an interface of its veth\'s name made again: the new one waits for the old to go', () => {
  const { live, state } = liveAfterApply(desiredScenarioA(), 'a');
  // netns1 goes; veth1 (its pair's host end) now pairs with an end in a new namespace netns9.
  const desired = desiredScenarioA();
  desired.namespaces = desired.namespaces.filter((n) => n.name !== 'netns1');
  const b = new TopologyBuilder();
  b.ns('netns9');
  b.veth('netns9', 'veth9', 'host', 'veth1');
  desired.namespaces.push(b.ns('netns9'));
  const root = desired.namespaces.find((n) => n.root)!;
  root.interfaces = root.interfaces.filter((i) => i.name !== 'veth1');
  root.interfaces.push(b.ns('host').interfaces.find((i) => i.name === 'veth1')!);
  const plan = diff({ lab: 'a', desired, live, state, stateText: 'x' });
  const { text } = render(plan);
  const del = text.indexOf('netns del netns1');
  const wait = text.indexOf('vnet_gone veth1 ||');
  const create = text.indexOf('link add name veth1 type veth peer name veth9 netns netns9');
  assert.ok(del > 0 && del < wait && wait < create, text);
});
