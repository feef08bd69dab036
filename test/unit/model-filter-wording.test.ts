import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterVerdict, shortFilterRule, wordChain, wordFilterRule } from '../../src/model/filter-wording';
import { nftVerdictDecision, shortNftRule, wordNftChainHead, wordNftRule, wordNftTable } from '../../src/model/nft-wording';
import { forwardDropPolicies, forwardRules } from '../../src/model/forward-filtering';
import { cniHost, dockerFilterTable, filterRule, firewalldTable } from './fixtures/firewall-hosts';

function byRule(text: string) {
  const rule = dockerFilterTable().rules.find((r) => r.rule === text);
  assert.ok(rule, text);
  return rule;
}

test('Docker\'s filter rules read in plain words (long form)', () => {
  assert.equal(wordFilterRule(byRule('-A FORWARD -j DOCKER-USER')), 'go to chain DOCKER-USER');
  assert.equal(wordFilterRule(byRule('-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')),
    'accept established, related leaving by docker0');
  assert.equal(wordFilterRule(byRule('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT')), 'accept arriving by docker0 leaving by any but docker0');
  assert.equal(wordFilterRule(byRule('-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP')), 'drop leaving by docker0');
  assert.equal(wordFilterRule(byRule('-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT')),
    'accept to 172.17.0.2 tcp :80 arriving by any but docker0 leaving by docker0');
  assert.equal(wordFilterRule(byRule('-A DOCKER-USER -j RETURN')), 'return to the calling chain');
});

test('the short form names the chain unless it is FORWARD, and abbreviates states', () => {
  assert.equal(shortFilterRule(byRule('-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT')), 'ACCEPT est/rel, out docker0');
  assert.equal(shortFilterRule(byRule('-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP')), 'DOCKER-ISOLATION-STAGE-2: DROP out docker0');
  assert.equal(shortFilterRule(byRule('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT')), 'ACCEPT in docker0, not out docker0');
  assert.equal(shortFilterRule(byRule('-A FORWARD -j DOCKER-USER')), '→ DOCKER-USER');
});

test('the other targets and matches are worded, never dropped', () => {
  const rule = filterRule('-A INPUT -p tcp -m multiport --dports 80,443 -m addrtype --dst-type LOCAL -m mark ! --mark 0x1/0xff -j REJECT --reject-with icmp-port-unreachable',
    { kind: 'REJECT', with: 'icmp-port-unreachable' }, {
      protocol: 'tcp',
      matches: [
        { kind: 'multiport', which: 'dports', ports: ['80', '443'], negated: false },
        { kind: 'addrtype', which: 'dst', type: 'LOCAL', negated: false, limitIface: null },
        { kind: 'mark', value: '0x1', mask: '0xff', negated: true },
      ],
    });
  assert.equal(wordFilterRule(rule), 'reject with icmp-port-unreachable tcp to ports 80, 443 to a local address mark not 0x1/0xff');
  assert.equal(shortFilterRule(rule), 'INPUT: REJECT tcp, dport 80,443, dst LOCAL, mark !0x1/0xff');
  assert.equal(wordFilterRule(filterRule('-A X -g Y', { kind: 'goto', chain: 'Y' })), 'go to chain Y (no return)');
  assert.equal(wordFilterRule(filterRule('-A X -j LOG --log-prefix "x"', { kind: 'LOG', args: '--log-prefix "x"' })), 'log --log-prefix "x"');
  assert.equal(wordFilterRule(filterRule('-A X -j NFQUEUE --queue-num 1', { kind: 'other', name: 'NFQUEUE', args: '--queue-num 1' })), 'NFQUEUE --queue-num 1');
  assert.equal(wordChain({ name: 'FORWARD', policy: 'DROP' }), 'FORWARD policy DROP');
  assert.equal(wordChain({ name: 'CNI-FORWARD', policy: null }), 'CNI-FORWARD');
});

test('what a target decides: accept, drop (DROP and REJECT), or nothing by itself', () => {
  assert.equal(filterVerdict({ kind: 'ACCEPT' }), 'accept');
  assert.equal(filterVerdict({ kind: 'REJECT', with: null }), 'drop');
  assert.equal(filterVerdict({ kind: 'jump', chain: 'X' }), null);
  assert.equal(filterVerdict({ kind: 'RETURN' }), null);
});

test('CNI-FORWARD rules read like the others', () => {
  const rules = cniHost().namespaces[0].iptables![0].rules;
  assert.deepEqual(rules.map(wordFilterRule), [
    'go to chain CNI-FORWARD', 'go to chain CNI-ADMIN', 'accept established, related to 10.88.0.2', 'accept from 10.88.0.2',
  ]);
});

test('native nft tables, chains and rules read from their facts; undecoded rules read as nft text', () => {
  const table = firewalldTable();
  assert.equal(wordNftTable(table), 'firewalld: inet firewalld');
  assert.equal(wordNftTable({ family: 'ip', name: 'filter', owner: null }), 'ip filter');
  const [forward, policies, post] = table.chains;
  assert.equal(wordNftChainHead(forward), 'filter hook forward priority 10 policy drop');
  assert.equal(wordNftChainHead(policies), 'regular chain');
  assert.deepEqual(forward.rules.map(wordNftRule), [
    'accept established, related', 'drop invalid', 'accept arriving by lo', 'go to chain filter_FORWARD_POLICIES', 'reject',
  ]);
  assert.deepEqual(forward.rules.map(shortNftRule), ['accept est/rel', 'drop invalid', 'accept in lo', '→ filter_FORWARD_POLICIES', 'reject']);
  assert.equal(wordNftRule(policies.rules[1]), 'tcp dport 22 counter packets 0 bytes 0');
  assert.equal(wordNftRule(post.rules[0]), 'masquerade from 10.89.0.0/24 leaving by any but podman0');
  assert.equal(shortNftRule(post.rules[0]), 'masquerade from 10.89.0.0/24, not out podman0');
  assert.equal(nftVerdictDecision({ kind: 'reject' }), 'drop');
  assert.equal(nftVerdictDecision({ kind: 'masquerade' }), null);
});

test('forward filtering: only routed families\' forward hooks count; bridge tables and nat chains do not', () => {
  const table = firewalldTable();
  const bridge = { ...structuredClone(table), family: 'bridge' as const, name: 'filter', owner: null };
  assert.deepEqual(forwardDropPolicies({ nftTables: [table, bridge] }), ['firewalld filter_FORWARD policy drop']);
  assert.equal(forwardRules({ nftTables: [bridge] }).length, 0);
  // Loops between chains end: a chain is walked once.
  const looping = dockerFilterTable();
  looping.rules.push(filterRule('-A DOCKER-USER -j FORWARD', { kind: 'jump', chain: 'FORWARD' }));
  assert.equal(forwardRules({ iptables: [looping] }).length, 5);
});
