import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { createElkEngine } from '../../src/diagram/elk-engine';
import { layoutDiagram } from '../../src/diagram/layout';
import { extendOrder, sortByOrder } from '../../src/diagram/stable-order';
import { applyOffsets } from '../../src/diagram/user-positions';
import { renderDiagram } from '../../src/diagram/render';
import { scenarioA } from './fixtures/scenario-topologies';

const elk = createElkEngine();

test('a dragged box carries its ports; its links are re-routed from port to port; the rest stays', async () => {
  const base = await layoutDiagram(buildDiagramModel({ title: 'A', hosts: [{ name: 'host', desired: scenarioA() }] }), elk);
  const moved = applyOffsets(base, { 'ns:host/netns1': { dx: 300, dy: 40 } });
  const box = (layout: typeof base, id: string) => layout.boxes.find((b) => b.id === id)!;
  const port = (layout: typeof base, id: string) => layout.ports.find((p) => p.id === id)!;
  assert.deepEqual([box(moved, 'ns:host/netns1').x, box(moved, 'ns:host/netns1').y], [box(base, 'ns:host/netns1').x + 300, box(base, 'ns:host/netns1').y + 40]);
  assert.equal(port(moved, 'if:host/netns1/veth1-peer').x, port(base, 'if:host/netns1/veth1-peer').x + 300);
  assert.deepEqual(box(moved, 'ns:host/netns2'), box(base, 'ns:host/netns2'));
  const link = moved.edges.find((e) => e.id.includes('veth1-peer'))!;
  const target = port(moved, 'if:host/netns1/veth1-peer');
  const end = link.points[link.points.length - 1];
  assert.deepEqual(end, { x: target.x + target.width / 2, y: target.y });
  for (let i = 1; i < link.points.length; i++) {
    const [a, b] = [link.points[i - 1], link.points[i]];
    assert.ok(a.x === b.x || a.y === b.y, 're-routed links stay orthogonal');
  }
  const untouched = base.edges.find((e) => e.id.includes('veth3'))!;
  assert.deepEqual(moved.edges.find((e) => e.id === untouched.id), untouched);
  // Moving the host box moves everything in it, links included, without re-routing.
  const hostMoved = applyOffsets(base, { 'host:host': { dx: -50, dy: 0 } });
  assert.equal(box(hostMoved, 'ns:host/netns2').x, box(base, 'ns:host/netns2').x - 50);
  assert.deepEqual(hostMoved.edges.find((e) => e.id === untouched.id)!.points, untouched.points.map((p) => ({ x: p.x - 50, y: p.y })));
  assert.ok((hostMoved.originX ?? 0) < 0, 'the drawing grows to the left to hold what moved there');
  assert.match(String(renderDiagram(hostMoved).attrs.viewBox), /^-\d+ /);
});

test('remembered order: old ids keep their places, new ones are appended', () => {
  const order = extendOrder(['b', 'a'], ['a', 'c', 'b']);
  assert.deepEqual(order, ['b', 'a', 'c']);
  assert.deepEqual(sortByOrder(['x', 'a', 'c', 'b', 'y'], (s) => s, order), ['b', 'a', 'c', 'x', 'y']);
  assert.deepEqual(sortByOrder(['x', 'a'], (s) => s, undefined), ['x', 'a']);
});
