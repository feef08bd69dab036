import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diff } from '../../src/plan/diff';
import type { Plan } from '../../src/plan/plan';
import { planChangesHost } from '../../src/plan/plan';
import { emptyTopology, type Topology } from '../../src/model/topology';
import type { LabState } from '../../src/model/lab-state';
import { desiredScenarioA, desiredScenarioH, emptyHost, liveAfterApply, TopologyBuilder } from './plan-fixtures';

const noState = (lab: string): LabState => ({ lab, records: [] });

function planFor(desired: Topology, live: Topology, state: LabState, adopt: string[] = []): Plan {
  return diff({ lab: state.lab, desired, live, state, adopt });
}

const descriptions = (plan: Plan) => plan.steps.map((s) => s.description);
const ipLines = (plan: Plan) => plan.steps.flatMap((s) => s.commands.flatMap((c) => (c.tool === 'ip' ? [`${c.namespace}: ${c.args.join(' ')}`] : [])));

test('scenario A on an empty host: namespaces first, then links, then settings, forwarding and NAT', () => {
  const plan = planFor(desiredScenarioA(), emptyHost(), noState('a'));
  assert.deepEqual(plan.conflicts, []);
  assert.deepEqual(descriptions(plan), [
    'create namespace netns1',
    'create namespace netns2',
    'create namespace netns3',
    'create bridge br0 in host',
    'create veth pair veth1 (host) -- veth1-peer (netns1)',
    'create veth pair veth2 (host) -- veth2-peer (netns2)',
    'create veth pair veth3 (host) -- veth3-peer (netns3)',
    'bring up br0 in host',
    'bring up veth1 in host',
    'set veth2 in host: attach to bridge br0, up',
    'set veth3 in host: attach to bridge br0, up',
    'add address 172.16.0.1/24 to veth1 in host',
    'add address 172.16.0.100/24 to br0 in host',
    'bring up veth1-peer in netns1',
    'add address 172.16.0.2/24 to veth1-peer in netns1',
    'bring up veth2-peer in netns2',
    'add address 172.16.0.102/24 to veth2-peer in netns2',
    'add route default via 172.16.0.100 in netns2',
    'bring up veth3-peer in netns3',
    'add address 172.16.0.103/24 to veth3-peer in netns3',
    'turn forwarding on in host',
    'add NAT rule in host: -A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE',
    'add NAT rule in host: -A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80',
  ]);
  // Each veth is created from the root namespace with its ends placed directly where they belong.
  assert.ok(ipLines(plan).includes('host: link add name veth2 type veth peer name veth2-peer netns netns2'));
  assert.ok(ipLines(plan).includes('host: link set dev veth1 alias vnet:a up'));
  // The ends inside namespaces are marked as they come up.
  assert.ok(ipLines(plan).includes('netns1: link set dev veth1-peer alias vnet:a up'));
  // Every NAT rule carries the lab's mark.
  const nat = plan.steps.flatMap((s) => s.commands).filter((c) => c.tool === 'iptables');
  assert.equal(nat.length, 2);
  for (const command of nat) assert.ok(command.tool === 'iptables' && command.args.join(' ').includes('--comment vnet:a'));
  // What the lab owns afterwards: the namespaces, the root interfaces, and the forwarding switch it flipped.
  const kinds = plan.finalState.records.map((r) => r.kind).sort();
  assert.deepEqual(kinds, ['forwarding', 'interface', 'interface', 'interface', 'interface', 'namespace', 'namespace', 'namespace']);
});

test('a second plan after apply is empty, for every shape of lab', () => {
  for (const desired of [desiredScenarioA(), desiredScenarioH()]) {
    const { live, state } = liveAfterApply(desired, 'lab1');
    const plan = planFor(desired, live, state);
    assert.deepEqual(descriptions(plan), []);
    assert.deepEqual(plan.conflicts, []);
    // Nor would it rewrite the state file: every record the lab holds is kept (a bridge in host too).
    assert.equal(planChangesHost(plan, state), false, JSON.stringify({ state: state.records, final: plan.finalState.records }));
  }
});

