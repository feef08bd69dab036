// Every scenario of shared/scenarios.md, built by hand over ssh with the tutorials' own commands, then
// read with `vnet show --json`: it must report exactly the namespaces, both ends of every veth, bridge
// ports, addresses, routes, forwarding and NAT rules, and nothing else. The slower ip method of the probe
// must read the same.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import { assertBuilt, assertExactly, namespacesBesideOperstate, showJson, type ExpectedHost } from './show-support';
import type { Topology } from '../../src/model/topology';

let bed: Testbed;
before(async () => { assertBuilt(); bed = await Testbed.start(); });
after(async () => { await bed?.stop(); });

const veth = (peer: string, addresses: string[] = [], master: string | null = null) => ({ kind: 'veth', peer, addresses, master });

const EXPECTED: Record<string, ExpectedHost[]> = {
  A: [{
    namespaces: ['netns1', 'netns2', 'netns3'],
    interfaces: {
      host: {
        veth1: veth('netns1:veth1-peer', ['172.16.0.1/24']),
        br0: { kind: 'bridge', addresses: ['172.16.0.100/24'] },
        veth2: veth('netns2:veth2-peer', [], 'br0'),
        veth3: veth('netns3:veth3-peer', [], 'br0'),
      },
      netns1: { 'veth1-peer': veth('host:veth1', ['172.16.0.2/24']) },
      netns2: { 'veth2-peer': veth('host:veth2', ['172.16.0.102/24']) },
      netns3: { 'veth3-peer': veth('host:veth3', ['172.16.0.103/24']) },
    },
    routes: { netns2: [{ to: 'default', via: '172.16.0.100', dev: 'veth2-peer' }] },
    forwarding: ['host'],
    nat: { host: [
      '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80',
      '-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE',
    ] },
  }],
  B: [{
    namespaces: ['red', 'blue'],
    interfaces: {
      host: {
        'v-net-0': { kind: 'bridge', addresses: ['192.168.15.5/24'] },
        'veth-red-br': veth('red:veth-red', [], 'v-net-0'),
        'veth-blue-br': veth('blue:veth-blue', [], 'v-net-0'),
      },
      red: { 'veth-red': veth('host:veth-red-br', ['192.168.15.1/24']) },
      blue: { 'veth-blue': veth('host:veth-blue-br', ['192.168.15.2/24']) },
    },
    routes: {
      red: [{ to: 'default', via: '192.168.15.5', dev: 'veth-red' }],
      blue: [{ to: 'default', via: '192.168.15.5', dev: 'veth-blue' }],
    },
    forwarding: ['host'],
    nat: { host: [
      '-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination 192.168.15.2:80',
      '-A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE',
    ] },
  }],
  C: [{
    namespaces: ['net1'],
    interfaces: {
      host: { br0: { kind: 'bridge', addresses: ['192.168.0.1/24'] }, veth1_p: veth('net1:veth1', [], 'br0') },
      net1: { veth1: veth('host:veth1_p', ['192.168.0.2/24']) },
    },
    routes: { net1: [{ to: 'default', via: '192.168.0.1', dev: 'veth1' }] },
    forwarding: ['host'],
    forwardPolicy: { host: 'ACCEPT' },
    nat: { host: [
      '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 192.168.0.2:80',
      '-A POSTROUTING -s 192.168.0.0/24 ! -o br0 -j MASQUERADE',
    ] },
  }],
  D: [{
    namespaces: ['ns1', 'ns2'],
    interfaces: {
      ns1: { 'veth-ns1': veth('ns2:veth-ns2', ['192.168.1.1/24']) },
      ns2: { 'veth-ns2': veth('ns1:veth-ns1', ['192.168.1.2/24']) },
    },
  }],
  E: [{
    namespaces: ['ns1', 'ns2', 'ns3'],
    interfaces: {
      host: {
        'virtual-bridge': { kind: 'bridge' },
        ...Object.fromEntries([1, 2, 3].map((i) => [`veth-ns${i}-br`, veth(`ns${i}:veth-ns${i}`, [], 'virtual-bridge')])),
      },
      ...Object.fromEntries([1, 2, 3].map((i) => [`ns${i}`, { [`veth-ns${i}`]: veth(`host:veth-ns${i}-br`, [`192.168.1.${i}/24`]) }])),
    },
  }],
  F: [{
    namespaces: ['ns1', 'ns2', 'ns-router'],
    interfaces: {
      ns1: { 'veth-ns1': veth('ns-router:veth-ns1-router', ['192.168.1.2/24']) },
      ns2: { 'veth-ns2': veth('ns-router:veth-ns2-router', ['192.168.2.2/24']) },
      'ns-router': {
        'veth-ns1-router': veth('ns1:veth-ns1', ['192.168.1.1/24']),
        'veth-ns2-router': veth('ns2:veth-ns2', ['192.168.2.1/24']),
      },
    },
    routes: {
      ns1: [{ to: '192.168.2.0/24', via: '192.168.1.1', dev: 'veth-ns1' }],
      ns2: [{ to: '192.168.1.0/24', via: '192.168.2.1', dev: 'veth-ns2' }],
    },
    forwarding: ['ns-router'],
  }],
  G: [['192.168.1', '192.168.2.0/24', '10.0.2.16'], ['192.168.2', '192.168.1.0/24', '10.0.2.15']].map(([subnet, other, via]) => ({
    namespaces: ['ns1', 'ns2'],
    interfaces: {
      host: {
        br0: { kind: 'bridge', addresses: [`${subnet}.1/24`] },
        'veth-ns1-br': veth('ns1:veth-ns1', [], 'br0'),
        'veth-ns2-br': veth('ns2:veth-ns2', [], 'br0'),
      },
      ns1: { 'veth-ns1': veth('host:veth-ns1-br', [`${subnet}.2/24`]) },
      ns2: { 'veth-ns2': veth('host:veth-ns2-br', [`${subnet}.3/24`]) },
    },
    routes: {
      host: [{ to: other, via, dev: 'eth0' }],
      ns1: [{ to: 'default', via: `${subnet}.1`, dev: 'veth-ns1' }],
      ns2: [{ to: 'default', via: `${subnet}.1`, dev: 'veth-ns2' }],
    },
    forwarding: ['host'],
  })),
  H: [{
    namespaces: ['myns'],
    interfaces: {
      host: { cni0: { kind: 'bridge', addresses: ['10.85.0.1/16'] }, 'myveth-host': veth('myns:myveth-myns', [], 'cni0') },
      myns: { 'myveth-myns': veth('host:myveth-host', ['10.85.0.254/16']) },
    },
    routes: { myns: [{ to: 'default', via: '10.85.0.1', dev: 'myveth-myns' }] },
    forwarding: ['host'],
    natChains: { host: ['chain-myns'] },
    nat: { host: [
      '-A POSTROUTING -s 10.85.0.254/32 -j chain-myns',
      '-A chain-myns -d 10.85.0.0/16 -j ACCEPT',
      '-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE',
    ] },
  }],
};

