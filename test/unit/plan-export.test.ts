import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileVnet } from '../../src/language/index';
import { diff } from '../../src/plan/diff';
import { exportText, labNameFor } from '../../src/plan/export';
import type { Topology } from '../../src/model/topology';
import { desiredScenarioA, desiredScenarioH, emptyHost, liveAfterApply, TopologyBuilder } from './plan-fixtures';
import { cniHost, dockerHost, firewalldHost } from './fixtures/firewall-hosts';

function compile(text: string): Topology {
  const result = compileVnet(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((e) => e.message), [], text);
  return result.lab!.hosts[0].topology;
}

test('the export of an applied lab plans to nothing against the same host', () => {
  for (const desired of [desiredScenarioA(), desiredScenarioH()]) {
    const { live, state } = liveAfterApply(desired, 'x');
    const text = exportText(live, { name: 'x' });
    const again = compile(text);
    const plan = diff({ lab: 'x', desired: again, live, state });
    assert.deepEqual(plan.steps.map((s) => s.description), [], text);
    assert.deepEqual(plan.conflicts, []);
  }
});

test('the export leaves out the host\'s own interfaces, default route and anonymous namespaces, and says so', () => {
  const { live } = liveAfterApply(desiredScenarioA(), 'x');
  live.namespaces[0].routes.push({ to: 'default', via: '10.0.1.1', dev: 'eth0', protocol: 'dhcp' });
  live.namespaces.push({ ...new TopologyBuilder().ns('docker-1234'), anonymous: true, path: '/run/docker/netns/1234', forwardPolicy: 'ACCEPT' });
  const text = exportText(live);
  assert.match(text, /^# Left out:$/m);
  assert.match(text, /interface eth0 \(10\.0\.1\.48\/24\): the host's own/);
  assert.match(text, /route default via 10\.0\.1\.1 dev eth0: the host's own default route/);
  assert.match(text, /namespace docker-1234 \(\/run\/docker\/netns\/1234\)/);
  assert.doesNotMatch(text.split('\n').filter((l) => !l.startsWith('#')).join('\n'), /eth0|docker|vnet:x/);
  assert.match(text, /^lab testhost$/m);
});

test('a route over the host\'s LAN keeps its gateway and loses the interface the file cannot name', () => {
  const b = new TopologyBuilder();
  b.bridge('host', 'br0', { addresses: ['192.168.1.1/24'] });
  b.route('host', '192.168.2.0/24', '10.0.2.16', 'eth0');
  const live = emptyHost();
  live.namespaces[0].interfaces.push(...b.topology.namespaces[0].interfaces);
  live.namespaces[0].routes.push({ to: '192.168.2.0/24', via: '10.0.2.16', dev: 'eth0', protocol: 'boot' });
  const desired = compile(exportText(live, { name: 'g' }));
  assert.deepEqual(desired.namespaces[0].routes, [{ to: '192.168.2.0/24', via: '10.0.2.16', dev: null }]);
});

test('--lab exports only what that lab owns', () => {
  const { live, state } = liveAfterApply(desiredScenarioH(), 'h');
  const other = new TopologyBuilder();
  live.namespaces.push({ ...other.ns('someone-else'), forwardPolicy: 'ACCEPT' });
  live.namespaces[0].nat.push(...new TopologyBuilder().nat('host', '-A POSTROUTING -s 10.9.0.0/24 -j MASQUERADE').topology.namespaces[0].nat);
  const text = exportText(live, { lab: 'h', state });
  assert.doesNotMatch(text, /someone-else|10\.9\.0\.0/);
  const desired = compile(text);
  assert.deepEqual(diff({ lab: 'h', desired, live, state }).steps, []);
});

test('lab names made from host targets are valid lab names', () => {
  assert.equal(labNameFor('root@10.0.1.48'), '10.0.1.48');
  assert.equal(labNameFor('local'), 'local');
  assert.equal(labNameFor('admin@[fe80::1%eth0]:22'), 'fe80-1-eth0-22');
  assert.equal(labNameFor('@@@'), 'exported');
});

// TODO(lead): passes once src/plan/export.ts keeps dummies (REPRODUCIBLE and DEFAULT_MTU, lines 16-17, list
// only veth and bridge); then drop the `todo` option so that it counts.

test('a lab-made dummy exports as a dummy statement, and the export plans to nothing', () => {
  const desired = compile('lab x\nhost { dummy lb0 { address 192.0.2.10/32 } }\nnamespace n {\n  dummy d0 { address 10.7.0.1/24; down }\n}\n');
  const { live, state } = liveAfterApply(desired, 'x');
  const text = exportText(live, { name: 'x' });
  assert.match(text, /^ {2}dummy lb0 \{ address 192\.0\.2\.10\/32 \}$/m, text);
  assert.match(text, /^ {2}dummy d0 \{\n {4}address 10\.7\.0\.1\/24\n {4}down\n {2}\}$/m, text);
  const plan = diff({ lab: 'x', desired: compile(text), live, state });
  assert.deepEqual(plan.steps.map((s) => s.description), [], text);
  assert.deepEqual(plan.conflicts, []);
});

test('an export with nothing left out says the file reproduces the network', () => {
  const { live } = liveAfterApply(desiredScenarioA(), 'x');
  live.namespaces[0].interfaces = live.namespaces[0].interfaces.filter((i) => i.name !== 'eth0');
  const text = exportText(live, { name: 'x' });
  assert.match(text, /^# This file reproduces the network: applying it to an empty host builds the same network\.$/m, text);
  assert.doesNotMatch(text, /PARTIAL|Left out/);
});

test('an export that leaves out only the host\'s own interfaces still reproduces the network, and lists them', () => {
  const { live } = liveAfterApply(desiredScenarioA(), 'x');
  const text = exportText(live, { name: 'x' });
  assert.match(text, /^# This file reproduces the network: .*,\n# on that host's own interfaces and default route/m, text);
  assert.match(text, /^#   - interface eth0 \(10\.0\.1\.48\/24\): the host's own$/m);
  assert.doesNotMatch(text, /PARTIAL/);
});

test('a Docker host exports as a PARTIAL copy that names the filter chains, the container and the sysctls it leaves out', () => {
  const text = exportText(dockerHost(), { name: 'd' });
  const header = text.split('\n').filter((l) => l.startsWith('#')).join('\n');
  assert.match(header, /^# PARTIAL copy: applying this file to an empty host does NOT build the same network\.\n# It lacks the first 4 things listed below\.$/m, header);
  assert.match(header, /^#   - filter table in the host: 12 rules, user chains DOCKER, DOCKER-ISOLATION-STAGE-1, DOCKER-ISOLATION-STAGE-2, DOCKER-USER; a file writes only the nat table and the FORWARD policy$/m);
  assert.doesNotMatch(header, /mangle table/, 'a table with only built-in chains and ACCEPT policies holds nothing to leave out');
  assert.match(header, /^#   - namespace \/var\/run\/docker\/netns\/cf43a1b2c3d4, held by docker web-1 \(compose shop\): it has no name/m);
  assert.match(header, /^#   - sysctls in the host: rp_filter default=2, bridge-nf-call-iptables 1 \(bridged traffic goes through iptables\)/m);
  assert.match(header, /^#   - interface eth0 \(10\.0\.1\.48\/24\): the host's own$/m);
  // The lacking things come before the host's own.
  assert.ok(header.indexOf('filter table') < header.indexOf('interface eth0'));
  compile(text);
});

test('native nft tables, policy rules, other routing tables and IPv6 forwarding are named as left out', () => {
  const text = exportText(firewalldHost(), { name: 'f' });
  assert.match(text, /^# PARTIAL copy/m);
  assert.match(text, /^#   - nft table firewalld: inet firewalld in the host: 8 rules in chains filter_FORWARD, filter_FORWARD_POLICIES, nat_POSTROUTING; vnet never writes native nftables$/m, text);
  assert.match(text, /^#   - policy rule `100: from 10\.89\.0\.0\/24 lookup 100` in the host: a file writes no ip rules$/m);
  assert.doesNotMatch(text, /lookup main|lookup local/, 'the rules every namespace has are not left out');
  assert.match(text, /^#   - routing table 100 in the host \(1 route\): a file writes only the main table$/m);
  assert.match(text, /^#   - sysctls in the host: IPv6 forwarding on, rp_filter all=1 default=1; a file sets only IPv4 forwarding$/m);
  compile(text);
});

test('a CNI host\'s CNI-FORWARD chain is named as left out', () => {
  const text = exportText(cniHost(), { name: 'c' });
  assert.match(text, /^#   - filter table in the host: 4 rules, user chains CNI-ADMIN, CNI-FORWARD;/m, text);
});