test('a new namespace\'s lo is brought up when the file says so', () => {
  const plan = planFor(desiredScenarioH(), emptyHost(), noState('h'));
  assert.ok(descriptions(plan).includes('bring up lo in myns'), descriptions(plan).join('\n'));
  assert.ok(ipLines(plan).includes('myns: link set dev lo up'), 'lo gets no mark: the namespace carries it');
});

test('a veth between two namespaces is created from the root namespace, straight into both', () => {
  const b = new TopologyBuilder();
  b.ns('ns1'); b.ns('ns2');
  b.veth('ns1', 'veth-ns1', 'ns2', 'veth-ns2', { addresses: ['192.168.1.1/24'] }, { addresses: ['192.168.1.2/24'] });
  const plan = planFor(b.topology, emptyHost(), noState('d'));
  assert.ok(ipLines(plan).includes('host: link add name veth-ns1 netns ns1 type veth peer name veth-ns2 netns ns2'));
});

test('edits give the minimal plan', () => {
  const before = desiredScenarioA();
  const { live, state } = liveAfterApply(before, 'a');

  const more = desiredScenarioA();
  more.namespaces.push({ name: 'netns4', root: false, forwarding: false, interfaces: [], routes: [], nat: [], natChains: [], forwardPolicy: null });
  assert.deepEqual(descriptions(planFor(more, live, state)), ['create namespace netns4']);

  const moved = desiredScenarioA();
  moved.namespaces.find((n) => n.name === 'netns3')!.interfaces[0].addresses = ['172.16.0.113/24'];
  assert.deepEqual(descriptions(planFor(moved, live, state)), [
    'remove address 172.16.0.103/24 from veth3-peer in netns3',
    'add address 172.16.0.113/24 to veth3-peer in netns3',
  ]);

  const fewer = desiredScenarioA();
  fewer.namespaces[0].nat.splice(0, 1);
  const plan = planFor(fewer, live, state);
  assert.deepEqual(descriptions(plan), ['remove NAT rule in host: -A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE']);
  assert.equal(plan.steps[0].stage, 'nat-remove');
  const del = plan.steps[0].commands[0];
  assert.ok(del.tool === 'iptables');
  assert.deepEqual(del.args.slice(0, 2), ['-D', 'POSTROUTING']);
  assert.ok(del.args.includes('vnet:a'), 'deletes the exact rule, mark included');
});

test('destroy removes only what the lab owns and gives back the forwarding switch', () => {
  const { live, state } = liveAfterApply(desiredScenarioA(), 'a');
  // Someone else's namespace and NAT rule, made by hand before the lab.
  const handMade = new TopologyBuilder();
  handMade.ns('handmade');
  live.namespaces.push({ ...handMade.ns('handmade'), forwardPolicy: 'ACCEPT' });
  live.namespaces[0].nat.push(...new TopologyBuilder().nat('host', '-A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE').topology.namespaces[0].nat);

  const plan = planFor(emptyTopology('testhost'), live, state);
  assert.deepEqual(plan.conflicts, []);
  const text = descriptions(plan);
  assert.ok(!text.some((d) => d.includes('handmade') || d.includes('10.9.0.0')), text.join('\n'));
  assert.deepEqual(text, [
    'remove NAT rule in host: -A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE',
    'remove NAT rule in host: -A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80',
    'delete bridge br0 in host',
    'delete namespace netns1 with its veth pair veth1-peer -- veth1',
    'delete namespace netns2 with its veth pair veth2-peer -- veth2',
    'delete namespace netns3 with its veth pair veth3-peer -- veth3',
    'restore forwarding off in host',
  ]);
  // The veths go with their namespaces, which the kernel frees in one batch; the script waits for
  // their root ends to be gone rather than deleting each.
  assert.ok(!ipLines(plan).some((l) => l.includes('link del dev veth')));
  const waits = plan.steps.flatMap((s) => s.commands).filter((c) => c.tool === 'await-gone').map((c) => c.tool === 'await-gone' && c.interface);
  assert.deepEqual(waits, ['veth1', 'veth2', 'veth3']);
  assert.deepEqual(plan.finalState.records, []);
});

