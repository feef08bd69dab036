// Native nftables from `nft -j`: the JSON in the fixtures is what nft 1.0.6 printed in a testbed host for
// the rulesets beside it (test/unit/fixtures/nft/*.nft, loaded with `nft -f`), in the shapes firewalld,
// Docker's nftables backend, netavark and kube-proxy write; iptables-nft.json is what iptables-nft 1.8.9
// made of three rules.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRule, isIptablesNftTable, nativeTables, nftTableOwner, parseNftJson } from '../../src/host/nft-json-parse';
import { nftFromIpJson, nftFromNetlinkLines } from '../../src/host/probe-nft';
import { splitProbeOutput } from '../../src/host/probe-records';
import type { NftTable } from '../../src/model/nftables';

const FIXTURES = join(__dirname, 'fixtures/nft');
const json = (name: string) => readFileSync(join(FIXTURES, `${name}.json`), 'utf8');
const tablesOf = (name: string): NftTable[] => parseNftJson([JSON.parse(json(name))]);
const chain = (table: NftTable, name: string) => table.chains.find((c) => c.name === name)!;

test('firewalld: chains with type, hook, priority and policy; rules as nft prints them, decoded', () => {
  const [table] = tablesOf('firewalld');
  assert.deepEqual([table.family, table.name, table.owner], ['inet', 'firewalld', 'firewalld']);
  assert.deepEqual(table.chains.map((c) => [c.name, c.type, c.hook, c.priority, c.policy]), [
    ['filter_INPUT', 'filter', 'input', 10, 'accept'],
    ['filter_FORWARD', 'filter', 'forward', 10, 'drop'],
    ['filter_FORWARD_ZONES', null, null, null, null],
    ['filter_FWD_public', null, null, null, null],
    ['nat_PREROUTING', 'nat', 'prerouting', -90, 'accept'],
    ['nat_POSTROUTING', 'nat', 'postrouting', 110, 'accept'],
  ]);
  const forward = chain(table, 'filter_FORWARD').rules;
  assert.deepEqual(forward.map((r) => r.text), [
    'ct state { established, related } accept',
    'ct status dnat accept',
    'iifname "lo" accept',
    'ip6 daddr { ::/96, ::ffff:0.0.0.0/96, 2002::/24 } reject with icmpv6 addr-unreachable',
    'jump filter_FORWARD_ZONES',
    'ct state invalid drop',
    'reject with icmpx admin-prohibited',
  ]);
  assert.deepEqual(forward[0].facts.ctState, { states: ['established', 'related'], negated: false });
  assert.deepEqual(forward[0].facts.verdict, { kind: 'accept' });
  assert.deepEqual(forward[1].facts.unmodelled, ['ct status dnat']);
  assert.deepEqual(forward[2].facts.iifname, { value: 'lo', negated: false });
  assert.deepEqual(forward[3].facts.unmodelled, ['ip6 daddr { ::/96, ::ffff:0.0.0.0/96, 2002::/24 }']);
  assert.deepEqual(forward[3].facts.verdict, { kind: 'reject' });
  assert.deepEqual(forward[4].facts.verdict, { kind: 'jump', chain: 'filter_FORWARD_ZONES' });
  assert.deepEqual(chain(table, 'filter_FORWARD_ZONES').rules[0].facts.verdict, { kind: 'goto', chain: 'filter_FWD_public' });
  assert.deepEqual(chain(table, 'filter_FWD_public').rules[1].facts.verdict, { kind: 'return' });

  const [dnatPort, dnatSet] = chain(table, 'nat_PREROUTING').rules;
  assert.equal(dnatPort.text, 'fib daddr type local tcp dport 8080 dnat ip to 10.88.0.2:80');
  assert.deepEqual(dnatPort.facts, {
    saddr: null, daddr: null, iifname: null, oifname: null, l4proto: 'tcp', dport: ['8080'], ctState: null,
    fibDaddrLocal: true, verdict: { kind: 'dnat', to: '10.88.0.2:80' }, unmodelled: [],
  });
  assert.equal(dnatSet.text, 'ip daddr != 127.0.0.0/8 tcp dport { 443, 8443 } dnat ip to 10.88.0.3');
  assert.deepEqual(dnatSet.facts.daddr, { value: '127.0.0.0/8', negated: true });
  assert.deepEqual(dnatSet.facts.dport, ['443', '8443']);

  const [masquerade, snat] = chain(table, 'nat_POSTROUTING').rules;
  assert.equal(masquerade.text, 'ip saddr 10.88.0.0/16 oifname != "lo" masquerade');
  assert.deepEqual([masquerade.facts.saddr, masquerade.facts.oifname, masquerade.facts.verdict], [
    { value: '10.88.0.0/16', negated: false }, { value: 'lo', negated: true }, { kind: 'masquerade' },
  ]);
  assert.equal(snat.text, 'meta l4proto udp ip saddr 10.89.0.0/24 snat ip to 192.0.2.1');
  assert.deepEqual([snat.facts.l4proto, snat.facts.verdict], ['udp', { kind: 'snat', to: '192.0.2.1' }]);
});

