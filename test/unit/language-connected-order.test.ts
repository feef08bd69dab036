// A file's connected routes in the order an apply makes them (src/model/connected-routes.ts, read by
// lower): the real plan of each file against an empty host is replayed step by step with the kernel's
// rules (a connected route is appended when an address is added to a link that is up, or when a link with
// addresses comes up), and the lowered `kernelRoutes` must be that order. So the order rule cannot drift
// from the planner: a change to the plan's step order fails here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compileVnet } from '../../src/language/index';
import { formatCidr, networkOf, parseCidr } from '../../src/model/cidr';
import { connectedRoutesInApplyOrder } from '../../src/model/connected-routes';
import { emptyNamespace, emptyTopology, type Lab, type Topology } from '../../src/model/topology';
import { diff } from '../../src/plan/diff';
import { trace } from '../../src/trace/index';
import { q } from './trace-support';

const ROOT = join(__dirname, '..', '..');

function compiled(text: string): Lab {
  const result = compileVnet(text);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return result.lab!;
}

/** A namespace's links as the replay sees them: up or not, and their addresses in the order added. */
interface ReplayedLink { up: boolean; addresses: string[] }

/** The connected route the kernel appends for an address (none for an IPv4 /32), as `to dev`. */
function kernelRouteOf(address: string, dev: string): string | null {
  const cidr = parseCidr(address)!;
  return cidr.family === 4 && cidr.prefix === 32 ? null : `${formatCidr(networkOf(cidr))} ${dev}`;
}

/** Runs the plan of `desired` on an empty host in the kernel's stead: each namespace's connected routes, in order. */
function replayApply(lab: string, desired: Topology): Map<string, string[]> {
  const plan = diff({ lab, desired, live: emptyTopology(desired.host), state: { lab, records: [] } });
  const links = new Map<string, Map<string, ReplayedLink>>();
  const routes = new Map<string, string[]>();
  const append = (namespace: string, route: string | null) => {
    const list = routes.get(namespace) ?? [];
    if (route && !list.includes(route)) list.push(route);
    routes.set(namespace, list);
  };
  for (const command of plan.steps.flatMap((step) => step.commands)) {
    if (command.tool !== 'ip') continue;
    const { namespace, args } = command;
    const here = links.get(namespace) ?? new Map<string, ReplayedLink>();
    links.set(namespace, here);
    const link = (name: string) => here.get(name) ?? here.set(name, { up: false, addresses: [] }).get(name)!;
    if (args[0] === 'link' && args[1] === 'set') {
      const iface = link(args[3]);
      const state = args.at(-1);
      if (state === 'up' && !iface.up) for (const address of iface.addresses) append(namespace, kernelRouteOf(address, args[3]));
      if (state === 'up') iface.up = true;
      if (state === 'down') iface.up = false;
    } else if (args[0] === 'addr' && args[1] === 'add') {
      const iface = link(args[4]);
      iface.addresses.push(args[2]);
      if (iface.up) append(namespace, kernelRouteOf(args[2], args[4]));
    }
  }
  return routes;
}

function lowered(topology: Topology): Map<string, string[]> {
  return new Map(topology.namespaces.map((ns) => [ns.name, (ns.kernelRoutes ?? []).map((r) => `${r.to} ${r.dev}`)]));
}

function assertSameOrder(lab: Lab, what: string): void {
  for (const host of lab.hosts) {
    const replayed = replayApply(lab.name, host.topology);
    for (const [namespace, routes] of lowered(host.topology)) {
      // lo's addresses make no route in the main table: the replay, which knows no loopback, leaves them out too.
      const expected = (replayed.get(namespace) ?? []).filter((r) => !r.endsWith(' lo'));
      assert.deepEqual(routes, expected, `${what}, host ${host.name}, namespace ${namespace}`);
    }
  }
}

test('every example: the lowered connected routes are in the order its apply on an empty host makes them', () => {
  const dir = join(ROOT, 'examples');
  const files = readdirSync(dir).filter((f) => f.endsWith('.vnet'));
  assert.equal(files.length, 8);
  for (const file of files) assertSameOrder(compiled(readFileSync(join(dir, file), 'utf8')), file);
});

const SHARED = `lab shared
host {
  bridge br0 { address 10.0.0.1/24 fd00::1/64 }
  bridge br1 { address 10.5.0.1/24 }
  address v 10.0.0.2/24 10.0.0.3/24 10.9.9.9/32 fd00::2/64
  address w 10.5.0.2/24
  link w down
}
namespace a {
  address y 10.7.0.2/24
  address x 10.7.0.1/24
}
namespace b
veth host:v -- a:x
veth host:w -- b:z
veth b:y2 -- a:y
veth br0:p -- b:p
`;

