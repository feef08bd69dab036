// Policy rules, routing tables other than main, and the sysctls that decide forwarding, set by hand over
// ssh in a testbed host, read with `vnet show --json` (the netlink method) and with the ip method: each
// must equal what `ip rule`, `ip -j route show table N` and /proc/sys report in that namespace.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import { canonicalCidr } from '../../src/model/cidr';
import { findNamespace, type Namespace, type Topology } from '../../src/model/topology';
import { assertBuilt, showJson } from './show-support';

let bed: Testbed;
let host: TestHost;
let viaNetlink: Topology;
let viaIp: Topology;
let bridgeNetfilter: boolean;
const NAMESPACES = ['host', 'r1', 'r2'];

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh([
    'set -e',
    'ip netns add r1',
    'ip netns add r2',
    'ip link add v0 type veth peer name eth0 netns r1',
    'ip addr add 10.9.0.1/24 dev v0',
    'ip link set v0 up',
    'ip -n r1 link set lo up',
    'ip -n r1 addr add 10.9.0.2/24 dev eth0',
    'ip -n r1 link set eth0 up',
    'ip rule add from 10.9.0.0/24 lookup 100 priority 1000',
    'ip rule add fwmark 0x1 table 200',
    'ip -6 rule add from 2001:db8::/64 lookup 100 priority 1000',
    'ip route add 10.50.0.0/16 via 10.9.0.2 table 100',
    'ip -6 route add 2001:db8:5::/64 dev v0 table 100',
    'ip route add default dev v0 table 200',
    'ip route add blackhole 10.60.0.0/16 table default',
    'ip -n r1 rule add not to 10.1.0.0/16 fwmark 0x4/0xff iif eth0 lookup 7 priority 500',
    'ip -n r1 route add 10.1.0.0/16 via 10.9.0.1 table 7',
    // rp_filter: loose on all, strict on one interface; IPv6 forwarding on in one namespace.
    'echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter',
    'echo 1 > /proc/sys/net/ipv4/conf/v0/rp_filter',
    'ip netns exec r1 sh -c "echo 1 > /proc/sys/net/ipv6/conf/all/forwarding"',
    'ip netns exec r2 sh -c "echo 1 > /proc/sys/net/ipv4/ip_forward"',
    // bridge-nf-call-* exist only where br_netfilter is loaded (never loaded here: that is machine-wide).
    // They are per namespace: set one namespace's apart. They are read only where a bridge is (r1 has none).
    'ip link add br0 type bridge',
    'ip -n r2 link add br2 type bridge',
    'if [ -d /proc/sys/net/bridge ]; then ip netns exec r2 sh -c "echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables"; fi',
  ].join('\n'));
  bridgeNetfilter = (await host.mustSh('[ -d /proc/sys/net/bridge ] && echo yes || echo no')).trim() === 'yes';
  viaNetlink = await showJson(host);
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  try {
    viaIp = await probeHost(transport, { method: 'ip' });
  } finally {
    await transport.close();
  }
});

after(async () => { await bed?.stop(); });

/** Runs a script inside one of the host's namespaces. */
function inNamespace(name: string, script: string): Promise<string> {
  return host.mustSh(name === 'host' ? script : `ip netns exec ${name} sh -c '${script}'`);
}

function ns(topology: Topology, name: string): Namespace {
  const found = findNamespace(topology, name);
  assert.ok(found, `namespace ${name} is reported`);
  return found;
}

type IpJson = Record<string, unknown>;

/** A route of ip's JSON as Namespace.routes holds it, or null for one the kernel made. */
function routeOf(entry: IpJson, family: 4 | 6): { to: string; via: string | null; dev: string | null } | null {
  if (entry.protocol === 'kernel') return null;
  const dst = String(entry.dst);
  const to = dst === 'default' ? 'default' : canonicalCidr(dst.includes('/') ? dst : `${dst}/${family === 4 ? 32 : 128}`);
  return { to, via: typeof entry.gateway === 'string' ? entry.gateway : null, dev: typeof entry.dev === 'string' ? entry.dev : null };
}

async function routesOfTable(name: string, table: string): Promise<{ to: string; via: string | null; dev: string | null }[]> {
  const out: { to: string; via: string | null; dev: string | null }[] = [];
  for (const family of [4, 6] as const) {
    // A table that holds no route of a family does not exist for it: ip says so after printing "[".
    const entries = JSON.parse(await inNamespace(name, `r=$(ip -${family} -j route show table ${table} 2>/dev/null) || r="[]"; echo "$r"`)) as IpJson[];
    for (const entry of entries) {
      const route = routeOf(entry, family);
      if (route) out.push(route);
    }
  }
  return out;
}

