import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { createElkEngine } from '../../src/diagram/elk-engine';
import { BOX_PAD, blockWidth } from '../../src/diagram/box-content';
import { layoutDiagram, type DiagramLayout, type Rect } from '../../src/diagram/layout';
import { extendOrder } from '../../src/diagram/stable-order';
import { allElements } from '../../src/diagram/model';
import { diagramCases } from './fixtures/diagram-cases';
import { namespace, scenarioE, vethEnd } from './fixtures/scenario-topologies';

const elk = createElkEngine();

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
}

function ancestors(layout: DiagramLayout, id: string): Set<string> {
  const byId = new Map(layout.boxes.map((b) => [b.id, b]));
  const out = new Set<string>();
  for (let parent = byId.get(id)?.parent ?? null; parent; parent = byId.get(parent)?.parent ?? null) out.add(parent);
  return out;
}

for (const { name, input } of diagramCases()) {
  test(`layout of ${name}: every element placed, every link routed, no boxes overlap`, async () => {
    const model = buildDiagramModel(input);
    const layout = await layoutDiagram(model, elk);
    const boxIds = new Set(layout.boxes.map((b) => b.id));
    const portIds = new Set(layout.ports.map((p) => p.id));
    const lineIds = new Set(layout.boxes.flatMap((b) => b.lines.flatMap((l) => (l.id ? [l.id] : []))));
    const edgeIds = new Set(layout.edges.map((e) => e.id));

    // Every element of the model is drawn: as a box, a port, a line in a box, or a link.
    for (const element of allElements(model)) {
      const drawn = boxIds.has(element.id) || portIds.has(element.id) || lineIds.has(element.id) || edgeIds.has(element.id);
      const natDrawnAsLink = element.kind === 'nat' && model.links.some((l) => l.natIds.includes(element.id) && edgeIds.has(l.id));
      assert.ok(drawn || natDrawnAsLink, `${name}: ${element.kind} ${element.id} is not drawn`);
    }
    // Every namespace and interface of every input topology has its element.
    for (const host of input.hosts) {
      for (const topology of [host.desired, host.live]) {
        for (const ns of topology?.namespaces ?? []) {
          if (!ns.root) assert.ok([...boxIds].some((id) => id.endsWith(`/${encodeURIComponent(ns.name)}`) && id.startsWith('ns:')), `${name}: namespace ${ns.name}`);
          for (const iface of ns.interfaces) {
            const suffix = `/${encodeURIComponent(ns.name)}/${encodeURIComponent(iface.name)}`;
            const found = [...boxIds, ...portIds, ...lineIds].some((id) => id.endsWith(suffix));
            assert.ok(found, `${name}: interface ${ns.name}:${iface.name}`);
          }
        }
      }
    }
    // Every link is routed: elk gave it a path with a start and an end at its ports.
    for (const link of model.links) {
      const edge = layout.edges.find((e) => e.id === link.id);
      assert.ok(edge, `${name}: link ${link.id} missing`);
      assert.ok(edge.points.length >= 2, `${name}: link ${link.id} has no route`);
      const source = layout.ports.find((p) => p.id === link.source) ?? layout.boxes.find((b) => b.id === link.source)!;
      const target = layout.ports.find((p) => p.id === link.target) ?? layout.boxes.find((b) => b.id === link.target)!;
      const near = (p: { x: number; y: number }, r: Rect) => p.x >= r.x - 1 && p.x <= r.x + r.width + 1 && p.y >= r.y - 1 && p.y <= r.y + r.height + 1;
      assert.ok(near(edge.points[0], source), `${name}: ${link.id} does not start at its source`);
      assert.ok(near(edge.points[edge.points.length - 1], target), `${name}: ${link.id} does not end at its target`);
    }
    // No two boxes overlap unless one holds the other; children sit inside their parents.
    for (const a of layout.boxes) {
      const aAncestors = ancestors(layout, a.id);
      for (const b of layout.boxes) {
        if (a.id >= b.id || aAncestors.has(b.id) || ancestors(layout, b.id).has(a.id)) continue;
        assert.ok(!overlaps(a, b), `${name}: ${a.id} overlaps ${b.id}`);
      }
      const parent = layout.boxes.find((p) => p.id === a.parent);
      if (parent) assert.ok(contains(parent, a), `${name}: ${a.id} sticks out of ${parent.id}`);
      // Each box is wide enough for its text.
      assert.ok(a.width >= blockWidth(a.lines) + BOX_PAD, `${name}: ${a.id} is narrower than its text`);
    }
    // Ports sit on their box's edge and do not overlap each other.
    for (const port of layout.ports) {
      const owner = layout.boxes.find((b) => b.id === port.owner)!;
      const cy = port.y + port.height / 2;
      const onEdge = Math.abs(cy - owner.y) < 1 || Math.abs(cy - (owner.y + owner.height)) < 1;
      assert.ok(onEdge, `${name}: port ${port.id} is not on the top or bottom edge of ${owner.id}`);
      for (const other of layout.ports) {
        if (other.id <= port.id) continue;
        assert.ok(!overlaps(port, other), `${name}: ports ${port.id} and ${other.id} overlap`);
      }
    }
  });
}

test('a layout is deterministic: the same network gives the same picture', async () => {
  const input = diagramCases().find((c) => c.name === 'A live')!.input;
  const first = await layoutDiagram(buildDiagramModel(input), elk);
  const second = await layoutDiagram(buildDiagramModel(structuredClone(input)), elk);
  assert.deepEqual(second, first);
});

test('adding a namespace keeps the others in their order (no reshuffle on refresh)', async () => {
  const before = scenarioE();
  const model1 = buildDiagramModel({ title: 'E', hosts: [{ name: 'host', live: before }] });
  const layout1 = await layoutDiagram(model1, elk);
  const order = extendOrder([], allElements(model1).map((e) => e.id));
  const xOrder = (layout: DiagramLayout, ids: string[]) => ids.map((id) => layout.boxes.find((b) => b.id === id)!).sort((a, b) => a.x - b.x).map((b) => b.id);
  const nsIds = layout1.boxes.filter((b) => b.kind === 'namespace').map((b) => b.id);
  const original = xOrder(layout1, nsIds);

  // A new namespace on the bridge whose name sorts first, listed first by the host.
  const after = scenarioE();
  after.namespaces.splice(1, 0, namespace('aaa', { interfaces: [vethEnd('veth-aaa', 'host:veth-aaa-br', ['192.168.1.9/24'])] }));
  after.namespaces[0].interfaces.splice(1, 0, vethEnd('veth-aaa-br', 'aaa:veth-aaa', [], { master: 'virtual-bridge' }));
  const model2 = buildDiagramModel({ title: 'E', hosts: [{ name: 'host', live: after }] });
  const layout2 = await layoutDiagram(model2, elk, { order: extendOrder(order, allElements(model2).map((e) => e.id)) });
  assert.deepEqual(xOrder(layout2, nsIds), original);
  const newBox = layout2.boxes.find((b) => b.id.endsWith('/aaa'))!;
  assert.ok(nsIds.every((id) => layout2.boxes.find((b) => b.id === id)!.x < newBox.x), 'the new namespace is added after the known ones');
});
