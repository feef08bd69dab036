import { test } from 'node:test';
import assert from 'node:assert/strict';
import { natRuleKey, parseNatRule, renderNatRule, tokenizeIptables } from '../../src/model/nat';

test('parses the tutorial rules as iptables-save prints them', () => {
  const masq = parseNatRule('-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE')!;
  assert.equal(masq.chain, 'POSTROUTING');
  assert.deepEqual(masq.source, { value: '172.16.0.0/24', negated: false });
  assert.deepEqual(masq.outInterface, { value: 'br0', negated: true });
  assert.deepEqual(masq.target, { kind: 'MASQUERADE' });

  const dnat = parseNatRule('-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80')!;
  assert.deepEqual(dnat.inInterface, { value: 'br0', negated: true });
  assert.equal(dnat.protocol, 'tcp');
  assert.equal(dnat.dport, '8088');
  assert.deepEqual(dnat.target, { kind: 'DNAT', to: '172.16.0.102:80' });
  assert.equal(dnat.extra, undefined);

  const jump = parseNatRule('-A POSTROUTING -s 10.85.0.254/32 -j chain-myns')!;
  assert.deepEqual(jump.target, { kind: 'jump', chain: 'chain-myns' });
  assert.deepEqual(jump.source, { value: '10.85.0.254/32', negated: false });

  const notMulticast = parseNatRule('-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE')!;
  assert.deepEqual(notMulticast.destination, { value: '224.0.0.0/4', negated: true });
});

test('comments carry the ownership mark, quoted or not', () => {
  const rule = parseNatRule('-A POSTROUTING -s 192.168.0.0/24 -m comment --comment "vnet:net1 \\"x\\"" -j MASQUERADE')!;
  assert.equal(rule.comment, 'vnet:net1 "x"');
  assert.equal(rule.owner, 'net1 "x"');
  assert.deepEqual(tokenizeIptables('-A X -m comment --comment "a b" -j Y'), ['-A', 'X', '-m', 'comment', '--comment', 'a b', '-j', 'Y']);
});

test('unknown matches are kept as extra and make the key differ', () => {
  const docker = parseNatRule('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER')!;
  assert.deepEqual(docker.extra, ['-m', 'addrtype', '--dst-type', 'LOCAL']);
  assert.deepEqual(docker.target, { kind: 'jump', chain: 'DOCKER' });
  const plain = parseNatRule('-A PREROUTING -j DOCKER')!;
  assert.notEqual(natRuleKey(docker), natRuleKey(plain));
});

test('render reproduces iptables-save order and the key ignores the comment', () => {
  const line = '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -m comment --comment vnet:a -j DNAT --to-destination 172.16.0.102:80';
  const parsed = parseNatRule(line)!;
  assert.equal(renderNatRule(parsed), line);
  const typed = parseNatRule('-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80')!;
  assert.equal(natRuleKey(parsed), natRuleKey(typed));
  const single = parseNatRule('-A POSTROUTING -s 10.85.0.254 -j MASQUERADE')!;
  assert.equal(single.source?.value, '10.85.0.254/32');
});
