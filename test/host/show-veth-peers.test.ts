// veth peers are read exactly, on hosts where ifindexes and nsids repeat: veths made in fresh namespaces
// (every end is ifindex 2, every nsid 0), and a host that is itself a container, whose eth0 is a veth with
// its other end outside (every testbed host). Read both ways (netlink and ip), over real ssh.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { probeHost } from '../../src/host/probe';
import type { ProbeMethod } from '../../src/host/probe-script';
import { findInterface, findNamespace, type Topology } from '../../src/model/topology';
import { EXAMPLES, freshHost, transportFor, vnet } from './apply-support';

let bed: Testbed;

before(async () => {
  bed = await Testbed.start();
});

after(async () => {
  await bed?.stop();
});

async function read(host: TestHost, method: Exclude<ProbeMethod, 'auto'>): Promise<Topology> {
  const transport = transportFor(host);
  try { return await probeHost(transport, { method }); } finally { await transport.close(); }
}

/** Every veth as `namespace:interface → peer`, `→ outside` or `→ ?`. */
function peersOf(topology: Topology): string[] {
  return topology.namespaces.flatMap((ns) => ns.interfaces.filter((i) => i.kind === 'veth').map((i) =>
    `${ns.name}:${i.name} → ${i.peer ? `${i.peer.namespace}:${i.peer.interface}` : i.peerOutside ? 'outside' : '?'}`)).sort();
}

/** The host's eth0 is a veth whose other end no namespace of the host holds. */
function assertEth0Outside(topology: Topology): void {
  const eth0 = findInterface(findNamespace(topology, 'host')!, 'eth0');
  assert.equal(eth0?.kind, 'veth', "the testbed host's eth0 is a veth");
  assert.equal(eth0?.peer, null);
  assert.equal(eth0?.peerOutside, true);
}

async function linkOf(host: TestHost, name: string): Promise<{ index: number; peerIndex: number }> {
  const [link] = JSON.parse(await host.mustSh(`ip -j -d link show ${name}`)) as { ifindex: number; link_index: number }[];
  return { index: link.ifindex, peerIndex: link.link_index };
}

// First on the testbed: its eth0 (ifindex 2) has its peer at ifindex 3, the ifindex of ns-router's second
// veth, whose own peer is at ifindex 2: the look-alike that used to be taken for eth0's other end.
test('the f-router example on a host whose eth0 is a veth: exact peers, re-applied as nothing to do, destroyed cleanly', async () => {
  const host = await freshHost(bed);
  try {
    const applied = await vnet(['apply', EXAMPLES.F, ...host.vnetArgs, '--yes'], { host });
    assert.equal(applied.exitCode, 0, applied.stderr);
    const topology = await read(host, 'netlink');
    assertEth0Outside(topology);
    assert.deepEqual(peersOf(topology), [
      'host:eth0 → outside',
      'ns-router:veth-ns1-router → ns1:veth-ns1',
      'ns-router:veth-ns2-router → ns2:veth-ns2',
      'ns1:veth-ns1 → ns-router:veth-ns1-router',
      'ns2:veth-ns2 → ns-router:veth-ns2-router',
    ]);
    const reapplied = await vnet(['apply', EXAMPLES.F, ...host.vnetArgs, '--yes'], { host });
    assert.equal(reapplied.exitCode, 0, reapplied.stderr);
    assert.match(reapplied.stdout, /Nothing to do: every host is up to date/);
    const destroyed = await vnet(['destroy', EXAMPLES.F, ...host.vnetArgs, '--yes'], { host });
    assert.equal(destroyed.exitCode, 0, destroyed.stderr);
    assert.match(destroyed.stdout, /^Destroyed: \d+ steps/m);
    const after = await read(host, 'netlink');
    assert.deepEqual(after.namespaces.map((ns) => ns.name), ['host']);
    assert.deepEqual(peersOf(after), ['host:eth0 → outside']);
  } finally {
    await host.remove();
  }
});

test('mirror-image veth pairs (identical ifindexes and nsids) pair exactly, both ways of reading', async () => {
  const host = await freshHost(bed);
  try {
    // The b's are listed in the opposite order to the a's, so that the kernel is asked about look-alikes
    // before it names the right one.
    await host.mustSh(['set -e', 'for n in a1 a2 a3 b3 b2 b1; do ip netns add $n; done',
      ...[1, 2, 3].map((i) => `ip -n a${i} link add v0 type veth peer name v1 netns b${i}`),
      // Read last, after the kernel was asked about the a's: its peer is in the root namespace.
      'ip netns add c', 'ip link add h1 type veth peer name e1 netns c'].join('\n'));
    const expected = [
      ...[1, 2, 3].flatMap((i) => [`a${i}:v0 → b${i}:v1`, `b${i}:v1 → a${i}:v0`]),
      'c:e1 → host:h1', 'host:eth0 → outside', 'host:h1 → c:e1',
    ].sort();
    for (const method of ['netlink', 'ip'] as const) {
      const topology = await read(host, method);
      assert.deepEqual(peersOf(topology), expected, method);
    }
  } finally {
    await host.remove();
  }
});

test("a veth pair that looks like the other end of the host's eth0 is not taken for it", async () => {
  const host = await freshHost(bed);
  try {
    // z:look has the ifindex of eth0's peer and points at eth0's ifindex, as eth0's peer would; its real
    // peer is y:back, at eth0's own ifindex.
    const eth0 = await linkOf(host, 'eth0');
    assert.ok(eth0.index > 1 && eth0.peerIndex > 1, `eth0 is ifindex ${eth0.index}, its peer ${eth0.peerIndex}`);
    await host.mustSh(`set -e
ip netns add z; ip netns add y
ip -n z link add look index ${eth0.peerIndex} type veth peer name back index ${eth0.index} netns y`);
    for (const method of ['netlink', 'ip'] as const) {
      const topology = await read(host, method);
      assertEth0Outside(topology);
      assert.deepEqual(peersOf(topology), ['host:eth0 → outside', 'y:back → z:look', 'z:look → y:back'], method);
    }
  } finally {
    await host.remove();
  }
});

test('the ip method names the peers of 200 namespaces (the kernel cuts a dump of nsids short after ~130)', async () => {
  const host = await freshHost(bed);
  try {
    await host.mustSh(`set -e
i=1; while [ $i -le 200 ]; do echo "netns add n$i"; i=$((i+1)); done > /tmp/add.batch
i=1; while [ $i -le 200 ]; do echo "link add h$i type veth peer name eth0 netns n$i"; i=$((i+1)); done > /tmp/links.batch
ip -batch /tmp/add.batch; ip -batch /tmp/links.batch`);
    const topology = await read(host, 'ip');
    const peers = peersOf(topology);
    assert.equal(peers.length, 401);
    for (let i = 1; i <= 200; i++) {
      assert.ok(peers.includes(`host:h${i} → n${i}:eth0`), `host:h${i}`);
      assert.ok(peers.includes(`n${i}:eth0 → host:h${i}`), `n${i}:eth0`);
    }
  } finally {
    await host.remove();
  }
});
