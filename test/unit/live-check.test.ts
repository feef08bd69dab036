// The pure parts of a live check: the scripts it sends (quoted, bounded), where it listens, which route
// lookups it asks for, how it reads the sender's output, and its wording.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inNamespace, listenerScript, parseRouteGets, routeGetScript, senderScript } from '../../src/host/live-script';
import { kernelDeviceOf, landingOf, liveRoute, packetDestination, routeQueriesOf, wrongStepOf } from '../../src/host/live-path';
import { readSenderOutput } from '../../src/host/live-sender';
import { observedReachability } from '../../src/host/live-check';
import { EXIT, exitCodeFor } from '../../src/cli/exit-codes';
import { liveVerdictLine, renderLiveCheck, type LiveCheck } from '../../src/model/live-check';
import { emptyNamespace } from '../../src/model/topology';
import { trace } from '../../src/trace/index';
import { asLive, scenarioB } from './fixtures/scenario-topologies';

const b = () => asLive(scenarioB(), '192.168.1.2/24');
const hostsOf = (topology: ReturnType<typeof b>) => [{ name: topology.host, topology }];

test('commands run in a namespace through nsenter: by name, by path, or as they are in the root one', () => {
  assert.deepEqual(inNamespace(emptyNamespace('host', true), ['ip', 'route']), ['ip', 'route']);
  assert.deepEqual(inNamespace(emptyNamespace('red'), ['ip']), ['nsenter', '--net=/run/netns/red', '--', 'ip']);
  assert.deepEqual(inNamespace({ ...emptyNamespace('pid:42'), anonymous: true, path: 'pid:42' }, ['ip']), ['nsenter', '--net=/proc/42/ns/net', '--', 'ip']);
  assert.throws(() => inNamespace(emptyNamespace('../etc'), ['ip']), { code: 'VN-LIVE-NAMESPACE' });
  assert.throws(() => inNamespace({ ...emptyNamespace('x'), anonymous: true }, ['ip']), { code: 'VN-LIVE-NAMESPACE' });
});

test('a hostile namespace name is quoted, never pasted', () => {
  const script = senderScript(emptyNamespace("a'; reboot; '"), 'icmp', '10.0.0.1', null, null);
  assert.ok(script.includes(`'--net=/run/netns/a'\\''; reboot; '\\'''`), script);
  assert.throws(() => senderScript(emptyNamespace('red'), 'icmp', '10.0.0.1; reboot', null, null), { code: 'VN-LIVE-ADDRESS' });
});

test('the sender is bounded: ping counts and waits, the connector has a timeout, a source address binds', () => {
  const ping = senderScript(emptyNamespace('red'), 'icmp', '192.168.15.2', null, '192.168.15.1');
  assert.match(ping, /ping -n -c 3 -i 0\.5 -W 1 -I 192\.168\.15\.1 192\.168\.15\.2 2>&1; echo "vnet-live ping-exit \$\?"/);
  const tcp = senderScript(emptyNamespace('red'), 'tcp', '192.168.15.2', 80, null);
  assert.match(tcp, / tcp 192\.168\.15\.2 80 '' 5 5 2>&1\n$/);
  assert.throws(() => senderScript(emptyNamespace('red'), 'udp', '192.168.15.2', null, null), { code: 'VN-LIVE-PORT' });
});

test('the listener first asks ss whether something listens, then listens with an alarm', () => {
  const script = listenerScript(emptyNamespace('blue'), 'udp', 5353, 4, null);
  assert.match(script, /^if \[ -n "\$\(nsenter --net=\/run\/netns\/blue -- ss -H -lun 'sport = :5353' 2>\/dev\/null\)" \]; then echo vnet-live already; exit 0; fi$/m);
  assert.match(script, /exec nsenter --net=\/run\/netns\/blue -- perl -e '.*alarm \$wait.*' udp 0\.0\.0\.0 5353 20\n/s);
  assert.match(listenerScript(emptyNamespace('blue'), 'tcp', 80, 6, 'fd00::2'), / tcp :: 80 20\n/);
  // UDP answers from the address it was sent to: bound there when known.
  assert.match(listenerScript(emptyNamespace('blue'), 'udp', 53, 4, '192.168.15.2'), / udp 192\.168\.15\.2 53 20\n/);
  assert.throws(() => listenerScript(emptyNamespace('blue'), 'udp', 53, 4, '$(reboot)'), { code: 'VN-LIVE-ADDRESS' });
});