test("Docker's nftables backend: verdict maps are unmodelled, counters and comments are not", () => {
  const [table] = tablesOf('docker');
  assert.deepEqual([table.family, table.name, table.owner], ['ip', 'docker-bridges', 'docker']);
  const [outVmap] = chain(table, 'filter-FORWARD').rules;
  assert.equal(outVmap.text, 'oifname vmap @filter-forward-in-jumps');
  assert.deepEqual([outVmap.facts.verdict, outVmap.facts.unmodelled], [null, ['oifname vmap @filter-forward-in-jumps']]);
  const [established, fromBridge, drop] = chain(table, 'filter-forward-in__docker0').rules;
  assert.equal(established.text, 'ct state established,related counter accept');
  assert.deepEqual(established.facts.ctState, { states: ['established', 'related'], negated: false });
  assert.deepEqual(fromBridge.facts.iifname, { value: 'docker0', negated: false });
  assert.deepEqual([drop.text, drop.comment, drop.facts.verdict, drop.facts.unmodelled], ['counter drop comment "DROP"', 'DROP', { kind: 'drop' }, []]);
  const [dnat] = chain(table, 'nat-prerouting-and-output').rules;
  assert.equal(dnat.text, 'iifname != "docker0" tcp dport 8080 counter dnat to 172.17.0.2:80 comment "DNAT"');
  assert.deepEqual([dnat.facts.iifname, dnat.facts.dport, dnat.facts.verdict], [{ value: 'docker0', negated: true }, ['8080'], { kind: 'dnat', to: '172.17.0.2:80' }]);
  const [output] = chain(table, 'nat-OUTPUT').rules;
  assert.deepEqual([output.facts.daddr, output.facts.fibDaddrLocal], [{ value: '127.0.0.0/8', negated: true }, true]);
  assert.equal(chain(table, 'nat-OUTPUT').priority, -100);
});

test('netavark: marks are unmodelled in nft words; masquerade and dnat are decoded', () => {
  const [table] = tablesOf('netavark');
  assert.deepEqual([table.family, table.name, table.owner], ['inet', 'netavark', 'netavark']);
  const [marked] = chain(table, 'POSTROUTING').rules;
  assert.equal(marked.text, 'meta mark & 0x00002000 == 0x00002000 meta mark set meta mark ^ 0x00002000 masquerade');
  assert.deepEqual(marked.facts.unmodelled, ['meta mark & 0x00002000 == 0x00002000', 'meta mark set meta mark ^ 0x00002000']);
  assert.deepEqual(marked.facts.verdict, { kind: 'masquerade' });
  const [, dnat] = chain(table, 'nv_2f259bab_10_88_0_0_nm16_dnat').rules;
  assert.deepEqual(dnat.facts.verdict, { kind: 'dnat', to: '10.88.0.2:80' });
  assert.equal(chain(table, 'NETAVARK-ISOLATION-1').rules.length, 0);
});

test('kube-proxy: named sets and numgen maps are unmodelled; masquerade flags keep the verdict', () => {
  const [table] = tablesOf('kube-proxy');
  assert.deepEqual([table.family, table.name, table.owner], ['ip', 'kube-proxy', 'kube-proxy']);
  assert.equal(chain(table, 'filter-forward').priority, -110);
  const [reject] = chain(table, 'cluster-ips-check').rules;
  assert.equal(reject.text, 'ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"');
  assert.deepEqual([reject.facts.daddr, reject.facts.unmodelled, reject.facts.verdict], [null, ['ip daddr @cluster-ips'], { kind: 'reject' }]);
  const [, , masquerade] = chain(table, 'masquerading').rules;
  assert.deepEqual([masquerade.text, masquerade.facts.verdict], ['masquerade fully-random', { kind: 'masquerade' }]);
  const [service, endpoints] = chain(table, 'service-2QRHZV4L-default/kubernetes/tcp/https').rules;
  assert.deepEqual([service.facts.daddr, service.facts.saddr, service.facts.dport], [{ value: '10.96.0.1', negated: false }, { value: '10.244.0.0/16', negated: true }, ['443']]);
  assert.equal(endpoints.text, 'numgen random mod 1 vmap { 0 : goto endpoint-TZ3ZVD6N-default/kubernetes/tcp/https__172.18.0.2/6443 }');
  const [, dnat] = chain(table, 'endpoint-TZ3ZVD6N-default/kubernetes/tcp/https__172.18.0.2/6443').rules;
  assert.deepEqual([dnat.facts.l4proto, dnat.facts.verdict], ['tcp', { kind: 'dnat', to: '172.18.0.2:6443' }]);
});

