import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQdiscLine, parseTcQdiscJson, qdiscFields } from '../../src/host/probe-qdisc';
import { parseNetlinkLines } from '../../src/host/probe-netlink-lines';
import { sameImpairment } from '../../src/model/impairment';

const hex = (text: string) => Buffer.from(text).toString('hex');
const fraction = (pct: number) => String(Math.round((pct / 100) * 0xffffffff));

test('a netem Q record becomes an impairment in the model\'s units, equal to what was set', () => {
  // delay 20ms jitter 5ms 25%, loss 1%, duplicate 0.5%, reorder 10%, corrupt 0.1%, rate 10mbit (bytes/s).
  const line = ['Q', '7', hex('netem'), '20000000', '5000000', fraction(25), fraction(1), fraction(0.5), fraction(10), fraction(0.1), '1250000'];
  const qdisc = parseQdiscLine(line)!;
  assert.equal(qdisc.index, 7);
  assert.equal(qdisc.kind, 'netem');
  const impairment = qdisc.impairment!;
  assert.equal(impairment.delayUs, 20_000);
  assert.equal(impairment.jitterUs, 5_000);
  assert.equal(impairment.rateBps, 10_000_000);
  assert.ok(Math.abs(impairment.lossPct! - 1) < 1e-6);
  assert.ok(sameImpairment(impairment, { delayUs: 20_000, jitterUs: 5_000, correlationPct: 25, lossPct: 1, duplicatePct: 0.5, reorderPct: 10, corruptPct: 0.1, rateBps: 10_000_000 }));
  // A kernel before 4.15 has no 64-bit times: ticks of 64 ns, as the reader multiplied them back.
  const ticks = parseQdiscLine(['Q', '7', hex('netem'), String(Math.floor(20_000_000 / 64) * 64), '0', '0', '0', '0', '0', '0', '0'])!;
  assert.ok(sameImpairment(ticks.impairment, { delayUs: 20_000 }));
});

test('netem with every setting zero is no impairment; tbf gives its rate; other kinds are named, defaults are not', () => {
  assert.equal(parseQdiscLine(['Q', '3', hex('netem'), '0', '0', '0', '0', '0', '0', '0', '0'])!.impairment, null);
  assert.deepEqual(parseQdiscLine(['Q', '3', hex('tbf'), '-', '-', '-', '-', '-', '-', '-', '125000'])!.impairment, { rateBps: 1_000_000 });
  assert.deepEqual(qdiscFields(parseQdiscLine(['Q', '3', hex('htb'), '-', '-', '-', '-', '-', '-', '-', '-'])!), { qdisc: 'htb' });
  assert.deepEqual(qdiscFields(parseQdiscLine(['Q', '3', hex('noqueue'), '-', '-', '-', '-', '-', '-', '-', '-'])!), {});
  assert.deepEqual(qdiscFields(parseQdiscLine(['Q', '3', hex('tbf'), '-', '-', '-', '-', '-', '-', '-', '125000'])!), { impairment: { rateBps: 1_000_000 } });
  assert.equal(parseQdiscLine(['Q', 'x', hex('tbf')]), null);
  assert.equal(parseQdiscLine(['Q', '3', 'zz']), null);
});

test('the netlink lines of a namespace carry its root qdiscs', () => {
  const state = parseNetlinkLines([
    `L 2 1 4099 ${hex('x')} 1500 0200000000aa - - - 6 ${hex('veth')} - - -`,
    `Q 2 ${hex('tbf')} - - - - - - - 125000`,
  ]);
  assert.deepEqual(state.qdiscs, [{ index: 2, kind: 'tbf', impairment: { rateBps: 1_000_000 } }]);
});

test('tc -j qdisc show (the ip method) reads the same impairment', () => {
  const netem = {
    kind: 'netem', handle: '8001:', dev: 'x', root: true, refcnt: 13,
    options: { limit: 1000, delay: { delay: 0.02, jitter: 0.005, correlation: 0 }, 'loss-random': { loss: 0.01, correlation: 0 }, rate: { rate: 1250000, packetoverhead: 0, cellsize: 0, celloverhead: 0 }, ecn: false, gap: 0 },
  };
  const read = parseTcQdiscJson(netem)!;
  assert.equal(read.dev, 'x');
  assert.ok(sameImpairment(read.impairment, { delayUs: 20_000, jitterUs: 5_000, lossPct: 1, rateBps: 10_000_000 }), JSON.stringify(read.impairment));
  assert.deepEqual(parseTcQdiscJson({ kind: 'tbf', handle: '8001:', dev: 'x', root: true, options: { rate: 125000, burst: 16384, lat: 0.2 } })!.impairment, { rateBps: 1_000_000 });
  assert.equal(parseTcQdiscJson({ kind: 'netem', dev: 'x', parent: '1:1', options: {} }), null, 'not a root qdisc');
});
