// Record framing of the probe's output: a record line must carry this run's nonce, so nothing on the
// host (a rule comment, an alias) can forge one; a restart discards the abandoned attempt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitProbeOutput } from '../../src/host/probe-records';
import { parseProbeOutput, parseProbeSnapshot } from '../../src/host/probe-parse';
import { isVnetError } from '../../src/model/errors';

const M = '@@abc123def456';

test('lines with another nonce are body text, not records', () => {
  const output = [
    `${M} probe 1`, `${M} tools nft=iptables-nft-save legacy=`, `${M} method netlink`, `${M} root 100`,
    `${M} mountinfo`, `${M} procs`,
    `${M} ns 100`, `${M} nl`, 'L 1 772 65609 6c6f 65536 000000000000 - - - 0 - - - -', 'F 0',
    `${M} ipt nft`, '*nat', ':POSTROUTING ACCEPT [0:0]', '@@forged00000 ns 999', '-A POSTROUTING -j MASQUERADE', 'COMMIT',
    `${M} iptrc nft 0`,
    `${M} end`,
  ].join('\n');
  const records = splitProbeOutput(output, M);
  assert.equal(records.complete, true);
  assert.deepEqual(records.namespaces.map((n) => n.inode), [100]);
  assert.match(records.namespaces[0].iptables[0].text, /@@forged00000 ns 999/);
  assert.equal(records.namespaces[0].iptables[0].exitCode, 0);
  const topology = parseProbeOutput(output, M, 'h');
  assert.deepEqual(topology.namespaces.map((n) => n.name), ['host']);
  assert.equal(topology.namespaces[0].nat.length, 1);
});

test('a restart throws away what the abandoned attempt printed', () => {
  const output = [
    `${M} probe 1`, `${M} tools nft= legacy=iptables-legacy-save`, `${M} method netlink`, `${M} root 100`, `${M} ns 100`, `${M} nl`, 'L 1 772 9 6c6f 65536 - - - - 6 - - - -',
    `${M} ns 200`, `${M} nl`,
    `${M} restart perl-exit-255`,
    `${M} method ip`, `${M} root 100`, `${M} mountinfo`, `${M} procs`, `${M} ns 100`, `${M} ip`, '[{"ifindex":1,"ifname":"lo","flags":["UP"],"link_type":"loopback","mtu":65536}]', `${M} end`,
  ].join('\n');
  const records = splitProbeOutput(output, M);
  assert.equal(records.method, 'ip');
  assert.deepEqual(records.namespaces.map((n) => n.inode), [100]);
  assert.deepEqual(records.restarts, ['perl-exit-255']);
  assert.equal(records.tools.legacy, 'iptables-legacy-save', 'tools survive a restart');
  const topology = parseProbeOutput(output, M, 'h');
  assert.ok(topology.warnings?.some((w) => /perl-exit-255/.test(w)));
});

test('a missing tool is a VN-HOST-TOOL error that says what to install', () => {
  for (const [tool, words] of [['ip', /iproute2/], ['iptables', /iptables/], ['nsenter', /util-linux/]] as const) {
    assert.throws(() => parseProbeOutput(`${M} probe 1\n${M} fatal VN-HOST-TOOL ${tool}\n`, M, 'root@h'), (error: unknown) => {
      assert.ok(isVnetError(error));
      assert.equal(error.code, 'VN-HOST-TOOL');
      assert.match(error.message, words);
      assert.match(error.message, /root@h/);
      return true;
    });
  }
});

test('output cut short is an error, never a partial Topology', () => {
  const cut = `${M} probe 1\n${M} method netlink\n${M} root 100\n${M} ns 100\n${M} nl\nL 1 772 9 6c6f 65536 - - - - 6 - - - -\n`;
  assert.throws(() => parseProbeOutput(cut, M, 'h', 'Connection reset\n'), (error: unknown) => isVnetError(error) && error.code === 'VN-PROBE-INCOMPLETE' && /Connection reset/.test(error.message));
});

test('a namespace that vanished while it was read is left out without a warning', () => {
  const output = [`${M} probe 1`, `${M} method netlink`, `${M} root 100`, `${M} mountinfo`, `${M} procs`, '77 300',
    `${M} ns 100`, `${M} nl`, `${M} ns 300`, `${M} nsfail gone`, `${M} end`].join('\n');
  const topology = parseProbeOutput(output, M, 'h');
  assert.deepEqual(topology.namespaces.map((n) => n.name), ['host']);
  assert.equal(topology.warnings, undefined);
});

test('lab state files in the probe output name the owner of each namespace', () => {
  const mark = '@@abcdef12';
  const base = (extra: string) => [
    `${mark} probe 1`,
    `${mark} tools nft=iptables-nft-save legacy=`,
    extra,
    `${mark} method ip`,
    `${mark} root 100`,
    `${mark} mountinfo`,
    '1 2 0:4 net:[200] /run/netns/net1 rw - nsfs nsfs rw',
    `${mark} procs`,
    `${mark} ns 100`,
    `${mark} ip`,
    '[]',
    `${mark} ns 200`,
    `${mark} ip`,
    '[]',
    `${mark} end`,
  ].join('\n');
  const owned = parseProbeOutput(base(`${mark} labstate c-net1\n{"kind":"namespace","name":"net1"}`), mark, 'h');
  assert.equal(owned.namespaces.find((ns) => ns.name === 'net1')?.owner, 'c-net1');
  const forged = parseProbeOutput(base(`${mark} labstate bad name\n{"kind":"namespace","name":"net1"}`), mark, 'h');
  assert.equal(forged.namespaces.find((ns) => ns.name === 'net1')?.owner, undefined);
  const released = parseProbeOutput(base(`${mark} labstate c-net1\n{"kind":"namespace","name":"net1"}\n{"kind":"namespace","name":"net1","released":true}`), mark, 'h');
  assert.equal(released.namespaces.find((ns) => ns.name === 'net1')?.owner, undefined);
});

