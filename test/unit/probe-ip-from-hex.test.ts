// The probe's addresses from hex (probe-netlink-lines.ts) are spelled exactly as formatIp spells the same
// value: IPv4 from its four bytes, IPv6 from its eight groups without a BigInt, zero runs compressed alike.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIp } from '../../src/model/cidr';
import { ipFromHex } from '../../src/host/probe-netlink-lines';

/** Hex of 16 bytes whose groups are zero or not by the bits of `pattern`, so that every zero-run layout appears. */
function groupsHex(pattern: number, seed: number): string {
  return [...Array(8).keys()].map((i) => ((pattern >> i) & 1 ? ((seed * (i + 7) * 2654435761) >>> 16) & 0xffff || 1 : 0).toString(16).padStart(4, '0')).join('');
}

test('IPv6 from hex is formatIp\'s spelling for every layout of zero groups', () => {
  for (let pattern = 0; pattern < 256; pattern++) {
    for (const seed of [1, 12345, 99991]) {
      const hex = groupsHex(pattern, seed);
      assert.equal(ipFromHex(hex), formatIp({ family: 6, value: BigInt(`0x${hex}`) }), hex);
    }
  }
  assert.equal(ipFromHex('fe800000000000000000000000000001'), 'fe80::1');
  assert.equal(ipFromHex('00000000000000000000000000000000'), '::');
  assert.equal(ipFromHex('20010db8000000010000000000000001'), '2001:db8:0:1::1');
});

test('IPv4 from hex, and anything that is not 4 or 16 bytes is no address', () => {
  assert.equal(ipFromHex('0a800001'), '10.128.0.1');
  assert.equal(ipFromHex('ffffffff'), '255.255.255.255');
  assert.equal(ipFromHex('0a8000'), null);
  assert.equal(ipFromHex('-'), null);
  assert.equal(ipFromHex(undefined), null);
});