test('an element someone else made is a conflict that names how to adopt it', () => {
  const live = emptyHost();
  live.namespaces.push({ ...new TopologyBuilder().ns('netns1'), forwardPolicy: 'ACCEPT' });
  const plan = planFor(desiredScenarioA(), live, noState('a'));
  assert.equal(plan.conflicts.length, 1);
  assert.equal(plan.conflicts[0].element, 'namespace netns1');
  assert.equal(plan.conflicts[0].adopt, 'netns1');
  assert.match(plan.conflicts[0].reason, /did not create it/);

  const adopted = planFor(desiredScenarioA(), live, noState('a'), ['netns1']);
  assert.deepEqual(adopted.conflicts, []);
  assert.ok(descriptions(adopted).includes('adopt namespace netns1'));
  assert.ok(!descriptions(adopted).includes('create namespace netns1'));
  assert.ok(adopted.finalState.records.some((r) => r.kind === 'namespace' && r.name === 'netns1'));
});

test('the hand-built network of scenario H is adopted rule by rule with --adopt all', () => {
  const desired = desiredScenarioH();
  const { live } = liveAfterApply(desired, 'x');
  // Strip every mark: this is what the tutorial's commands leave.
  for (const ns of live.namespaces) {
    for (const iface of ns.interfaces) iface.owner = null;
    for (const rule of ns.nat) { rule.owner = null; rule.comment = null; }
  }
  const refused = planFor(desired, live, noState('h'));
  const elements = refused.conflicts.map((c) => c.element);
  assert.ok(elements.includes('namespace myns'));
  assert.ok(elements.includes('interface cni0 in host'));
  assert.ok(elements.includes('NAT chain chain-myns in host'));
  assert.ok(elements.includes('NAT rule in host: -A POSTROUTING -s 10.85.0.254/32 -j chain-myns'));

  const plan = planFor(desired, live, noState('h'), ['all']);
  assert.deepEqual(plan.conflicts, []);
  const nat = plan.steps.flatMap((s) => s.commands).flatMap((c) => (c.tool === 'iptables' ? [c.args.join(' ')] : []));
  assert.ok(nat.includes('-R POSTROUTING 1 -s 10.85.0.254/32 -m comment --comment vnet:h -j chain-myns'), nat.join('\n'));
  assert.ok(!plan.steps.some((s) => s.action === 'delete'), 'adoption deletes nothing');
});

test('a partial apply converges: a pair made but not configured, an address missing', () => {
  const desired = desiredScenarioA();
  const { live, state } = liveAfterApply(desired, 'a');
  const netns2 = live.namespaces.find((n) => n.name === 'netns2')!;
  netns2.interfaces.find((i) => i.name === 'veth2-peer')!.state = 'down';
  netns2.interfaces.find((i) => i.name === 'veth2-peer')!.addresses = [];
  netns2.routes = [];
  live.namespaces[0].interfaces.find((i) => i.name === 'veth1')!.owner = null; // killed before its alias was set
  assert.deepEqual(descriptions(planFor(desired, live, state)), [
    'mark veth1 in host as lab a\'s',
    'bring up veth2-peer in netns2',
    'add address 172.16.0.102/24 to veth2-peer in netns2',
    'add route default via 172.16.0.100 in netns2',
  ]);
});

test('a veth end left in the wrong namespace is deleted and the pair made again', () => {
  const desired = desiredScenarioA();
  const { live, state } = liveAfterApply(desired, 'a');
  // veth3-peer is still in the root namespace (the tutorial's "created but not moved").
  const root = live.namespaces[0];
  const netns3 = live.namespaces.find((n) => n.name === 'netns3')!;
  const end = netns3.interfaces.splice(netns3.interfaces.findIndex((i) => i.name === 'veth3-peer'), 1)[0];
  root.interfaces.push({ ...end, addresses: [] });
  root.interfaces.find((i) => i.name === 'veth3')!.peer = { namespace: 'host', interface: 'veth3-peer' };
  state.records.push({ kind: 'interface', namespace: 'host', name: 'veth3-peer' });
  assert.deepEqual(descriptions(planFor(desired, live, state)), [
    'delete veth pair veth3 (host) -- veth3-peer (host)',
    'create veth pair veth3 (host) -- veth3-peer (netns3)',
    'set veth3 in host: attach to bridge br0, up',
    'bring up veth3-peer in netns3',
    'add address 172.16.0.103/24 to veth3-peer in netns3',
  ]);
});

