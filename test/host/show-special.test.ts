// What real hosts hold besides tutorials: namespaces held only by a process, Docker-style bind mounts
// outside /run/netns, veths into namespaces without a name, rules in both iptables backends, and names
// that are legal but unusual. Built by hand over ssh on a testbed host, read with `vnet show`.

import { shellQuote } from '../../src/model/shell';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import { findInterface, findNamespace, type Topology } from '../../src/model/topology';
import { assertBuilt, namespacesBesideOperstate, showJson, vnet } from './show-support';

let bed: Testbed;
let host: TestHost;
let topology: Topology;
let holderPid: number;
const WEIRD_NS = `we ird'"<b>ü`;
const NEWLINE_NS = 'line\nbreak';
const ESCAPE_IF = 'e\u001b[31m';

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  const pid = await host.mustSh([
    'set -e',
    // Held only by a process: `unshare -n sleep`, with a veth into it whose far end has no name.
    'setsid unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &',
    'holder=$!',
    'sleep 0.3',
    'ip link add to-anon type veth peer name inside netns /proc/$holder/ns/net',
    'ip addr add 10.20.0.1/24 dev to-anon',
    'ip link set to-anon up',
    'nsenter --net=/proc/$holder/ns/net ip addr add 10.20.0.2/24 dev inside',
    'nsenter --net=/proc/$holder/ns/net ip link set inside up',
    // Docker-style: a bind mount outside /run/netns, and no process left inside.
    'mkdir -p /run/docker/netns',
    'setsid unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &',
    'docker=$!',
    'sleep 0.3',
    'touch /run/docker/netns/4b1f2c',
    'mount --bind /proc/$docker/ns/net /run/docker/netns/4b1f2c',
    'kill $docker',
    'ip link add br-docker type bridge',
    'ip link set br-docker up',
    'ip link add vethd0c1 type veth peer name eth0 netns /run/docker/netns/4b1f2c',
    'ip link set vethd0c1 master br-docker up',
    'nsenter --net=/run/docker/netns/4b1f2c ip addr add 172.17.0.2/16 dev eth0',
    // Rules in both iptables backends.
    'iptables-nft -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o br-docker -j MASQUERADE',
    'iptables-legacy -t nat -A POSTROUTING -s 10.20.0.0/24 -j MASQUERADE',
    // Unusual but legal names: spaces, quotes, markup, unicode, a newline, a terminal escape.
    `ip netns add ${shellQuote(WEIRD_NS)}`,
    `ip link add ${shellQuote('v-ü"x')} type veth peer name ${shellQuote("p'q<b>")} netns ${shellQuote(WEIRD_NS)}`,
    `ip link set ${shellQuote('v-ü"x')} alias ${shellQuote('vnet:lab-1')}`,
    `ip link add ${shellQuote(ESCAPE_IF)} type bridge`,
    `touch ${shellQuote(`/run/netns/${NEWLINE_NS}`)}`,
    'setsid unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &',
    'nl=$!',
    'sleep 0.3',
    `mount --bind /proc/$nl/ns/net ${shellQuote(`/run/netns/${NEWLINE_NS}`)}`,
    'kill $nl',
    'echo $holder',
  ].join('\n'));
  holderPid = Number(pid.trim());
  topology = await showJson(host);
});

after(async () => { await bed?.stop(); });


test('a namespace held only by a process is found, anonymous, named after the process', () => {
  const held = findNamespace(topology, `pid:${holderPid}`);
  assert.ok(held, `pid:${holderPid} in ${topology.namespaces.map((n) => n.name).join(', ')}`);
  assert.equal(held.anonymous, true);
  assert.equal(held.path, `/proc/${holderPid}/ns/net`);
  assert.deepEqual(findInterface(held, 'inside')?.addresses, ['10.20.0.2/24']);
});

test('a veth whose peer namespace has no name is resolved to that namespace', () => {
  const root = findNamespace(topology, 'host')!;
  assert.deepEqual(findInterface(root, 'to-anon')?.peer, { namespace: `pid:${holderPid}`, interface: 'inside' });
  assert.deepEqual(findInterface(findNamespace(topology, `pid:${holderPid}`)!, 'inside')?.peer, { namespace: 'host', interface: 'to-anon' });
});

