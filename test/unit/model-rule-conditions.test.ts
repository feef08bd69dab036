import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFilterRule } from '../../src/model/filter-rule';
import { filterTargetTokens, parseFilterTarget } from '../../src/model/filter-targets';
import { parseNatRule } from '../../src/model/nat';
import { decodeMatches, readRuleConditions } from '../../src/model/rule-conditions';

test('Docker and CNI matches are decoded', () => {
  const related = parseFilterRule('-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')!;
  assert.deepEqual(related.outInterface, { value: 'docker0', negated: false });
  assert.deepEqual(related.matches, [{ kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'], negated: false }]);
  assert.equal(related.unmodelled, undefined);
  assert.deepEqual(related.target, { kind: 'ACCEPT' });

  const state = parseFilterRule('-A INPUT -p tcp -m tcp --dport 22 -m state --state NEW -j ACCEPT')!;
  assert.equal(state.dport, '22');
  assert.deepEqual(state.matches, [{ kind: 'ctstate', states: ['NEW'], negated: false }]);

  const ports = parseFilterRule('-A CNI-HOSTPORT-DNAT -p tcp -m multiport --dports 80,443,8000:8100 -j ACCEPT')!;
  assert.deepEqual(ports.matches, [{ kind: 'multiport', which: 'dports', ports: ['80', '443', '8000:8100'], negated: false }]);

  const local = parseFilterRule('-A INPUT -m addrtype --dst-type LOCAL --limit-iface-out -j DROP')!;
  assert.deepEqual(local.matches, [{ kind: 'addrtype', which: 'dst', type: 'LOCAL', negated: false, limitIface: 'out' }]);

  const mark = parseFilterRule('-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j ACCEPT')!;
  assert.deepEqual(mark.matches, [{ kind: 'mark', value: '0x2000', mask: '0x2000', negated: false }]);

  const bridged = parseFilterRule('-A FORWARD -m physdev ! --physdev-out veth1 --physdev-is-bridged -j DROP')!;
  assert.deepEqual(bridged.matches, [{ kind: 'physdev', options: ['!', '--physdev-out', 'veth1', '--physdev-is-bridged'] }]);

  const ping = parseFilterRule('-A INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT')!;
  assert.equal(ping.protocol, 'icmp');
  assert.deepEqual(ping.matches, [{ kind: 'icmp-type', value: '8', negated: false }]);

  const sport = parseFilterRule('-A INPUT -p udp -m udp --sport 53 --dport 1024:65535 -j ACCEPT')!;
  assert.equal(sport.dport, '1024:65535');
  assert.deepEqual(sport.matches, [{ kind: 'sport', value: '53', negated: false }]);
});

test('negation is read in both places iptables-save has written it', () => {
  const before = parseFilterRule('-A INPUT -m conntrack ! --ctstate RELATED,ESTABLISHED -m mark ! --mark 0x1 -j DROP')!;
  assert.deepEqual(before.matches, [
    { kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'], negated: true },
    { kind: 'mark', value: '0x1', mask: null, negated: true },
  ]);
  // iptables before 1.4.3 wrote the `!` after the option's name.
  const after = parseFilterRule('-A INPUT -m state --state ! NEW -m addrtype --src-type ! LOCAL -j DROP')!;
  assert.deepEqual(after.matches, [
    { kind: 'ctstate', states: ['NEW'], negated: true },
    { kind: 'addrtype', which: 'src', type: 'LOCAL', negated: true, limitIface: null },
  ]);
  const sport = parseFilterRule('-A INPUT -p tcp -m tcp ! --sport 80 -j DROP')!;
  assert.deepEqual(sport.matches, [{ kind: 'sport', value: '80', negated: true }]);
});

test('what is not decoded stays unmodelled, as written', () => {
  const rule = parseFilterRule('-A FORWARD -p tcp -m tcp ! --dport 22 --tcp-flags SYN,RST SYN -m length --length 0:64 -m conntrack --ctstate NEW --ctorigdst 10.0.0.1 -j ACCEPT')!;
  assert.equal(rule.dport, null);
  assert.deepEqual(rule.matches, [{ kind: 'ctstate', states: ['NEW'], negated: false }]);
  assert.deepEqual(rule.unmodelled, [
    '-m', 'tcp', '!', '--dport', '22', '--tcp-flags', 'SYN,RST', 'SYN',
    '-m', 'length', '--length', '0:64',
    '-m', 'conntrack', '--ctorigdst', '10.0.0.1',
  ]);
  const notTcp = parseFilterRule('-A INPUT ! -p tcp -j DROP')!;
  assert.equal(notTcp.protocol, null);
  assert.deepEqual(notTcp.unmodelled, ['!', '-p', 'tcp']);
  assert.deepEqual(decodeMatches([], null), { matches: [], unmodelled: [] });
});

test('NAT rules keep extra exactly, with matches and unmodelled beside it', () => {
  const docker = parseNatRule('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER')!;
  assert.deepEqual(docker.extra, ['-m', 'addrtype', '--dst-type', 'LOCAL']);
  assert.deepEqual(docker.matches, [{ kind: 'addrtype', which: 'dst', type: 'LOCAL', negated: false, limitIface: null }]);
  assert.equal(docker.unmodelled, undefined);
  const plain = parseNatRule('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE')!;
  assert.equal('matches' in plain, false, 'no matches key on a rule without any');
  assert.equal('unmodelled' in plain, false);
  assert.equal('extra' in plain, false);
  const odd = parseNatRule('-A POSTROUTING -m statistic --mode random --probability 0.5 -j MASQUERADE')!;
  assert.deepEqual(odd.extra, ['-m', 'statistic', '--mode', 'random', '--probability', '0.5']);
  assert.deepEqual(odd.unmodelled, odd.extra);
  assert.equal(odd.matches, undefined);
});

test('filter targets: every row parses and renders back', () => {
  const cases: [string, string, string[]][] = [
    ['-j', 'ACCEPT', []], ['-j', 'DROP', []], ['-j', 'RETURN', []],
    ['-j', 'REJECT', ['--reject-with', 'tcp-reset']], ['-j', 'REJECT', []],
    ['-j', 'DOCKER-USER', []], ['-g', 'LOGDROP', []],
    ['-j', 'LOG', ['--log-prefix', 'drop: ']], ['-j', 'MARK', ['--set-xmark', '0x1/0xffffffff']],
    ['-j', 'CT', ['--notrack']],
  ];
  const kinds = cases.map(([flag, name, args]) => parseFilterTarget(flag, name, args));
  assert.deepEqual(kinds, [
    { kind: 'ACCEPT' }, { kind: 'DROP' }, { kind: 'RETURN' },
    { kind: 'REJECT', with: 'tcp-reset' }, { kind: 'REJECT', with: null },
    { kind: 'jump', chain: 'DOCKER-USER' }, { kind: 'goto', chain: 'LOGDROP' },
    { kind: 'LOG', args: '--log-prefix "drop: "' }, { kind: 'MARK', args: '--set-xmark 0x1/0xffffffff' },
    { kind: 'other', name: 'CT', args: '--notrack' },
  ]);
  assert.deepEqual(kinds.map((t) => filterTargetTokens(t).join(' ')), [
    '-j ACCEPT', '-j DROP', '-j RETURN', '-j REJECT --reject-with tcp-reset', '-j REJECT', '-j DOCKER-USER', '-g LOGDROP',
    '-j LOG --log-prefix "drop: "', '-j MARK --set-xmark 0x1/0xffffffff', '-j CT --notrack',
  ]);
  assert.deepEqual(parseFilterRule('-A FORWARD -m comment --comment "vnet:lab1" -j ACCEPT')?.owner, 'lab1');
  assert.deepEqual(parseFilterRule('-A FORWARD -s 10.0.0.1')?.target, { kind: 'other', name: '', args: '' });
  assert.equal(readRuleConditions(':FORWARD DROP [0:0]'), null);
});
