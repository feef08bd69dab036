// "Capture Along Trace": the interfaces a trace's hops name, each once, in the order the packet meets
// them, as capture points of the host (an anonymous namespace entered by its path).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trace } from '../../src/trace/index';
import { capturePointsOf, hopInterfaces } from '../../src/extension/capture/trace-points';
import { asLive, scenarioA } from './fixtures/scenario-topologies';
import { q } from './trace-support';

test('a trace across scenario A\'s bridge names its interfaces once each, in the order the request meets them', () => {
  const live = asLive(scenarioA());
  const result = trace(live, q('netns2', '172.16.0.103'));
  assert.equal(result.reachable, true);
  // The reply passes the same three interfaces: each is named once.
  assert.equal(result.reply.filter((hop) => hop.interface).length > 0, true);
  const hops = hopInterfaces(result);
  assert.deepEqual(hops.map((h) => `${h.namespace}:${h.interface}`), ['netns2:veth2-peer', 'host:br0', 'netns3:veth3-peer']);
  assert.deepEqual(capturePointsOf(hops, live), hops.map((h) => ({ namespace: h.namespace, interface: h.interface })));
});

test('an anonymous namespace is entered by its path; an interface the host does not have is left out', () => {
  const live = asLive(scenarioA());
  const netns2 = live.namespaces.find((ns) => ns.name === 'netns2')!;
  Object.assign(netns2, { name: 'pid:4242', anonymous: true, path: '/proc/4242/ns/net' });
  const points = capturePointsOf([{ namespace: 'pid:4242', interface: 'veth2-peer' }, { namespace: 'host', interface: 'gone0' }, { namespace: 'nowhere', interface: 'x' }], live);
  assert.deepEqual(points, [{ namespace: 'pid:4242', interface: 'veth2-peer', path: '/proc/4242/ns/net' }]);
});