test("iptables-nft's tables are not native; a table with iptables' name but its own base chains is", () => {
  const tables = tablesOf('iptables-nft');
  assert.deepEqual(tables.map((t) => `${t.family} ${t.name}`), ['ip filter', 'ip nat', 'ip6 filter']);
  assert.deepEqual(nativeTables(tables), []);
  assert.equal(isIptablesNftTable('ip', 'nat', ['postrouting']), false);
  assert.equal(isIptablesNftTable('inet', 'filter', ['FORWARD']), false);
  assert.equal(isIptablesNftTable('bridge', 'broute', ['BROUTING']), true);
  assert.deepEqual(['firewalld', 'netavark', 'docker-bridges', 'kube-proxy', 'mytable'].map(nftTableOwner), ['firewalld', 'netavark', 'docker', 'kube-proxy', null]);
});

test('redirect and ranges, from libnftables-json(5) statements (this kernel has no nft_redir to capture them)', () => {
  const facts = decodeRule([
    { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: { range: [1000, 2000] } } },
    { redirect: { port: 3128 } },
  ]);
  assert.deepEqual([facts.dport, facts.l4proto, facts.verdict], [['1000-2000'], 'tcp', { kind: 'redirect', to: ':3128' }]);
  assert.deepEqual(decodeRule([{ redirect: null }]).verdict, { kind: 'redirect', to: null });
});

test("the Perl reader's J lines: tables read, nft missing, an unsafe name", () => {
  const hex = (s: string) => Buffer.from(s, 'utf8').toString('hex');
  const read = nftFromNetlinkLines([
    'L 1 772 73 6c6f 65536 - - - - 0 - - - -',
    `J ip ${hex('kube-proxy')} 0 ${hex(json('kube-proxy'))}`,
    `J inet ${hex('firewalld')} 0 ${hex(json('firewalld'))}`,
    `J inet ${hex('x y')} unsafe -`,
    `J ip6 ${hex('gone')} 1 -`,
  ]);
  assert.deepEqual(read.tables.map((t) => `${t.family} ${t.name}`), ['inet firewalld', 'ip kube-proxy']);
  assert.deepEqual(read.problems, [
    'holds the nftables table "inet x y", whose name cannot be passed to nft safely; it was not read',
    'holds the nftables table "ip6 gone", which nft could not list (exit 1)',
  ]);
  const missing = nftFromNetlinkLines([`J inet ${hex('firewalld')} - -`]);
  assert.deepEqual(missing, { tables: [], problems: ['holds the nftables table "inet firewalld", which was not read: nft is not installed there'] });
});

test('the ip method: nft JSON among ip documents, iptables-nft tables left out', () => {
  const text = `[{"ifindex":1,"ifname":"lo"}]\n${json('iptables-nft')}${json('docker')}`;
  const read = nftFromIpJson(text);
  assert.deepEqual(read.tables.map((t) => t.name), ['docker-bridges']);
  assert.deepEqual(read.tables, nftFromNetlinkLines([`J ip ${Buffer.from('docker-bridges').toString('hex')} 0 ${Buffer.from(json('docker')).toString('hex')}`]).tables);
});

test("the J lines follow iptables-save in a second nl section, and join the namespace's first", () => {
  const name = Buffer.from('firewalld').toString('hex');
  const output = [
    '@@m0nce123 method netlink', '@@m0nce123 root 1', '@@m0nce123 ns 7', '@@m0nce123 nl', 'F 1', 'T 1 ' + name,
    '@@m0nce123 ipt nft', '*filter', 'COMMIT', '@@m0nce123 iptrc nft 0',
    '@@m0nce123 nl', `J inet ${name} 0 ${Buffer.from(json('firewalld')).toString('hex')}`, '@@m0nce123 end',
  ].join('\n');
  const [ns] = splitProbeOutput(output, '@@m0nce123').namespaces;
  assert.deepEqual(ns.netlink!.slice(0, 2), ['F 1', `T 1 ${name}`]);
  assert.equal(ns.iptables[0].text, '*filter\nCOMMIT');
  assert.deepEqual(nftFromNetlinkLines(ns.netlink!).tables.map((t) => t.name), ['firewalld']);
});
