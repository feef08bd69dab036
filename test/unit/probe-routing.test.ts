// Policy rules, route tables other than main, and the forwarding sysctls: read from outputs captured from a
// real kernel (test/fixtures/probe/capture-routing.sh runs routing-scenario.sh in a sandbox, the probe both
// ways, and `ip rule` itself), and from hand-made records for what a capture cannot hold.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIpJson } from '../../src/host/probe-ip-json';
import { parseNetlinkLines } from '../../src/host/probe-netlink-lines';
import { parseProbeOutput } from '../../src/host/probe-parse';
import { ruleText } from '../../src/host/probe-routing';
import { parseRuleRecord } from '../../src/host/probe-routing-lines';
import { ruleOfEntry } from '../../src/host/probe-routing-json';
import { findNamespace, type Namespace, type Topology } from '../../src/model/topology';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/probe', name), 'utf8');
const MARK = '@@fixture0nonce';
const viaNetlink = parseProbeOutput(fixture('routing-netlink.txt'), MARK, 'local');
const viaIp = parseProbeOutput(fixture('routing-ip.txt'), MARK, 'local');
const hex = (text: string) => Buffer.from(text, 'utf8').toString('hex');

function ns(topology: Topology, name: string): Namespace {
  const found = findNamespace(topology, name);
  assert.ok(found, `namespace ${name} missing; have ${topology.namespaces.map((n) => n.name).join(', ')}`);
  return found;
}

test('both ways of reading a host give the same rules, tables and sysctls', () => {
  assert.deepEqual(viaIp, viaNetlink);
});

for (const [method, topology] of [['netlink', viaNetlink], ['ip', viaIp]] as const) {
  test(`${method}: every rule's text is the line ip rule printed, IPv4 then IPv6`, () => {
    const printed = fixture('routing-ip-rule.txt').split('\n').filter(Boolean);
    assert.deepEqual(ns(topology, 'host').policyRules?.map((r) => r.text), printed);
  });

  test(`${method}: the rule fields`, () => {
    const rules = ns(topology, 'host').policyRules!;
    const at = (family: 4 | 6, priority: number) => rules.find((r) => r.family === family && r.priority === priority);
    assert.deepEqual(at(4, 1000), { family: 4, priority: 1000, from: '10.9.0.0/24', to: null, iif: null, oif: null, fwmark: null, invert: false, action: 'lookup', table: '100', text: '1000:\tfrom 10.9.0.0/24 lookup 100' });
    assert.deepEqual(at(4, 999), { family: 4, priority: 999, from: null, to: null, iif: null, oif: null, fwmark: '0x1', invert: false, action: 'lookup', table: '200', text: '999:\tfrom all fwmark 0x1 lookup 200' });
    const inverted = at(4, 1200)!;
    assert.deepEqual([inverted.invert, inverted.to, inverted.fwmark, inverted.iif, inverted.oif, inverted.table], [true, '10.8.0.0/16', '0x4/0xff', 'd0', 'lo', '300']);
    assert.deepEqual([at(4, 1300)!.action, at(4, 1300)!.table], ['prohibit', null]);
    assert.deepEqual([at(4, 1100)!.action, at(4, 1100)!.from], ['goto', '10.7.0.1/32']);
    assert.deepEqual([at(4, 607)!.action, at(4, 604)!.action], ['blackhole', 'nop']);
    assert.equal(at(6, 1000)!.from, '2001:db8::/64');
    assert.deepEqual(ns(topology, 'other').policyRules?.map((r) => `${r.family} ${r.priority} ${r.to} ${r.table}`),
      ['4 0 null local', '4 32765 10.1.0.0/16 7', '4 32766 null main', '4 32767 null default', '6 0 null local', '6 32766 null main']);
  });

  test(`${method}: tables other than main and local, by number, default by name; main stays in routes`, () => {
    assert.deepEqual(ns(topology, 'host').routeTables, [
      { table: '100', routes: [
        { to: '10.50.0.0/16', via: '10.9.0.254', dev: 'd0', protocol: 'boot' },
        { to: '2001:db8:1::/64', via: null, dev: 'd0', protocol: 'boot' },
      ] },
      { table: '200', routes: [{ to: 'default', via: null, dev: 'd0', protocol: 'boot' }] },
      { table: 'default', routes: [{ to: '10.60.0.0/16', via: null, dev: null, protocol: 'boot', type: 'blackhole' }] },
    ]);
    assert.deepEqual(ns(topology, 'host').routes, [], 'main holds only the kernel\'s connected routes');
    assert.deepEqual(ns(topology, 'other').routeTables, [{ table: '7', routes: [{ to: '10.1.0.0/16', via: null, dev: 'lo', protocol: 'boot' }] }]);
  });

  test(`${method}: sysctls per namespace`, () => {
    const host = ns(topology, 'host').sysctls!;
    assert.equal(host.ipv6Forwarding, true);
    assert.deepEqual(host.rpFilter, { all: 2, default: 0, interfaces: { lo: 0, d1: 0, d0: 1, br0: 0 } });
    const other = ns(topology, 'other').sysctls!;
    assert.equal(other.ipv6Forwarding, false);
    assert.deepEqual(other.rpFilter, { all: 0, default: 0, interfaces: { lo: 0, br1: 0 } });
    // The capture machine has br_netfilter loaded (the scenario sets 0 in "other" only where it is).
    if (host.bridgeNfCallIptables !== null) {
      assert.deepEqual([host.bridgeNfCallIptables, host.bridgeNfCallIp6tables], [true, true]);
      assert.deepEqual([other.bridgeNfCallIptables, other.bridgeNfCallIp6tables], [false, true]);
    }
    // No bridge there: nothing is bridged, so br_netfilter's switches are not read.
    const bare = ns(topology, 'bare').sysctls!;
    assert.deepEqual([bare.bridgeNfCallIptables, bare.bridgeNfCallIp6tables], [null, null]);
    assert.deepEqual([bare.ipv6Forwarding, bare.rpFilter], [false, { all: 0, default: 0, interfaces: { lo: 0 } }]);
    assert.deepEqual([ns(topology, 'bare').routeTables, ns(topology, 'bare').policyRules?.length], [[], 5]);
  });

  test(`${method}: forwarding (net.ipv4.ip_forward) still comes out as before`, () => {
    assert.deepEqual(topology.namespaces.map((n) => `${n.name} ${n.forwarding}`), ['host false', 'bare false', 'other true']);
  });
}