test('a plan trusts the state files only when they read the same before and after the network', () => {
  const mark = '@@abcdef12';
  const output = (before: string, after: string | null) => [
    `${mark} probe 1`,
    `${mark} tools nft=iptables-nft-save legacy=`,
    before,
    `${mark} labstate-done`,
    `${mark} method ip`,
    `${mark} root 100`,
    `${mark} mountinfo`,
    `${mark} procs`,
    `${mark} ns 100`,
    `${mark} ip`,
    '[]',
    `${mark} end`,
    ...(after === null ? [] : [after, `${mark} labstate-after-done`]),
  ].join('\n');
  const a = `${mark} labstate a\n{"kind":"namespace","name":"n1"}\n`;
  const b = `${mark} labstate b\n{"kind":"namespace","name":"x"}\n`;
  const steady = parseProbeSnapshot(output(`${a}\n${b}`, `${a}\n${b}`.replaceAll('labstate', 'labstate-after')), mark, 'h');
  assert.equal(steady.stateSteady, true);
  assert.deepEqual([...steady.stateFiles.keys()], ['a', 'b']);
  assert.equal(steady.stateFiles.get('a'), '{"kind":"namespace","name":"n1"}\n');
  // An apply appended a claim, or finished and rewrote its file, or made its first one: read again.
  const claimed = `${mark} labstate-after a\n{"kind":"namespace","name":"n1"}\n{"kind":"namespace","name":"n2"}\n`;
  assert.equal(parseProbeSnapshot(output(a, claimed), mark, 'h').stateSteady, false);
  assert.equal(parseProbeSnapshot(output(a, `${a}\n${b}`.replaceAll('labstate', 'labstate-after')), mark, 'h').stateSteady, false);
  assert.equal(parseProbeSnapshot(output('', `${mark} labstate-after a\n{}`), mark, 'h').stateSteady, false);
  // Output that stops before the second reading proves nothing.
  assert.equal(parseProbeSnapshot(output(a, null), mark, 'h').stateSteady, false);
  // No state files at all, both times: steady.
  assert.equal(parseProbeSnapshot(output('', ''), mark, 'h').stateSteady, true);
});

test('the ip method names the nsids of a namespace in a second look at it, which pairs its veth exactly', () => {
  const mount = (inode: number, name: string) => `7${inode} 1 0:4 net:[${inode}] /run/netns/${name} rw - nsfs nsfs rw`;
  const link = (index: number, name: string, peer: number) => `{"ifindex":${index},"link_index":${peer},"ifname":"${name}","flags":[],"link_type":"ether","link_netnsid":0,"linkinfo":{"info_kind":"veth"}}`;
  const output = [
    `${M} probe 1`, `${M} tools nft= legacy=`, `${M} method ip`, `${M} root 100`,
    `${M} mountinfo`, mount(200, 'a'), mount(300, 'b'), `${M} procs`,
    `${M} ns 100`, `${M} ip`, '[]', `${M} ns 200`, `${M} ip`, `[${link(2, 'v0', 2)}]`, `${M} ns 300`, `${M} ip`, `[${link(2, 'v1', 2)}]`,
    `${M} nsids 300`, `${M} ip`, '[{"name":"a","id":0},{"name":"b"}]',
    `${M} nsids 999`, `${M} ip`, '[{"name":"b","id":0}]',
    `${M} end`,
  ].join('\n');
  const topology = parseProbeOutput(output, M, 'h');
  assert.deepEqual(topology.namespaces.map((n) => [n.name, n.interfaces.map((i) => [i.name, i.peer])]), [
    ['host', []],
    ['a', [['v0', { namespace: 'b', interface: 'v1' }]]],
    ['b', [['v1', { namespace: 'a', interface: 'v0' }]]],
  ]);
});

test('a namespace\'s iptables-save and nft output may arrive after other namespaces, found again by inode', () => {
  const lo = 'L 1 772 65609 6c6f 65536 000000000000 - - - 0 - - - -';
  const output = [
    `${M} probe 1`, `${M} tools nft=iptables-nft-save legacy=`, `${M} method netlink`, `${M} root 100`,
    `${M} mountinfo`, `${M} procs`,
    `${M} ns 100`, `${M} nl`, lo, 'F 1', 'T 2 6e6174',
    `${M} ns 200`, `${M} nl`, lo, 'F 0', 'T 2 6e6174',
    `${M} nsrules 200`, `${M} ipt nft`, '*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -j MASQUERADE', '@@forged00000 nsrules 100', 'COMMIT',
    `${M} iptrc nft 0`,
    `${M} nsrules 100`, `${M} ipt nft`, '*nat', ':POSTROUTING ACCEPT [0:0]', 'COMMIT', `${M} iptrc nft 4`,
    `${M} nsrules 999`, `${M} ipt nft`, '*nat', 'COMMIT', `${M} iptrc nft 0`,
    `${M} end`,
  ].join('\n');
  const records = splitProbeOutput(output, M);
  assert.deepEqual(records.namespaces.map((n) => n.inode), [100, 200], 'nsrules adds no namespace');
  const [host, other] = records.namespaces;
  assert.deepEqual(host.iptables.map((d) => d.exitCode), [4]);
  assert.deepEqual(other.iptables.map((d) => d.exitCode), [0]);
  assert.match(other.iptables[0].text, /MASQUERADE\n@@forged00000 nsrules 100\nCOMMIT/);
  assert.deepEqual(host.netlink, [lo, 'F 1', 'T 2 6e6174'], 'the other namespace\'s lines stay its own');
});
