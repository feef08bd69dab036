import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '../../src/trace/index';
import { renderTrace } from '../../src/trace/render';
import { compileVnet } from '../../src/language/index';
import type { Lab } from '../../src/model/topology';
import { q } from './trace-support';

function lab(link: string): Lab {
  const result = compileVnet(`lab l
namespace a {
  address x 10.0.0.1/24
  route default via 10.0.0.254
}
namespace r {
  forwarding on
  address y 10.0.0.254/24
  bridge br0 { address 10.1.0.254/24 }
}
namespace b {
  address z 10.1.0.2/24
  route default via 10.1.0.254
}
${link}
veth b:z -- br0:p { delay 5ms }
`);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity === 'error'), []);
  return result.lab!;
}

test('delays along the path are summed each way and stated in the verdict', () => {
  const result = trace(lab('veth a:x -- r:y { -> delay 20ms\n <- delay 30ms jitter 2ms }'), q('a', 'b'));
  assert.equal(result.reachable, true);
  // There: a:x 20ms, then the bridge port r:p 5ms. Back: b:z 5ms, then r:y 30ms.
  assert.deepEqual(result.latency, { requestUs: 25_000, replyUs: 35_000, by: ['a:x', 'r:p', 'b:z', 'r:y'] });
  const text = renderTrace(result);
  assert.match(text, /reachable: lands in b at 10\.1\.0\.2, and the reply comes back; impairments add 60ms to the round trip \(25ms there, 35ms back\)\n$/);
  assert.match(text, /a x: x impairs what it sends: delay 20ms .*\n {6}by: tc qdisc replace dev x root netem delay 20000us/);
});

test('a link with 100% loss drops, in the direction that has it', () => {
  const there = trace(lab('veth a:x -- r:y { -> loss 100% }'), q('a', 'b'));
  assert.equal(there.reachable, false);
  assert.deepEqual(there.drop, {
    host: 'host', namespace: 'a', interface: 'x', direction: 'request', reason: 'x loses every packet it sends (loss 100%)',
    rule: 'tc qdisc replace dev x root netem loss 100%',
  });
  const back = trace(lab('veth a:x -- r:y { <- loss 100% }'), q('a', 'b'));
  assert.equal(back.reachable, false);
  assert.equal(back.drop?.direction, 'reply');
  assert.equal(back.drop?.namespace, 'r');
  assert.match(renderTrace(back), /dropped on the way back in r at y: y loses every packet it sends \(loss 100%\)/);
  // Some loss is not a drop: the packet usually gets through.
  assert.equal(trace(lab('veth a:x -- r:y { loss 99% }'), q('a', 'b')).reachable, true);
});

test('without impairments nothing is added and the verdict reads as before', () => {
  const result = trace(lab('veth a:x -- r:y'), q('a', 'b'));
  assert.deepEqual(result.latency, { requestUs: 5_000, replyUs: 5_000, by: ['r:p', 'b:z'] });
  const plain = compileVnet('lab l\nnamespace a { address x 10.0.0.1/24 }\nnamespace b { address y 10.0.0.2/24 }\nveth a:x -- b:y\n').lab!;
  const none = trace(plain, q('a', 'b'));
  assert.deepEqual(none.latency, { requestUs: 0, replyUs: 0, by: [] });
  assert.match(renderTrace(none), /and the reply comes back\n$/);
});
