// Judging a file's expectations with the trace engine: holds, fails with the hop's reason, lands in the
// wrong place, unknown names, and negative expectations.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Expectation } from '../../src/model/expectation';
import { judgeExpectation } from '../../src/trace/index';
import { asLive, scenarioB, scenarioD } from './fixtures/scenario-topologies';

function expectation(from: string, to: string, more: Partial<Expectation> = {}): Expectation {
  return { from, to, protocol: 'icmp', port: null, reaches: true, landsOn: null, text: `expect ${from} reaches ${to}`, line: 3, ...more };
}

const b = () => asLive(scenarioB(), '192.168.1.2/24');

test('a reachable pair holds, and its negation fails saying where it got to', () => {
  assert.equal(judgeExpectation(scenarioD(), expectation('ns1', 'ns2')).outcome, 'holds');
  const negated = judgeExpectation(scenarioD(), expectation('ns1', 'ns2', { reaches: false }));
  assert.equal(negated.outcome, 'fails');
  assert.match(negated.why!, /gets through, to ns2 192\.168\.1\.2/);
});

test('a dropped packet fails with the namespace and reason of the drop', () => {
  const topology = scenarioD();
  topology.namespaces.find((n) => n.name === 'ns2')!.interfaces.find((i) => i.name === 'veth-ns2')!.state = 'down';
  const verdict = judgeExpectation(topology, expectation('ns1', 'ns2'));
  assert.equal(verdict.outcome, 'fails');
  assert.match(verdict.why!, /dropped in ns2 \(veth-ns2\): link down/);
  assert.equal(judgeExpectation(topology, expectation('ns1', 'ns2', { reaches: false })).outcome, 'holds');
});

test('a published port must land where the file says', () => {
  const published = expectation('192.168.1.3', '192.168.1.2', { protocol: 'tcp', port: 80, landsOn: { namespace: 'blue', port: 80 } });
  assert.equal(judgeExpectation(b(), published).outcome, 'holds');
  const wrong = judgeExpectation(b(), { ...published, landsOn: { namespace: 'red', port: 80 } });
  assert.equal(wrong.outcome, 'fails');
  assert.match(wrong.why!, /lands on blue:80, not on red:80/);
});

test('an unknown namespace fails with the trace engine\'s message, and no trace', () => {
  const verdict = judgeExpectation(scenarioD(), expectation('ns1', 'nowhere'));
  assert.deepEqual([verdict.outcome, verdict.trace], ['fails', null]);
  assert.match(verdict.why!, /neither an address nor a namespace/);
});
