import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeImpairment, dropsEverything, formatImpairmentValue, netemArgs, qdiscArgs, parseImpairmentValue, printImpairment, sameImpairment,
  shortImpairment, type Impairment,
  impairmentProblem, qdiscErrorHint,
} from '../../src/model/impairment';
import { IMPAIRMENT_PRESETS, parseImpairmentText } from '../../src/model/impairment-presets';
import { renderTopologyTree } from '../../src/model/topology-tree';
import { emptyTopology } from '../../src/model/topology';

const value = (setting: Parameters<typeof parseImpairmentValue>[0], text: string) => {
  const result = parseImpairmentValue(setting, text);
  assert.ok('value' in result, `${setting} ${text}: ${'error' in result ? result.error : ''}`);
  return result.value;
};

test('units parse into the model\'s units', () => {
  assert.equal(value('delay', '20ms'), 20_000);
  assert.equal(value('delay', '1.5s'), 1_500_000);
  assert.equal(value('jitter', '250us'), 250);
  assert.equal(value('loss', '0.5%'), 0.5);
  assert.equal(value('loss', '100%'), 100);
  assert.equal(value('rate', '10mbit'), 10_000_000);
  assert.equal(value('rate', '1.5kbit'), 1500);
});

test('bad units and over 100% are refused with a sentence that says what to write', () => {
  for (const [setting, text] of [['delay', '20'], ['delay', '20sec'], ['loss', '1'], ['loss', '101%'], ['rate', '10mbps'], ['rate', '10']] as const) {
    const result = parseImpairmentValue(setting, text);
    assert.ok('error' in result, `${setting} ${text}`);
  }
  const over = parseImpairmentValue('loss', '150%');
  assert.match('error' in over ? over.error : '', /over 100%/);
});

test('printing writes each value in the largest exact unit, and parses back to the same number', () => {
  assert.equal(formatImpairmentValue('delay', 20_000), '20ms');
  assert.equal(formatImpairmentValue('delay', 1_500), '1500us');
  assert.equal(formatImpairmentValue('delay', 2_000_000), '2s');
  assert.equal(formatImpairmentValue('rate', 10_000_000), '10mbit');
  assert.equal(formatImpairmentValue('rate', 1_234), '1234bit');
  for (const [setting, n] of [['delay', 1_500], ['rate', 1_234], ['loss', 0.25], ['delay', 7]] as const) {
    assert.equal(value(setting, formatImpairmentValue(setting, n)), n);
  }
  const impairment: Impairment = { delayUs: 20_000, jitterUs: 5_000, correlationPct: 25, lossPct: 1, rateBps: 10_000_000 };
  assert.equal(printImpairment(impairment), 'delay 20ms jitter 5ms correlation 25% loss 1% rate 10mbit');
});

test('words: long for the tree, short for the diagram', () => {
  const impairment: Impairment = { delayUs: 20_000, jitterUs: 5_000, lossPct: 1, rateBps: 10_000_000 };
  assert.equal(describeImpairment(impairment), 'delay 20ms ±5ms, 1% loss, rate 10mbit');
  assert.equal(shortImpairment(impairment), '20ms±5ms 1% loss 10mbit');
  assert.ok(dropsEverything({ lossPct: 100 }));
  assert.ok(!dropsEverything({ lossPct: 99.9 }));
  assert.ok(!dropsEverything(null));
});

test('tc arguments: one netem qdisc, times in microseconds, jitter and correlation after the delay', () => {
  assert.deepEqual(netemArgs({ delayUs: 20_000, jitterUs: 5_000, correlationPct: 25, lossPct: 1, rateBps: 10_000_000 }),
    ['netem', 'delay', '20000us', '5000us', '25%', 'loss', '1%', 'rate', '10000000bit']);
  assert.deepEqual(netemArgs({ lossPct: 100 }), ['netem', 'loss', '100%']);
});

test('the comparison forgives the kernel\'s rounding and ignores what the kernel does not keep', () => {
  // loss 1% read back as a 32-bit fraction, a delay read back from 64 ns ticks, a rate in whole bytes.
  const kernelLoss = (Math.round(0.01 * 0xffffffff) / 0xffffffff) * 100;
  assert.ok(sameImpairment({ delayUs: 20_000, lossPct: 1 }, { delayUs: 20_000.000_5, lossPct: kernelLoss }));
  assert.ok(sameImpairment({ rateBps: 10_000_003 }, { rateBps: 10_000_000 }));
  assert.ok(sameImpairment({ lossPct: 0 }, null));
  assert.ok(sameImpairment({ jitterUs: 5_000 }, {}));
  assert.ok(!sameImpairment({ delayUs: 20_000 }, { delayUs: 21_000 }));
  assert.ok(!sameImpairment({ lossPct: 1 }, { lossPct: 2 }));
  assert.ok(!sameImpairment({ delayUs: 20_000 }, null));
});

test('a rate alone is a tbf qdisc (kernels without netem have it), anything more is netem', () => {
  assert.deepEqual(qdiscArgs({ rateBps: 1_000_000 }), ['tbf', 'rate', '1000000bit', 'burst', '16384', 'latency', '200ms']);
  assert.deepEqual(qdiscArgs({ rateBps: 1_000_000_000 }).slice(0, 5), ['tbf', 'rate', '1000000000bit', 'burst', '2500000']);
  assert.deepEqual(qdiscArgs({ rateBps: 1_000_000, lossPct: 1 })[0], 'netem');
});

test('presets are valid impairments, and the custom form reads the language\'s words', () => {
  for (const preset of IMPAIRMENT_PRESETS) assert.equal(impairmentProblem(preset.impairment), null, preset.label);
  assert.deepEqual(IMPAIRMENT_PRESETS.map((p) => p.label), ['Satellite link', '3G', 'Lossy Wi-Fi', '1% loss']);
  assert.deepEqual(parseImpairmentText(' delay 20ms  loss 1% rate 10mbit '), { impairment: { delayUs: 20_000, lossPct: 1, rateBps: 10_000_000 } });
  for (const [text, pattern] of [['', /Write settings/], ['delay', /needs a value/], ['lose 1%', /not a setting/], ['loss 1% loss 2%', /twice/], ['loss 120%', /over 100%/], ['delay 20', /unit/], ['loss 0%', /at least one/]] as const) {
    const result = parseImpairmentText(text);
    assert.match('error' in result ? result.error : '', pattern, text);
  }
});

test('vnet show names an interface\'s impairment, and a root qdisc of another kind', () => {
  const topology = emptyTopology('h');
  topology.namespaces[0].interfaces.push(
    { name: 'x', kind: 'veth', state: 'up', mtu: 1500, mac: null, addresses: [], master: null, peer: null, impairment: { delayUs: 20_000, lossPct: 1 } },
    { name: 'eth0', kind: 'other', state: 'up', mtu: 1500, mac: null, addresses: [], master: null, peer: null, qdisc: 'htb' },
  );
  const text = renderTopologyTree(topology);
  assert.match(text, /x {2}veth {2}up {2}impaired: delay 20ms, 1% loss/);
  assert.match(text, /eth0 .*qdisc htb/);
});

test('tc\'s "qdisc kind is unknown" gets a hint that says how to get netem', () => {
  assert.match(qdiscErrorHint('Error: Specified qdisc kind is unknown.') ?? '', /modprobe sch_netem/);
  assert.equal(qdiscErrorHint('RTNETLINK answers: No such device'), null);
});
