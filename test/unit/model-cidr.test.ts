import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalCidr, cidrContains, cidrsOverlap, hasHostBits, parseCidr, parseIp } from '../../src/model/cidr';

test('parses IPv4 and IPv6 CIDRs and rejects malformed ones', () => {
  assert.deepEqual(parseCidr('192.168.0.2/24'), { family: 4, address: 0xc0a80002n, prefix: 24 });
  assert.equal(parseCidr('192.168.0.256/24'), null);
  assert.equal(parseCidr('192.168.0.1/33'), null);
  assert.equal(parseCidr('192.168.0.1'), null);
  assert.equal(parseCidr('01.2.3.4/8'), null);
  assert.equal(parseCidr('fd00::1/64')?.family, 6);
  assert.equal(parseCidr('fd00:::1/64'), null);
  assert.equal(parseCidr('1:2:3:4:5:6:7:8:9/64'), null);
});

test('canonical spelling follows RFC 5952 for IPv6', () => {
  assert.equal(canonicalCidr('FD00:0:0:0:0:0:0:1/64'), 'fd00::1/64');
  assert.equal(canonicalCidr('2001:db8:0:0:1:0:0:1/64'), '2001:db8::1:0:0:1/64');
  assert.equal(canonicalCidr('::/0'), '::/0');
  assert.equal(canonicalCidr('::ffff:10.0.0.1/128'), '::ffff:a00:1/128');
});

test('containment, overlap and host bits', () => {
  const net = parseCidr('172.16.0.0/24')!;
  assert.ok(cidrContains(net, parseIp('172.16.0.100')!));
  assert.ok(!cidrContains(net, parseIp('172.16.1.1')!));
  assert.ok(!cidrContains(net, parseIp('fd00::1')!));
  assert.ok(hasHostBits(parseCidr('172.16.0.1/24')!));
  assert.ok(!hasHostBits(net));
  assert.ok(cidrsOverlap(parseCidr('10.85.0.0/16')!, parseCidr('10.85.3.0/24')!));
  assert.ok(!cidrsOverlap(parseCidr('10.85.0.0/16')!, parseCidr('10.86.0.0/16')!));
});
