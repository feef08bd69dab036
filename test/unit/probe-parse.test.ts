// The probe's output → Topology, on outputs captured from a real kernel (test/fixtures/probe/capture.sh
// builds rich-scenario.sh in a sandbox and runs the probe both ways).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProbeOutput } from '../../src/host/probe-parse';
import { findInterface, findNamespace, type Namespace, type Topology } from '../../src/model/topology';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/probe', name), 'utf8');
const MARK = '@@fixture0nonce';
const viaNetlink = parseProbeOutput(fixture('rich-netlink.txt'), MARK, 'local');
const viaIp = parseProbeOutput(fixture('rich-ip.txt'), MARK, 'local');
const WEIRD = `we ird'"<b>ü`;

function ns(topology: Topology, name: string): Namespace {
  const found = findNamespace(topology, name);
  assert.ok(found, `namespace ${name} missing; have ${topology.namespaces.map((n) => n.name).join(', ')}`);
  return found;
}

function iface(namespace: Namespace, name: string) {
  const found = findInterface(namespace, name);
  assert.ok(found, `interface ${name} missing in ${namespace.name}`);
  return found;
}

/** veth ends whose nsid only the netlink reader can resolve: both ends are in namespaces without a name in /run/netns. */
const UNNAMED_PAIRS = [['host', 'veth-anon'], ['host', 'veth-dock'], ['/run/docker/netns/abc', 'eth0']] as const;

test('both ways of reading a host give the same Topology, but for peers between unnamed namespaces', () => {
  const expected = structuredClone(viaNetlink);
  for (const [namespace, name] of UNNAMED_PAIRS) iface(ns(expected, namespace), name).peer = null;
  for (const i of expected.namespaces.find((n) => n.name.startsWith('pid:'))!.interfaces) i.peer = null;
  assert.deepEqual(viaIp, expected);
});

test('ip: a peer whose nsid ip cannot name is unknown, not outside', () => {
  for (const [namespace, name] of UNNAMED_PAIRS) {
    assert.equal(iface(ns(viaIp, namespace), name).peer, null);
    assert.equal(iface(ns(viaIp, namespace), name).peerOutside, undefined);
  }
});