test('route lookups: one marked answer per query, missing ones said', () => {
  const ns = emptyNamespace('red');
  const script = routeGetScript([{ ns, destination: '10.0.0.1' }, { ns: emptyNamespace('host', true), destination: '10.0.0.2' }]);
  assert.equal(script, 'echo "vnet-live route 0"; nsenter --net=/run/netns/red -- ip route get 10.0.0.1 2>&1\necho "vnet-live route 1"; ip route get 10.0.0.2 2>&1\n');
  const out = 'vnet-live route 0\n10.0.0.1 dev veth-red src 10.0.0.9 uid 0 \n    cache \nvnet-live route 1\n';
  assert.deepEqual(parseRouteGets(out, 2), ['10.0.0.1 dev veth-red src 10.0.0.9 uid 0', 'no answer']);
  assert.deepEqual(['10.0.0.1 via 10.0.0.254 dev eth0 src 10.0.0.9', 'local 10.0.0.9 dev lo src 10.0.0.9', 'RTNETLINK answers: Network is unreachable', 'unreachable 10.0.0.1'].map(kernelDeviceOf), ['eth0', 'local', null, null]);
});

test('packet destinations: v4 with and without a port, v6 in brackets', () => {
  assert.deepEqual(packetDestination('tcp 10.0.1.26 → 172.16.0.102:80'), { address: '172.16.0.102', port: 80 });
  assert.deepEqual(packetDestination('icmp ? → 10.0.0.2'), { address: '10.0.0.2', port: null });
  assert.deepEqual(packetDestination('tcp [fd00::1]:5 → [fd00::2]:80'), { address: 'fd00::2', port: 80 });
  assert.deepEqual(packetDestination('icmp fd00::1 → fd00::2'), { address: 'fd00::2', port: null });
  assert.equal(packetDestination('nonsense'), null);
});

test('the listener waits where the trace lands after NAT: a published port lands in blue', () => {
  const topology = b();
  const published = trace(topology, { from: '192.168.1.3', to: '192.168.1.2', protocol: 'tcp', port: 80 });
  const landing = landingOf(published, hostsOf(topology));
  assert.deepEqual([landing?.ns.name, landing?.address, landing?.port], ['blue', '192.168.15.2', 80]);
  assert.equal(landingOf(trace(topology, { from: 'red', to: 'blue', protocol: 'icmp', port: null }), hostsOf(topology)), null);
});

test('a dropped request is listened for where it was headed', () => {
  const topology = b();
  topology.namespaces.find((n) => n.name === 'blue')!.interfaces.find((i) => i.name === 'veth-blue')!.state = 'down';
  const dropped = trace(topology, { from: 'red', to: '192.168.15.2', protocol: 'udp', port: 53 });
  assert.equal(dropped.reachable, false);
  const landing = landingOf(dropped, hostsOf(topology));
  assert.deepEqual([landing?.ns.name, landing?.port], ['blue', 53]);
});