test('a Docker-style bind mount outside /run/netns is a namespace named by its path', () => {
  const docker = findNamespace(topology, '/run/docker/netns/4b1f2c');
  assert.ok(docker);
  assert.equal(docker.anonymous, true);
  assert.equal(docker.path, '/run/docker/netns/4b1f2c');
  assert.deepEqual(findInterface(docker, 'eth0')?.addresses, ['172.17.0.2/16']);
  assert.deepEqual(findInterface(docker, 'eth0')?.peer, { namespace: 'host', interface: 'vethd0c1' });
  assert.equal(findInterface(findNamespace(topology, 'host')!, 'vethd0c1')?.master, 'br-docker');
});

test('rules in both iptables backends are all read, tagged, and the mix is called out', async () => {
  const root = findNamespace(topology, 'host')!;
  assert.deepEqual(root.iptablesBackends, ['nft', 'legacy']);
  assert.deepEqual(root.nat.map((r) => [r.backend, r.rule]), [
    ['nft', '-A POSTROUTING -s 172.17.0.0/16 ! -o br-docker -j MASQUERADE'],
    ['legacy', '-A POSTROUTING -s 10.20.0.0/24 -j MASQUERADE'],
  ]);
  assert.ok(topology.warnings?.some((w) => /both backends/.test(w)));
  const shown = await vnet(['show', ...host.vnetArgs]);
  assert.equal(shown.exitCode, 0, shown.stderr);
  assert.match(shown.stdout, /both backends/);
});

test('unusual names arrive exactly in the JSON, and escaped in the tree', async () => {
  const weird = findNamespace(topology, WEIRD_NS);
  assert.ok(weird, 'the namespace with spaces, quotes, markup and unicode');
  assert.equal(weird.anonymous, undefined);
  assert.deepEqual(findInterface(weird, "p'q<b>")?.peer, { namespace: 'host', interface: 'v-ü"x' });
  const root = findNamespace(topology, 'host')!;
  assert.equal(findInterface(root, 'v-ü"x')?.owner, 'lab-1');
  assert.ok(findInterface(root, ESCAPE_IF), 'the interface named with a terminal escape');
  const newline = findNamespace(topology, NEWLINE_NS);
  assert.ok(newline, 'the namespace whose name holds a newline');
  assert.equal(newline.path, `/run/netns/${NEWLINE_NS}`);
  const tree = await vnet(['show', ...host.vnetArgs]);
  assert.doesNotMatch(tree.stdout, /\u001b/, 'no raw escape reaches the terminal');
  assert.match(tree.stdout, /e\\x1b\[31m/);
  assert.ok(tree.stdout.includes(WEIRD_NS));
});

test("the host's own eth0, a veth into the testbed's LAN, has its peer outside this host", () => {
  const eth0 = findInterface(findNamespace(topology, 'host')!, 'eth0');
  assert.equal(eth0?.kind, 'veth');
  assert.equal(eth0?.peer, null);
  assert.equal(eth0?.peerOutside, true);
  for (const namespace of topology.namespaces) {
    for (const iface of namespace.interfaces) {
      assert.notDeepEqual(iface.peer, { namespace: 'host', interface: 'eth0' }, `${namespace.name}:${iface.name}`);
      if (!(namespace.root && iface.name === 'eth0')) assert.equal(iface.peerOutside, undefined, `${namespace.name}:${iface.name}`);
    }
  }
});

test('only what is there: no namespace is invented or lost', () => {
  assert.deepEqual(topology.namespaces.map((n) => n.name).sort(),
    ['host', WEIRD_NS, NEWLINE_NS, '/run/docker/netns/4b1f2c', `pid:${holderPid}`].sort());
});

test('the ip method (nsenter per namespace) reads the same, but cannot name peers between unnamed namespaces', async () => {
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  try {
    const viaIp = await probeHost(transport, { method: 'ip' });
    // ip names only the nsids of namespaces in /run/netns: a veth between two others (the root counts)
    // has an unknown peer there, never a guessed one.
    const expected = namespacesBesideOperstate(topology);
    const unnamed = new Set(expected.filter((n) => n.root || n.anonymous).map((n) => n.name));
    for (const namespace of expected.filter((n) => unnamed.has(n.name))) {
      for (const iface of namespace.interfaces) if (iface.peer && unnamed.has(iface.peer.namespace)) iface.peer = null;
    }
    assert.equal(findInterface(findNamespace(viaIp, 'host')!, 'to-anon')?.peer, null);
    assert.deepEqual(namespacesBesideOperstate(viaIp), expected);
  } finally {
    await transport.close();
  }
});