test('what the kernel made is never planned: lo addresses, link-local, connected routes', () => {
  const desired = desiredScenarioH();
  const { live, state } = liveAfterApply(desired, 'h');
  const myns = live.namespaces.find((n) => n.name === 'myns')!;
  myns.routes.push({ to: 'fe80::/64', via: null, dev: 'myveth-myns' }); // no protocol given: recognised by shape
  myns.routes.push({ to: '10.85.0.0/16', via: null, dev: 'myveth-myns' });
  assert.deepEqual(descriptions(planFor(desired, live, state)), []);
});

test('routes on the host: added ones are claimed, another\'s route to the same place is a conflict', () => {
  const b = new TopologyBuilder();
  b.route('host', '192.168.2.0/24', '10.0.1.16');
  const desired = b.topology;
  const added = planFor(desired, emptyHost(), noState('g'));
  assert.deepEqual(descriptions(added), ['add route 192.168.2.0/24 via 10.0.1.16 in host']);
  assert.deepEqual(added.finalState.records, [{ kind: 'route', namespace: 'host', to: '192.168.2.0/24', via: '10.0.1.16', dev: null }]);

  const live = emptyHost();
  live.namespaces[0].routes.push({ to: '192.168.2.0/24', via: '10.0.1.99', dev: 'eth0', protocol: 'boot' });
  const clash = planFor(desired, live, noState('g'));
  assert.equal(clash.conflicts.length, 1);
  assert.equal(clash.conflicts[0].adopt, 'route:host:192.168.2.0/24');

  // The same route made by hand satisfies the file, and is not claimed: destroy will leave it.
  const same = emptyHost();
  same.namespaces[0].routes.push({ to: '192.168.2.0/24', via: '10.0.1.16', dev: 'eth0', protocol: 'boot' });
  const satisfied = planFor(desired, same, noState('g'));
  assert.deepEqual(descriptions(satisfied), []);
  assert.deepEqual(satisfied.finalState.records, []);
  // A route the lab does not own and the file does not mention is left alone.
  const other = emptyHost();
  other.namespaces[0].routes.push({ to: '10.7.0.0/16', via: '10.0.1.1', dev: 'eth0', protocol: 'boot' });
  assert.deepEqual(descriptions(planFor(emptyTopology('x'), other, noState('g'))), []);
});

test('NAT rules keep the file\'s order without moving anyone else\'s rules', () => {
  const b = new TopologyBuilder();
  b.nat('host', '-A POSTROUTING -s 10.1.0.0/24 -j MASQUERADE');
  b.nat('host', '-A POSTROUTING -s 10.2.0.0/24 -j MASQUERADE');
  b.nat('host', '-A POSTROUTING -s 10.3.0.0/24 -j MASQUERADE');
  const desired = b.topology;
  const live = emptyHost();
  const rules = new TopologyBuilder()
    .nat('host', '-A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE') // someone else's
    .nat('host', '-A POSTROUTING -s 10.1.0.0/24 -m comment --comment vnet:n -j MASQUERADE')
    .nat('host', '-A POSTROUTING -s 10.3.0.0/24 -m comment --comment vnet:n -j MASQUERADE')
    .topology.namespaces[0].nat;
  live.namespaces[0].nat = rules;
  const plan = planFor(desired, live, noState('n'));
  const nat = plan.steps.flatMap((s) => s.commands).flatMap((c) => (c.tool === 'iptables' ? [c.args.join(' ')] : []));
  // The missing middle rule goes between the lab's two, at position 3 (after someone else's first rule).
  assert.deepEqual(nat, ['-I POSTROUTING 3 -s 10.2.0.0/24 -m comment --comment vnet:n -j MASQUERADE']);
});