for (const [method, read] of [['netlink (vnet show --json)', () => viaNetlink], ['ip', () => viaIp]] as const) {
  test(`${method}: policy rules are ip rule's, IPv4 and IPv6, field by field and as printed`, async () => {
    for (const name of NAMESPACES) {
      const rules = ns(read(), name).policyRules;
      assert.ok(rules, `${name} has policyRules`);
      const printed = (await inNamespace(name, 'ip rule; ip -6 rule')).split('\n').filter(Boolean);
      assert.deepEqual(rules.map((r) => r.text), printed, `${name}: rule texts`);
      const json = [
        ...(JSON.parse(await inNamespace(name, 'ip -j rule')) as IpJson[]).map((e): IpJson => ({ ...e, family: 4 })),
        ...(JSON.parse(await inNamespace(name, 'ip -6 -j rule')) as IpJson[]).map((e): IpJson => ({ ...e, family: 6 })),
      ];
      const expected = json.map((e) => ({
        family: e.family,
        priority: e.priority,
        from: e.src === 'all' ? null : canonicalCidr(`${String(e.src)}/${String(e.srclen ?? (e.family === 4 ? 32 : 128))}`),
        to: e.dst === undefined ? null : canonicalCidr(`${String(e.dst)}/${String(e.dstlen)}`),
        iif: e.iif ?? null,
        fwmark: e.fwmark === undefined ? null : e.fwmask === undefined ? e.fwmark : `${String(e.fwmark)}/${String(e.fwmask)}`,
        invert: 'not' in e,
        table: e.table ?? null,
      }));
      assert.deepEqual(rules.map((r) => ({ family: r.family, priority: r.priority, from: r.from, to: r.to, iif: r.iif, fwmark: r.fwmark, invert: r.invert, table: r.table })), expected, `${name}: rule fields`);
    }
    const root = ns(read(), 'host').policyRules!;
    assert.ok(root.some((r) => r.family === 4 && r.priority === 1000 && r.from === '10.9.0.0/24' && r.table === '100'));
    assert.ok(root.some((r) => r.family === 4 && r.fwmark === '0x1' && r.table === '200'));
    assert.ok(root.some((r) => r.family === 6 && r.priority === 1000 && r.from === '2001:db8::/64'));
    assert.ok(ns(read(), 'r1').policyRules!.some((r) => r.invert && r.to === '10.1.0.0/16' && r.fwmark === '0x4/0xff' && r.iif === 'eth0'));
  });

  test(`${method}: every table in use besides main and local, as ip route show table N; main unchanged`, async () => {
    for (const name of NAMESPACES) {
      const all = JSON.parse(await inNamespace(name, 'ip -j route show table all')) as IpJson[];
      const tables = [...new Set(all.map((e) => String(e.table ?? 'main')).filter((t) => t !== 'main' && t !== 'local'))];
      const expected = [];
      for (const table of tables) {
        const routes = await routesOfTable(name, table);
        if (routes.length) expected.push({ table, routes });
      }
      const order = (t: string) => (t === 'default' ? 253 : Number(t));
      expected.sort((a, b) => order(a.table) - order(b.table));
      const seen = ns(read(), name).routeTables?.map((t) => ({ table: t.table, routes: t.routes.map(({ to, via, dev }) => ({ to, via, dev })) }));
      assert.deepEqual(seen, expected, `${name}: route tables`);
      assert.deepEqual(ns(read(), name).routes.map(({ to, via, dev }) => ({ to, via, dev })), await routesOfTable(name, 'main'), `${name}: main`);
    }
    assert.deepEqual(ns(read(), 'host').routeTables?.map((t) => t.table), ['100', '200', 'default']);
    assert.deepEqual(ns(read(), 'r1').routeTables, [{ table: '7', routes: [{ to: '10.1.0.0/16', via: '10.9.0.1', dev: 'eth0', protocol: 'boot' }] }]);
  });

  test(`${method}: forwarding sysctls as /proc/sys reads in each namespace`, async () => {
    for (const name of NAMESPACES) {
      const script = 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding; for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo "$f $(cat $f)"; done;'
        + ' for f in iptables ip6tables; do cat /proc/sys/net/bridge/bridge-nf-call-$f 2>/dev/null || echo -; done';
      const [v4, v6, ...rest] = (await inNamespace(name, script)).trim().split('\n');
      assert.equal(ns(read(), name).forwarding, v4 === '1', `${name}: ip_forward`);
      const bridge = rest.slice(-2);
      const rp: Record<string, number> = {};
      for (const line of rest.slice(0, -2)) {
        const [, iface, value] = /^\/proc\/sys\/net\/ipv4\/conf\/(.+)\/rp_filter (\d)$/.exec(line)!;
        rp[iface] = Number(value);
      }
      const { all, default: byDefault, ...interfaces } = rp;
      const bridges = JSON.parse(await inNamespace(name, 'ip -j link show type bridge')) as unknown[];
      const flag = (v: string) => (v === '-' || bridges.length === 0 ? null : v !== '0');
      assert.deepEqual(ns(read(), name).sysctls, {
        ipv6Forwarding: v6 === '1',
        rpFilter: { all, default: byDefault, interfaces },
        bridgeNfCallIptables: flag(bridge[0]),
        bridgeNfCallIp6tables: flag(bridge[1]),
      }, `${name}: sysctls`);
    }
    assert.deepEqual([ns(read(), 'host').sysctls!.rpFilter!.all, ns(read(), 'host').sysctls!.rpFilter!.interfaces.v0], [2, 1]);
    assert.deepEqual(NAMESPACES.map((n) => ns(read(), n).sysctls!.ipv6Forwarding), [false, true, false]);
    assert.deepEqual(NAMESPACES.map((n) => ns(read(), n).forwarding), [false, false, true]);
    const bridged = NAMESPACES.map((n) => ns(read(), n).sysctls!.bridgeNfCallIptables);
    assert.deepEqual(bridged, bridgeNetfilter ? [true, null, false] : [null, null, null]);
  });
}

test('both methods read the same rules, tables and sysctls', () => {
  const pick = (t: Topology) => t.namespaces.map(({ name, policyRules, routeTables, sysctls, routes }) => ({ name, policyRules, routeTables, sysctls, routes }));
  assert.deepEqual(pick(viaIp), pick(viaNetlink));
});