test('shared subnets, a secondary address, a /32, IPv6 and a link left down: the order the plan makes', () => {
  const lab = compiled(SHARED);
  assertSameOrder(lab, 'shared');
  const root = lab.hosts[0].topology.namespaces.find((ns) => ns.root)!;
  // v before the bridges, whatever the file's order; one route for v's two addresses in 10.0.0.0/24, none
  // for the /32; w is down: no route.
  assert.deepEqual(root.kernelRoutes?.map((r) => `${r.to} ${r.dev}`), [
    '10.0.0.0/24 v', 'fd00::/64 v', '10.0.0.0/24 br0', 'fd00::/64 br0', '10.5.0.0/24 br1',
  ]);
  const a = lab.hosts[0].topology.namespaces.find((ns) => ns.name === 'a')!;
  // Two veth ends in one subnet: in the order the file declares the links (the veth lines), as the plan adds them.
  assert.deepEqual(a.kernelRoutes?.map((r) => `${r.to} ${r.dev}`), ['10.7.0.0/24 x', '10.7.0.0/24 y']);
  assert.equal(lab.hosts[0].topology.namespaces.find((ns) => ns.name === 'b')!.kernelRoutes, undefined, 'no address, no route');
});

test('scenario A: veth1\'s route is made before br0\'s, so the trace is certain: netns1 and the host reach each other', () => {
  const lab = compiled(readFileSync(join(ROOT, 'examples', 'a-bridge-nat.vnet'), 'utf8'));
  const topology = lab.hosts[0].topology;
  const root = topology.namespaces.find((ns) => ns.root)!;
  assert.deepEqual(root.kernelRoutes?.map((r) => `${r.to} ${r.dev}`), ['172.16.0.0/24 veth1', '172.16.0.0/24 br0']);
  for (const [from, to] of [['netns1', 'host'], ['host', 'netns1']]) {
    const result = trace(topology, q(from, to));
    assert.deepEqual([result.reachable, result.uncertain, result.assumptions], [true, false, []], `${from} → ${to}`);
  }
  // Whatever the host sends to the bridge's side leaves by veth1: netns3 never gets the host's ping.
  const toNetns3 = trace(topology, q('host', 'netns3'));
  assert.deepEqual([toNetns3.reachable, toNetns3.uncertain, toNetns3.drop?.reason], [false, false, 'no neighbour answers for 172.16.0.103 on veth1']);
});

test('each address\'s connected route is its subnet as the model spells it; none for a /32 or in 0.0.0.0/8', () => {
  const samples = ['172.16.0.1', '10.255.255.254', '192.168.1.77', '255.255.255.255', '1.2.3.4', '0.1.2.3', '128.0.0.1'];
  for (const ip of samples) {
    for (let prefix = 0; prefix <= 32; prefix++) {
      const address = `${ip}/${prefix}`;
      const ns = emptyNamespace('n');
      ns.interfaces = [{ name: 'v', kind: 'veth', state: 'up', mtu: null, mac: null, addresses: [address], master: null, peer: null }];
      const subnet = networkOf(parseCidr(address)!);
      const zeronet = subnet.address >> 24n === 0n && prefix >= 8;
      const expected = prefix === 32 || zeronet ? [] : [formatCidr(subnet)];
      assert.deepEqual(connectedRoutesInApplyOrder(ns).map((r) => r.to), expected, address);
    }
  }
  const v6 = emptyNamespace('n');
  v6.interfaces = [{ name: 'v', kind: 'veth', state: 'up', mtu: null, mac: null, addresses: ['fd00:1:2:3::9/64', 'fd00::9/128'], master: null, peer: null }];
  assert.deepEqual(connectedRoutesInApplyOrder(v6).map((r) => r.to), ['fd00:1:2:3::/64', 'fd00::9/128']);
});

test('a namespace with many links: one route per subnet and link, in order', () => {
  const ns = emptyNamespace('n');
  ns.interfaces = Array.from({ length: 40 }, (_, i) => ({
    name: `v${i}`, kind: 'veth' as const, state: 'up' as const, mtu: null, mac: null, master: null, peer: null,
    addresses: [`10.${i % 20}.0.1/24`, `10.${i % 20}.0.2/24`],
  }));
  const routes = connectedRoutesInApplyOrder(ns).map((r) => `${r.to} ${r.dev}`);
  assert.deepEqual(routes, ns.interfaces.map((iface, i) => `10.${i % 20}.0.0/24 ${iface.name}`));
});

test('an interface VNet does not create (the host\'s eth0) is there with its routes before the lab: its route comes first', () => {
  const ns = emptyNamespace('host', true);
  const iface = (name: string, kind: 'veth' | 'bridge' | 'other') => ({ name, kind, state: 'up' as const, mtu: null, mac: null, master: null, peer: null, addresses: ['10.0.1.5/24'] });
  ns.interfaces = [iface('br0', 'bridge'), iface('v', 'veth'), iface('eth0', 'other')];
  assert.deepEqual(connectedRoutesInApplyOrder(ns).map((r) => r.dev), ['eth0', 'v', 'br0']);
});