test('a user chain is created before the rules that jump to it, and deleted after them', () => {
  const desired = desiredScenarioH();
  const plan = planFor(desired, emptyHost(), noState('h'));
  const nat = plan.steps.flatMap((s) => s.commands).flatMap((c) => (c.tool === 'iptables' ? [c.args.slice(0, 2).join(' ')] : []));
  assert.deepEqual(nat, ['-N chain-myns', '-A chain-myns', '-A chain-myns', '-A POSTROUTING']);

  const { live, state } = liveAfterApply(desired, 'h');
  const gone = planFor(emptyTopology('x'), live, state);
  const removal = gone.steps.flatMap((s) => s.commands).flatMap((c) => (c.tool === 'iptables' ? [c.args.slice(0, 2).join(' ')] : []));
  assert.deepEqual(removal, ['-D POSTROUTING', '-F chain-myns', '-X chain-myns']);
});

test('names that cannot reach a host safely are refused before planning', () => {
  const b = new TopologyBuilder();
  b.ns('host');
  const bad = new TopologyBuilder();
  bad.ns('ok');
  bad.topology.namespaces[1].name = 'a/b';
  assert.throws(() => planFor(bad.topology, emptyHost(), noState('x')), /cannot be "\." or "\.\."|contain "\/"/);
  const long = new TopologyBuilder();
  long.bridge('host', 'a-very-long-bridge-name');
  assert.throws(() => planFor(long.topology, emptyHost(), noState('x')), /at most 15/);
  assert.throws(() => planFor(emptyTopology('x'), emptyHost(), noState('bad lab')), /Lab name/);
});

test('two labs that both want forwarding on: the last to go puts back the value from before the first', () => {
  const wantsForwarding = () => new TopologyBuilder().forwarding('host').topology;
  const host = emptyHost();
  const first = planFor(wantsForwarding(), host, noState('b'));
  assert.deepEqual(descriptions(first), ['turn forwarding on in host']);
  assert.deepEqual(first.finalState.records, [{ kind: 'forwarding', namespace: 'host', previous: false }]);

  // Lab c comes second, finds forwarding on, and inherits b's "before" value.
  host.namespaces[0].forwarding = true;
  const second = diff({ lab: 'c', desired: wantsForwarding(), live: host, state: noState('c'), others: [first.finalState] });
  assert.deepEqual(descriptions(second), []);
  assert.deepEqual(second.finalState.records, [{ kind: 'forwarding', namespace: 'host', previous: false }]);

  // b goes first: c still wants it, so it stays on.
  const goB = diff({ lab: 'b', desired: emptyTopology('x'), live: host, state: first.finalState, others: [second.finalState] });
  assert.deepEqual(descriptions(goB), ['leave forwarding on in host (lab c wants it too)']);
  assert.ok(!goB.steps[0].commands.some((c) => c.tool === 'forwarding'));
  // Then c, the last: back to off.
  const goC = diff({ lab: 'c', desired: emptyTopology('x'), live: host, state: second.finalState, others: [] });
  assert.deepEqual(descriptions(goC), ['restore forwarding off in host']);
});

test('another lab\'s namespace is named as its owner in the conflict', () => {
  const live = emptyHost();
  live.namespaces.push({ ...new TopologyBuilder().ns('netns1'), forwardPolicy: 'ACCEPT' });
  const plan = diff({ lab: 'a', desired: desiredScenarioA(), live, state: noState('a'), others: [{ lab: 'zz', records: [{ kind: 'namespace', name: 'netns1' }] }] });
  assert.equal(plan.conflicts[0].reason, 'lab "zz" owns it');
});

test('a name the kernel gives another interface as an alternative name is a conflict no adoption fixes', () => {
  const live = emptyHost();
  live.namespaces[0].interfaces.find((i) => i.name === 'eth0')!.altNames = ['br0'];
  const plan = planFor(desiredScenarioA(), live, noState('a'));
  assert.equal(plan.conflicts.length, 1);
  assert.equal(plan.conflicts[0].adopt, null);
  assert.match(plan.conflicts[0].reason, /alternative name of interface eth0/);
  assert.ok(!descriptions(plan).includes('create bridge br0 in host'));
});
