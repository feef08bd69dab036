import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatCidr, formatIp, networkOf, parseCidr, parseIp } from '../../src/model/cidr';
import {
  fastContains, fastFormatCidr, fastFormatIp, fastFormatNetwork, fastParseCidr, fastParseIp, ipKeyOf, isNetworkAddress, networkKeyOf,
} from '../../src/language/fast-cidr';
import { seededRandom } from './language-fuzz';

test('the IPv4 fast path agrees with src/model/cidr.ts on tricky and random input', () => {
  const tricky = ['0.0.0.0/0', '255.255.255.255/32', '10.0.0.1/24', '10.0.0.1', '010.0.0.1/8', '1.2.3/8', '1.2.3.4.5/8', '1.2.3.256/8', '1.2.3.4/33',
    '1.2.3.4/08', '1.2.3.4/', '/24', '1..2.3/8', '1.2.3.4/-1', 'fd00::1/64', '::ffff:1.2.3.4/96', 'a.b.c.d/8', '1.2.3.4/8/8', ' 1.2.3.4/8', '1.2.3.4/100'];
  const random = seededRandom(99);
  const inputs = [...tricky];
  for (let i = 0; i < 5000; i++) {
    const octets = Array.from({ length: 4 }, () => Math.floor(random() * (random() < 0.1 ? 400 : 256)));
    inputs.push(`${octets.join('.')}/${Math.floor(random() * 36)}`, octets.join('.'));
  }
  for (const text of inputs) {
    assert.deepEqual(fastParseCidr(text), parseCidr(text), text);
    assert.deepEqual(fastParseIp(text), parseIp(text), text);
    const cidr = parseCidr(text);
    if (!cidr) continue;
    assert.equal(fastFormatCidr(cidr), formatCidr(cidr), text);
    assert.equal(fastFormatNetwork(cidr), formatCidr(networkOf(cidr)), text);
    assert.equal(isNetworkAddress(cidr), networkOf(cidr).address === cidr.address, text);
    const ip = { family: cidr.family, value: cidr.address ^ BigInt(Math.floor(random() * 65536)) };
    assert.equal(fastFormatIp(ip), formatIp(ip));
    assert.equal(fastContains(cidr, ip), cidrContains(cidr, ip), `${text} ∋ ${formatIp(ip)}`);
    assert.equal(networkKeyOf(cidr) === networkKeyOf(networkOf(cidr)), true);
    assert.equal(ipKeyOf(ip.family, ip.value) === ipKeyOf(cidr.family, cidr.address), ip.value === cidr.address);
  }
});
