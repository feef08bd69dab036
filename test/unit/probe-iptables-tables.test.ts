// The filter, mangle and raw tables as real iptables prints them: docker-cni.rules (Docker's, CNI's, a
// bridged rule, mangle and raw rules) restored in a testbed host and saved back by each backend
// (test/fixtures/probe/iptables/capture.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIptablesSave } from '../../src/host/iptables-save-parse';
import { parseProbeOutput } from '../../src/host/probe-parse';
import type { IptablesTableState } from '../../src/model/firewall';
import type { NatRule } from '../../src/model/topology';

const DIR = join(__dirname, '../fixtures/probe/iptables');
const saved = (backend: 'nft' | 'legacy') => readFileSync(join(DIR, `docker-cni.${backend}.save`), 'utf8');

function table(tables: IptablesTableState[], name: string): IptablesTableState {
  const found = tables.find((t) => t.table === name);
  assert.ok(found, `table ${name}`);
  return found;
}

for (const backend of ['nft', 'legacy'] as const) {
  test(`${backend}: every table, chain and rule is read, in iptables-save's order`, () => {
    const text = saved(backend);
    const state = parseIptablesSave(text, backend);
    assert.deepEqual(state.unparsed, []);
    assert.deepEqual(state.tables.map((t) => [t.table, t.backend]).sort(), [['filter', backend], ['mangle', backend], ['raw', backend]]);
    // Each table holds exactly the `:` and `-A` lines of its section.
    for (const t of state.tables) {
      const section = text.split(`*${t.table}\n`)[1].split('\nCOMMIT')[0].split('\n');
      assert.deepEqual(t.chains.map((c) => `:${c.name} ${c.policy ?? '-'}`), section.filter((l) => l.startsWith(':')).map((l) => l.replace(/ \[.*$/, '')));
      assert.deepEqual(t.rules.map((r) => r.rule), section.filter((l) => l.startsWith('-A ')));
    }
    const filter = table(state.tables, 'filter');
    assert.deepEqual(filter.chains.slice(0, 3), [{ name: 'INPUT', policy: 'ACCEPT' }, { name: 'FORWARD', policy: 'DROP' }, { name: 'OUTPUT', policy: 'ACCEPT' }]);
    assert.equal(state.forwardPolicy, 'DROP');
  });

  test(`${backend}: Docker's and CNI's filter rules say what they do`, () => {
    const filter = table(parseIptablesSave(saved(backend), backend).tables, 'filter');
    const forward = filter.rules.filter((r) => r.chain === 'FORWARD');
    assert.deepEqual(forward.slice(0, 4).map((r) => r.target), [
      { kind: 'jump', chain: 'CNI-FORWARD' }, { kind: 'jump', chain: 'DOCKER-USER' },
      { kind: 'jump', chain: 'DOCKER-ISOLATION-STAGE-1' }, { kind: 'ACCEPT' },
    ]);
    assert.equal(forward[0].comment, 'CNI firewall plugin rules');
    assert.deepEqual(forward[3].outInterface, { value: 'docker0', negated: false });
    assert.deepEqual(forward[3].matches, [{ kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'], negated: false }]);
    const published = filter.rules.find((r) => r.chain === 'DOCKER')!;
    assert.deepEqual([published.destination, published.inInterface, published.protocol, published.dport], [
      { value: '172.17.0.2/32', negated: false }, { value: 'docker0', negated: true }, 'tcp', '80',
    ]);
    const isolation = filter.rules.filter((r) => r.chain === 'DOCKER-ISOLATION-STAGE-2').map((r) => r.target.kind);
    assert.deepEqual(isolation, ['DROP', 'DROP', 'RETURN']);
    const bridged = forward.find((r) => r.matches?.[0]?.kind === 'physdev')!;
    assert.deepEqual(bridged.matches, [{ kind: 'physdev', options: ['--physdev-in', 'veth1', '--physdev-is-bridged'] }]);
    assert.deepEqual(forward.at(-1)!.unmodelled, ['-m', 'length', '--length', '0:64'], 'a match nobody decodes is kept as written');
    const input = filter.rules.filter((r) => r.chain === 'INPUT');
    assert.deepEqual(input.map((r) => r.target.kind), ['ACCEPT', 'ACCEPT', 'ACCEPT', 'DROP', 'LOG', 'ACCEPT', 'REJECT', 'goto', 'REJECT']);
    assert.deepEqual(input[4].target, { kind: 'LOG', args: '--log-prefix "ssh in: " --log-level 6' });
    // iptables-save adds the default --reject-with to a bare REJECT.
    assert.deepEqual(input[8].target, { kind: 'REJECT', with: 'icmp-port-unreachable' });
    assert.deepEqual(input[8].matches, [
      { kind: 'sport', value: '53', negated: true },
      { kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'], negated: true },
    ]);
    assert.deepEqual(input[7].matches, [{ kind: 'addrtype', which: 'src', type: 'LOCAL', negated: true, limitIface: 'in' }]);
  });

  test(`${backend}: mangle and raw are read too`, () => {
    const tables = parseIptablesSave(saved(backend), backend).tables;
    const mangle = table(tables, 'mangle');
    assert.deepEqual(mangle.chains.map((c) => c.name), ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING', 'KUBE-MARK']);
    assert.deepEqual(mangle.rules.map((r) => r.target), [
      { kind: 'MARK', args: '--set-xmark 0x1/0xffffffff' }, { kind: 'jump', chain: 'KUBE-MARK' },
      { kind: 'other', name: 'TCPMSS', args: '--clamp-mss-to-pmtu' }, { kind: 'RETURN' },
    ]);
    assert.deepEqual(mangle.rules[1].matches, [{ kind: 'mark', value: '0x0', mask: null, negated: true }]);
    const raw = table(tables, 'raw');
    assert.deepEqual(raw.rules.map((r) => [r.target, r.dport]), [[{ kind: 'DROP' }, null], [{ kind: 'other', name: 'CT', args: '--notrack' }, '53']]);
  });

  test(`${backend}: NAT rules are as before, with their matches decoded beside extra`, () => {
    const state = parseIptablesSave(saved(backend), backend);
    assert.deepEqual(state.natChains, ['CNI-DN-8f2a1c', 'CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK', 'DOCKER']);
    // docker-cni.nat-before.json: what the reader made of these rules before it decoded matches.
    const before = (JSON.parse(readFileSync(join(DIR, 'docker-cni.nat-before.json'), 'utf8')) as NatRule[]).map((r) => ({ ...r, backend }));
    assert.deepEqual(state.natRules.map(({ matches: _matches, unmodelled: _unmodelled, ...rest }) => rest), before);
    for (const rule of state.natRules) {
      assert.ok(!rule.unmodelled, `every match of Docker's and CNI's nat rules is decoded: ${rule.rule}`);
      assert.equal(Boolean(rule.matches), Boolean(rule.extra), `matches where extra: ${rule.rule}`);
    }
    const dnat = state.natRules.find((r) => r.chain === 'CNI-HOSTPORT-DNAT')!;
    assert.equal(dnat.comment, 'dnat name: "cbr0" id: "8f2a1c"');
    assert.deepEqual(dnat.extra, ['-m', 'multiport', '--dports', '8081']);
    assert.deepEqual(dnat.matches, [{ kind: 'multiport', which: 'dports', ports: ['8081'], negated: false }]);
    const masq = state.natRules.find((r) => r.chain === 'CNI-HOSTPORT-MASQ')!;
    assert.deepEqual(masq.matches, [{ kind: 'mark', value: '0x2000', mask: '0x2000', negated: false }]);
    const local = state.natRules.filter((r) => r.chain === 'OUTPUT');
    assert.deepEqual(local[0].destination, { value: '127.0.0.0/8', negated: true });
    assert.deepEqual(local.map((r) => r.matches), Array(2).fill([{ kind: 'addrtype', which: 'dst', type: 'LOCAL', negated: false, limitIface: null }]));
  });
}

test('the probe puts the tables on their namespace, only where iptables-save reports one', () => {
  const rich = readFileSync(join(__dirname, '../fixtures/probe/rich-netlink.txt'), 'utf8');
  const topology = parseProbeOutput(rich, '@@fixture0nonce', 'local');
  const host = topology.namespaces.find((n) => n.root)!;
  assert.deepEqual(host.iptables, [{
    table: 'filter', backend: 'nft', rules: [],
    chains: [{ name: 'INPUT', policy: 'ACCEPT' }, { name: 'FORWARD', policy: 'DROP' }, { name: 'OUTPUT', policy: 'ACCEPT' }],
  }]);
  const a = topology.namespaces.find((n) => n.name === 'a')!;
  assert.equal('iptables' in a, false, 'a namespace with only a nat table has no iptables field');
  assert.equal(a.nat.length, 1);
});
