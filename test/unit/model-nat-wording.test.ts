// NAT rules worded for people, for the rules the scenarios build by hand (shared/scenarios.md A, B, C, H)
// and for what the wording must never do (hide a condition, or let host text through unescaped).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNatRule } from '../../src/model/nat';
import { natRuleFacts } from '../../src/extension/rule-facts';
import { wordNatRule } from '../../src/model/nat-wording';
import { plainText } from '../../src/extension/text-safety';

function words(line: string): string {
  const rule = parseNatRule(line);
  assert.ok(rule, `does not parse: ${line}`);
  return wordNatRule(rule);
}

test('scenario A and C: masquerade and a published port, with their interface conditions', () => {
  assert.equal(words('-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE'), 'masquerade 172.16.0.0/24 leaving by any but br0');
  assert.equal(words('-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80'),
    'tcp :8088 → 172.16.0.102:80 arriving by any but br0');
});

test('scenario B: rules without conditions', () => {
  assert.equal(words('-A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE'), 'masquerade 192.168.15.0/24');
  assert.equal(words('-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 192.168.15.2:80'), 'tcp :80 → 192.168.15.2:80');
});

test('scenario H: a jump to a user chain, no-NAT and negated destinations; single addresses lose their /32', () => {
  assert.equal(words('-A POSTROUTING -s 10.85.0.254/32 -j chain-myns'), 'go to chain chain-myns from 10.85.0.254');
  assert.equal(words('-A chain-myns -d 10.85.0.0/16 -j ACCEPT'), 'no NAT to 10.85.0.0/16');
  assert.equal(words('-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE'), 'masquerade everything to any but 224.0.0.0/4');
});

test('other targets keep every condition and their arguments', () => {
  assert.equal(words('-A POSTROUTING -s 10.2.0.0/24 -o eth0 -j SNAT --to-source 10.1.0.1'), 'snat 10.2.0.0/24 → 10.1.0.1 leaving by eth0');
  assert.equal(words('-A PREROUTING -d 10.0.0.1/32 -p udp -m udp --dport 1000:2000 -j DNAT --to-destination 10.0.0.2'),
    'udp :1000-2000 → 10.0.0.2 to 10.0.0.1');
  assert.equal(words('-A OUTPUT -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 3128'), 'REDIRECT --to-ports 3128 tcp :80');
  assert.equal(words('-A POSTROUTING -o eth0 -j RETURN'), 'return (no NAT) leaving by eth0');
});

test('facts: the owning lab, a comment, the legacy backend, options not modelled', () => {
  const owned = parseNatRule('-A POSTROUTING -s 10.0.0.0/24 -m comment --comment vnet:lab1 -j MASQUERADE')!;
  assert.deepEqual(natRuleFacts(owned), ['lab lab1']);
  const commented = parseNatRule('-A POSTROUTING -s 10.0.0.0/24 -m comment --comment "by hand" -j MASQUERADE')!;
  assert.deepEqual(natRuleFacts(commented), ['“by hand”']);
  const extra = parseNatRule('-A POSTROUTING -s 10.0.0.0/24 -m mark --mark 0x1 -j MASQUERADE')!;
  assert.deepEqual(natRuleFacts({ ...extra, backend: 'legacy' }), ['iptables-legacy', 'more options (see tooltip)']);
});

test('host text in a rule is escaped, never passed through', () => {
  const rule = parseNatRule('-A POSTROUTING -s 10.0.0.0/24 -m comment --comment "a\u001b[2Jb" -j MASQUERADE')!;
  assert.deepEqual(natRuleFacts(rule), ['“a\\x1b[2Jb”']);
  assert.equal(plainText(wordNatRule({ ...rule, outInterface: { value: 'x\u202ey', negated: false } })), 'masquerade 10.0.0.0/24 leaving by x\\u202ey');
});