for (const [method, topology] of [['netlink', viaNetlink], ['ip', viaIp]] as const) {
  test(`${method}: every namespace, named, bind-mounted or held by a process, and only those`, () => {
    const anonymousPid = topology.namespaces.find((n) => n.name.startsWith('pid:'));
    assert.ok(anonymousPid, 'the process-held namespace is found');
    assert.deepEqual(topology.namespaces.map((n) => n.name), ['host', 'a', 'b', WEIRD, '/run/docker/netns/abc', anonymousPid.name]);
    assert.equal(ns(topology, 'host').root, true);
    assert.equal(ns(topology, 'a').root, false);
    assert.equal(ns(topology, 'a').anonymous, undefined);
    assert.equal(ns(topology, 'a').path, '/run/netns/a');
    assert.equal(ns(topology, WEIRD).path, `/run/netns/${WEIRD}`);
    assert.equal(ns(topology, '/run/docker/netns/abc').anonymous, true);
    assert.equal(anonymousPid.anonymous, true);
    assert.match(anonymousPid.path ?? '', /^\/proc\/\d+\/ns\/net$/);
    const inodes = topology.namespaces.map((n) => n.inode);
    assert.equal(new Set(inodes).size, inodes.length, 'inodes are distinct keys');
  });

  test(`${method}: both ends of every veth, across named${method === 'netlink' ? ', anonymous' : ''} and the same namespace`, () => {
    const host = ns(topology, 'host');
    const anonymous = topology.namespaces.find((n) => n.name.startsWith('pid:'))!;
    const pairs: [string, string, string, string][] = [
      ['host', 'veth-a', 'a', 'eth0'],
      ['host', 'v-ü"x', WEIRD, "p'q<b>"],
      ['b', 'x1', 'b', 'x2'],
    ];
    // The kernel names every namespace to the netlink reader; ip names only those in /run/netns.
    if (method === 'netlink') pairs.push(['host', 'veth-anon', anonymous.name, 'inside'], ['host', 'veth-dock', '/run/docker/netns/abc', 'eth0']);
    for (const [leftNs, left, rightNs, right] of pairs) {
      assert.deepEqual(iface(ns(topology, leftNs), left).peer, { namespace: rightNs, interface: right }, `${leftNs}:${left}`);
      assert.deepEqual(iface(ns(topology, rightNs), right).peer, { namespace: leftNs, interface: left }, `${rightNs}:${right}`);
    }
    assert.equal(iface(host, 'br0').peer, null);
    assert.equal(iface(host, 'veth-a').kind, 'veth');
    for (const namespace of topology.namespaces) {
      for (const i of namespace.interfaces) assert.equal(i.peerOutside, undefined, `${namespace.name}:${i.name} has its peer on this host`);
    }
  });

  test(`${method}: bridges and their ports, kinds, states, addresses`, () => {
    const host = ns(topology, 'host');
    assert.equal(iface(host, 'br0').kind, 'bridge');
    assert.deepEqual(host.interfaces.filter((i) => i.master === 'br0').map((i) => i.name).sort(), ['v-ü"x', 'veth-a', 'veth-dock'].sort());
    assert.deepEqual(iface(host, 'br0').addresses, ['10.1.0.1/24', '2001:db8:1::1/64'], 'IPv6 link-local left out');
    assert.equal(iface(host, 'lo').kind, 'loopback');
    assert.equal(iface(host, 'veth-anon').state, 'down');
    assert.equal(iface(host, 'veth-a').state, 'up');
    assert.match(iface(host, 'veth-a').mac ?? '', /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    assert.equal(iface(host, 'veth-a').mtu, 1500);
    const b = ns(topology, 'b');
    assert.equal(iface(b, 'vx0').kind, 'vxlan');
    assert.deepEqual(iface(b, 'x1').addresses, ['10.3.0.1/24', '2001:db8:3::1/64']);
    // A name with a terminal escape arrives byte for byte.
    assert.ok(findInterface(b, 'e\u001b[31m'), 'the interface named with an escape sequence');
    for (const namespace of topology.namespaces) {
      for (const i of namespace.interfaces) {
        for (const address of i.addresses) assert.doesNotMatch(address, /^fe80:/, `${namespace.name}:${i.name}`);
      }
    }
  });

  test(`${method}: the ownership alias and alternative names`, () => {
    const marked = iface(ns(topology, 'host'), 'v-ü"x');
    assert.equal(marked.alias, 'vnet:lab1');
    assert.equal(marked.owner, 'lab1');
    assert.deepEqual(marked.altNames, ['altname1']);
    assert.equal(iface(ns(topology, 'host'), 'veth-a').owner, null);
  });

  test(`${method}: routes of the main table, without the kernel's own`, () => {
    assert.deepEqual(ns(topology, 'host').routes, [{ to: '192.168.50.0/24', via: '10.1.0.2', dev: 'br0', protocol: 'boot' }]);
    assert.deepEqual(ns(topology, 'a').routes, [{ to: 'default', via: '10.1.0.1', dev: 'eth0', protocol: 'boot' }]);
    const b = ns(topology, 'b').routes;
    assert.deepEqual(b.filter((r) => r.to === '10.9.0.0/16').map((r) => [r.via, r.dev]), [['10.3.0.2', 'x1'], ['10.3.1.2', 'x2']], 'one route per nexthop');
    assert.deepEqual(b.find((r) => r.to === '2001:db8:99::/48'), { to: '2001:db8:99::/48', via: '2001:db8:3::2', dev: 'x1', protocol: 'boot' });
    assert.deepEqual(b.find((r) => r.to === '10.66.0.0/16'), { to: '10.66.0.0/16', via: null, dev: null, protocol: 'boot', type: 'blackhole' });
    assert.equal(b.some((r) => r.to.startsWith('fe80')), false);
    assert.deepEqual(ns(topology, WEIRD).routes, []);
  });

  test(`${method}: forwarding per namespace`, () => {
    assert.equal(ns(topology, 'host').forwarding, true);
    assert.equal(ns(topology, WEIRD).forwarding, true);
    assert.equal(ns(topology, 'a').forwarding, false);
    assert.equal(ns(topology, '/run/docker/netns/abc').forwarding, false);
  });

  test(`${method}: NAT rules of both backends, user chains, the FORWARD policy`, () => {
    const host = ns(topology, 'host');
    assert.deepEqual(host.natChains, ['chain-x']);
    assert.deepEqual(host.iptablesBackends, ['nft', 'legacy']);
    assert.equal(host.forwardPolicy, 'DROP');
    assert.deepEqual(host.nat.map((r) => [r.backend, r.chain, r.target.kind]), [
      ['nft', 'PREROUTING', 'DNAT'],
      ['nft', 'POSTROUTING', 'jump'],
      ['nft', 'chain-x', 'ACCEPT'],
      ['nft', 'chain-x', 'MASQUERADE'],
      ['legacy', 'POSTROUTING', 'SNAT'],
    ]);
    const dnat = host.nat[0];
    assert.deepEqual(dnat.inInterface, { value: 'br0', negated: true });
    assert.equal(dnat.protocol, 'tcp');
    assert.equal(dnat.dport, '8088');
    assert.deepEqual(dnat.target, { kind: 'DNAT', to: '10.1.0.2:80' });
    assert.equal(dnat.comment, 'vnet:lab1 "quoted"');
    assert.equal(dnat.owner, 'lab1 "quoted"');
    assert.deepEqual(host.nat[1].target, { kind: 'jump', chain: 'chain-x' });
    assert.deepEqual(host.nat[1].source, { value: '10.1.0.2/32', negated: false });
    assert.deepEqual(host.nat[3].destination, { value: '224.0.0.0/4', negated: true });
    assert.deepEqual(host.nat[4].target, { kind: 'SNAT', to: '10.1.0.1' });
    assert.match(host.nat[4].rule, /^-A POSTROUTING -s 10\.2\.0\.0\/24 -o br0 -j SNAT/);
    assert.ok(topology.warnings?.some((w) => /both backends/.test(w) && w.includes('"host"')));

    const a = ns(topology, 'a');
    assert.deepEqual(a.nat.map((r) => r.rule), ['-A OUTPUT -p udp -m udp --dport 53 -j DNAT --to-destination 10.1.0.1:5353']);
    assert.deepEqual(a.iptablesBackends, ['nft']);
    assert.equal(a.forwardPolicy, 'ACCEPT', 'no filter table: nothing filters forwarded packets');
    assert.deepEqual(ns(topology, 'b').nat, []);
    assert.deepEqual(ns(topology, 'b').iptablesBackends, []);
  });
}

test('the JSON carries every name exactly', () => {
  const again = JSON.parse(JSON.stringify(viaNetlink)) as Topology;
  assert.ok(findNamespace(again, WEIRD));
  assert.ok(findInterface(findNamespace(again, 'host')!, 'v-ü"x'));
  assert.ok(findInterface(findNamespace(again, 'b')!, 'e\u001b[31m'));
  assert.equal(again.schema, 'vnet.state/1');
  assert.equal(again.host, 'local');
});