test('an output without routing records (an older probe) adds no routing fields', () => {
  const rich = parseProbeOutput(fixture('rich-netlink.txt'), MARK, 'local');
  for (const namespace of rich.namespaces) {
    assert.equal(namespace.policyRules, undefined);
    assert.equal(namespace.routeTables, undefined);
    assert.equal(namespace.sysctls, undefined);
  }
  assert.equal(parseNetlinkLines(['P 2 1000 0 1 100 24 0a090000 0 - 0 - - - - - - -1 - - - - - 0 - -']).routing, undefined);
});

test('netlink: sysctls absent are null, and any interface name is kept as a key', () => {
  const state = parseNetlinkLines([
    `L 7 1 4099 ${hex('__proto__')} 1500 aabbccddeeff - - - 6 - - - -`,
    'C 2 7 0 1', 'C 2 -1 0 2', 'C 2 -2 0 0',
    'B - -',
  ]);
  const sysctls = state.routing!.sysctls;
  assert.deepEqual(sysctls, { ipv6Forwarding: null, rpFilter: { all: 2, default: 0, interfaces: JSON.parse('{"__proto__":1}') }, bridgeNfCallIptables: null, bridgeNfCallIp6tables: null });
  assert.equal(Object.getPrototypeOf(sysctls.rpFilter!.interfaces), Object.prototype);
  assert.equal(JSON.stringify(sysctls.rpFilter!.interfaces), '{"__proto__":1}');
});

test('netlink: routes of the local table are left out, main ones stay in routes, others go by table', () => {
  const state = parseNetlinkLines([
    `L 3 1 4099 ${hex('d0')} 1500 aabbccddeeff - - - 6 - - - -`,
    'R 2 16 4 1 0a010000 - 3 -',
    'U 255 2 32 2 2 0a090001 - 3 -',
    'U 100 2 0 4 1 - 0a0900fe 3 -',
    'U 253 10 64 4 7 20010db8000000000000000000000000 - - -',
    'B 1 0',
  ]);
  assert.deepEqual(state.routes.map((r) => r.to), ['10.1.0.0/16']);
  assert.deepEqual(state.routing!.tables, [
    { table: '100', route: { to: 'default', protocol: 'static', type: 'unicast', nexthops: [{ via: '10.9.0.254', dev: 'd0' }] } },
    { table: 'default', route: { to: '2001:db8::/64', protocol: 'static', type: 'unreachable', nexthops: [{ via: null, dev: null }] } },
  ]);
  assert.deepEqual([state.routing!.sysctls.bridgeNfCallIptables, state.routing!.sysctls.bridgeNfCallIp6tables], [true, false]);
});

test('a rule record and its ip JSON entry give the same facts and text', () => {
  // iif with bytes a shell or a terminal would interpret, an unnamed protocol, a table past 255.
  const iif = 'e\u001b[31m';
  const record = parseRuleRecord(['P', '2', '42', '0', '1', '1000000', '0', '-', '0', '-', '0', hex(iif), '-', '0', '4294967295', '-', '-', '-1', '-', '-', '99', '-', '443,443', '4', '-', '-'])!;
  const entry = ruleOfEntry({ priority: 42, src: 'all', fwmark: '0', iif, ipproto: 'ipproto-99', dport: 443, table: '1000000', protocol: 'static' }, 4);
  assert.deepEqual(entry, record);
  assert.equal(ruleText(record), `42:\tfrom all fwmark 0 iif ${iif} ipproto ipproto-99 dport 443 lookup 1000000 proto static`);
});

test('ip: rules6 and bridgeNf documents; a rule document is never read as routes', () => {
  const state = parseIpJson([
    '[{"priority":32766,"src":"all","table":"main","protocol":"kernel"}]',
    '[{"family":"inet","interface":"all","forwarding":false,"rp_filter":"loose"},{"family":"inet","interface":"default","forwarding":false,"rp_filter":"strict"}]',
    '{"rules6":[{"priority":5,"src":"2001:db8::1","table":"9","protocol":"unspec"}]}',
    '{"bridgeNf":["-","-"]}',
  ].join('\n'));
  assert.deepEqual(state.routes, []);
  assert.deepEqual(state.routing!.rules.map(ruleText), ['32766:\tfrom all lookup main', '5:\tfrom 2001:db8::1 lookup 9']);
  assert.deepEqual(state.routing!.rules.map((r) => r.family), [4, 6]);
  assert.deepEqual(state.routing!.sysctls, { ipv6Forwarding: null, rpFilter: { all: 2, default: 1, interfaces: {} }, bridgeNfCallIptables: null, bridgeNfCallIp6tables: null });
  assert.equal(parseIpJson('[{"priority":1,"src":"all","table":"main"}]').routing, undefined, 'no bridgeNf document: not read');
});