test('route queries: the namespaces that route or receive, request then reply; a disagreement names the step', () => {
  const topology = b();
  const result = trace(topology, { from: 'red', to: 'blue', protocol: 'icmp', port: null });
  const queries = routeQueriesOf(result, hostsOf(topology));
  assert.deepEqual(queries.map((q) => [q.direction, q.ns.name, q.destination, q.modelDevice]), [
    ['request', 'red', '192.168.15.2', 'veth-red'], ['request', 'blue', '192.168.15.2', 'local'],
    ['reply', 'blue', '192.168.15.1', 'veth-blue'], ['reply', 'red', '192.168.15.1', 'local'],
  ]);
  const routes = [liveRoute(queries[0], 'RTNETLINK answers: Network is unreachable'), liveRoute(queries[1], 'local 192.168.15.2 dev lo')];
  assert.deepEqual(routes.map((r) => r.agrees), [false, true]);
  assert.match(wrongStepOf(result, routes, false), /^The model's route step is wrong in red \(request\): for 192\.168\.15\.2 the model sends it out veth-red \(by 192\.168\.15\.0\/24 dev veth-red\), the kernel has no route/);
  assert.match(wrongStepOf(result, [routes[1]], false), /^Every route lookup on the path agrees with the kernel, so something the model does not see/);
});

test('the sender\'s output: ping counts, tcp and udp outcomes; a missing tool is an error', () => {
  const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
  assert.deepEqual(readSenderOutput('icmp', ok('2 packets transmitted, 1 received, 50% packet loss\nvnet-live ping-exit 0\n')), { reachable: true, evidence: 'ping: 1 of 2 answered', silent: false });
  assert.deepEqual(readSenderOutput('icmp', ok('2 packets transmitted, 0 received, 100% packet loss\nvnet-live ping-exit 1\n')).reachable, false);
  assert.equal(readSenderOutput('icmp', ok('ping: connect: Network is unreachable\nvnet-live ping-exit 2\n')).evidence, 'ping: connect: Network is unreachable');
  assert.equal(readSenderOutput('tcp', ok('vnet-live connected\n')).reachable, true);
  assert.deepEqual(readSenderOutput('tcp', ok('vnet-live failed Connection refused\n')), { reachable: false, evidence: 'tcp: Connection refused', silent: false });
  assert.equal(readSenderOutput('udp', ok('vnet-live answered\n')).evidence, 'udp: answered');
  assert.deepEqual(readSenderOutput('udp', ok('vnet-live no-answer\n')), { reachable: false, evidence: 'udp: no answer within 5 s', silent: true });
  assert.throws(() => readSenderOutput('tcp', { stdout: '', stderr: 'sh: perl: not found', exitCode: 127 }), { code: 'VN-LIVE-TOOL', message: /perl: not found/ });
});

function check(more: Partial<LiveCheck>): LiveCheck {
  return {
    sent: true, notSent: null, from: { host: 'h', namespace: 'red' }, protocol: 'tcp', to: { address: '10.0.0.2', port: 80 },
    listener: { state: 'started', host: 'h', namespace: 'blue', port: 80 }, reachable: true,
    landedOn: { host: 'h', namespace: 'blue', address: '10.0.0.2', port: 80 }, evidence: 'tcp: connected', predicted: true,
    agrees: true, routes: [], wrongStep: null, ...more,
  };
}

test('the wording: what was sent, where it landed, and whether it agrees', () => {
  assert.equal(renderLiveCheck(check({})), 'live check:\n  sent tcp from red to 10.0.0.2:80\n  VNet listened on tcp 80 in blue\n  landed in blue at 10.0.0.2:80\nlive: reachable (tcp: connected), as predicted\n');
  assert.equal(liveVerdictLine(check({ reachable: false, agrees: false, evidence: 'tcp: Connection timed out' })), 'live: not reachable (tcp: Connection timed out), but the trace predicted reachable');
  assert.equal(liveVerdictLine(check({ sent: false, notSent: '10.9.9.9 is outside the host' })), 'live: not sent: 10.9.9.9 is outside the host');
  assert.equal(liveVerdictLine(check({ reachable: null, agrees: null, evidence: 'udp: no answer' })), 'live: cannot tell (udp: no answer), so it cannot be compared with the prediction');
});

test('without VNet\'s own listener, silence or a reset cannot be told from a blocked path', () => {
  const refused = { reachable: false, evidence: 'tcp: Connection refused', silent: false };
  const silent = { reachable: false, evidence: 'udp: no answer within 5 s', silent: true };
  // VNet listened: a refusal or silence is the path's doing.
  assert.deepEqual(observedReachability('tcp', refused, 'started'), { reachable: false, evidence: 'tcp: Connection refused' });
  assert.equal(observedReachability('udp', silent, 'started').reachable, false);
  // Something else holds the UDP port and need not answer; a TCP refusal there is still a refusal.
  assert.equal(observedReachability('udp', silent, 'already').reachable, null);
  assert.equal(observedReachability('tcp', refused, 'already').reachable, false);
  // An address outside the host: no listener of VNet's can be there.
  assert.deepEqual(observedReachability('tcp', refused, null), { reachable: null, evidence: 'tcp: Connection refused, and VNet cannot listen at an address outside the host to tell a closed port from a blocked path' });
  assert.equal(observedReachability('tcp', { reachable: false, evidence: 'tcp: Connection timed out', silent: false }, null).reachable, false);
  assert.equal(observedReachability('tcp', { reachable: true, evidence: 'tcp: connected', silent: false }, null).reachable, true);
  assert.equal(observedReachability('icmp', { reachable: false, evidence: 'ping: 0 of 2 answered', silent: true }, null).reachable, false);
});

test('a host that lacks a tool of the live check exits as a missing tool', () => {
  assert.equal(exitCodeFor('VN-LIVE-TOOL'), EXIT.missingTool);
  assert.equal(exitCodeFor('VN-LIVE-LISTENER'), EXIT.failure);
});