for (const [id, scenario] of Object.entries(SCENARIOS)) {
  test(`scenario ${id} (${scenario.title}): vnet show reports exactly what was built`, async () => {
    const hosts = await Promise.all(scenario.hosts.map((h) => bed.addHost({ address: h.address, peer: h.peer })));
    try {
      for (const [i, host] of hosts.entries()) await host.mustSh(scenario.hosts[i].script);
      for (const [i, host] of hosts.entries()) {
        const topology = await showJson(host);
        assert.equal(topology.schema, 'vnet.state/1');
        assert.equal(topology.host, host.target);
        assertExactly(topology, EXPECTED[id][i], scenario.hosts[i].address);
        if (id === 'H') {
          const lo = topology.namespaces.find((n) => n.name === 'myns')!.interfaces.find((x) => x.name === 'lo')!;
          assert.equal(lo.state, 'up', 'myns: lo up');
          assert.deepEqual(lo.addresses, ['127.0.0.1/8', '::1/128']);
        }
        // The fallback (nsenter + ip -j -batch) reads the very same state.
        const transport = createTransport(host.target, { sshOptions: host.sshOptions });
        try {
          const viaIp = await probeHost(transport, { method: 'ip' });
          const withoutInode = (t: Topology) => namespacesBesideOperstate(t).map(({ inode: _inode, ...ns }) => ns);
          assert.deepEqual(withoutInode(viaIp), withoutInode(topology));
        } finally {
          await transport.close();
        }
      }
    } finally {
      await Promise.all(hosts.map((h) => h.remove()));
    }
  });
}
