// Namespaces that print the same L, A, Q and P lines share one parse of each (probe-line-cache.ts): the
// result must be what each namespace's own parse gives, routes and rules in their order included.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineCache } from '../../src/host/probe-line-cache';
import { parseNetlinkLines } from '../../src/host/probe-netlink-lines';

const hex = (s: string) => Buffer.from(s).toString('hex');

/** One namespace as the reader prints it: lo, an eth0 with its own MAC and address, routes, rules. */
function namespaceLines(n: number): string[] {
  return [
    `L 1 772 65609 ${hex('lo')} 65536 000000000000 - - - 0 - - - -`,
    `L 2 1 69699 ${hex('eth0')} 1500 7ab82601430${n} - 4 0 6 ${hex('veth')} - - -`,
    'A 1 2 8 254 7f000001',
    `A 2 2 9 0 0a80000${n}`,
    'A 1 10 128 254 00000000000000000000000000000001',
    'R 2 0 3 1 - 0a800001 2 -',
    'R 2 9 2 1 0a800000 - 2 -',
    `Q 1 ${hex('noqueue')} - - - - - - - -`,
    'P 2 - 0 1 255 0 - 0 - 0 - - - - - - -1 - - - - - 2 - -',
    'P 2 32766 0 1 254 0 - 0 - 0 - - - - - - -1 - - - - - 2 - -',
    'P 2 32767 0 1 253 0 - 0 - 0 - - - - - - -1 - - - - - 2 - -',
    'C 2 1 0 0',
    'C 2 -1 0 2',
    'F 0',
    'S 0',
    'B - -',
  ];
}

test('a shared cache gives each namespace what its own parse gives', () => {
  const cache = new LineCache();
  for (const n of [1, 2, 3]) {
    assert.deepEqual(parseNetlinkLines(namespaceLines(n), cache), parseNetlinkLines(namespaceLines(n)), `namespace ${n}`);
  }
});

test('identical lines are parsed once: the namespaces share the parsed lo and rules', () => {
  const cache = new LineCache();
  const a = parseNetlinkLines(namespaceLines(1), cache);
  const b = parseNetlinkLines(namespaceLines(2), cache);
  assert.equal(a.links[0], b.links[0], 'lo');
  assert.notEqual(a.links[1], b.links[1], 'each eth0 its own');
  assert.equal(a.routing?.rules[1], b.routing?.rules[1]);
  assert.deepEqual(a.routing?.rules.map((r) => r.priority), [0, 32766, 32767]);
  assert.deepEqual(b.routing?.sysctls.rpFilter, { all: 2, default: 0, interfaces: { lo: 0 } });
});
