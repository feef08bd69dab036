// The trace overlay on the scenario fixtures: which links, ports and boxes the request and its reply pass,
// where the drop is marked, and the SVG that carries it (data-trace on every highlighted piece).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { renderTopologySvg } from '../../src/diagram/index';
import { OUTSIDE_ID, bridgeId, interfaceId, linkId, namespaceId } from '../../src/diagram/ids';
import { buildTraceOverlay, overlayModelOfLayout } from '../../src/diagram/trace-overlay';
import { traceNetworkOf } from '../../src/diagram/trace-network';
import type { DiagramInput } from '../../src/model/protocol';
import type { Lab, Topology } from '../../src/model/topology';
import { trace, type TraceQuestion } from '../../src/trace/index';
import { asLive, scenarioA, scenarioB, scenarioF, scenarioG } from './fixtures/scenario-topologies';
import { parseXml, walk } from './fixtures/xml-check';

const H = 'lab1';
const port = (ns: string, name: string) => interfaceId(H, ns, name);
const q = (from: string, to: string, protocol: TraceQuestion['protocol'] = 'icmp', port: number | null = null): TraceQuestion => ({ from, to, protocol, port });

function overlayOf(topology: Topology, question: TraceQuestion) {
  const input: DiagramInput = { title: 't', hosts: [{ name: H, live: topology }] };
  return buildTraceOverlay(buildDiagramModel(input), trace(topology, question));
}

const sorted = (items: readonly string[]) => [...items].sort();

test('B: red → blue crosses veth-red, the bridge v-net-0 and veth-blue, and the reply comes back the same way', () => {
  const overlay = overlayOf(asLive(scenarioB(), '192.168.1.2/24'), q('red', 'blue'));
  const edges = [linkId(port('red', 'veth-red'), port('host', 'veth-red-br')), linkId(port('blue', 'veth-blue'), port('host', 'veth-blue-br'))];
  const ports = [port('red', 'veth-red'), port('host', 'veth-red-br'), port('blue', 'veth-blue'), port('host', 'veth-blue-br')];
  const boxes = [namespaceId(H, 'red'), bridgeId(H, 'host', 'v-net-0'), namespaceId(H, 'blue')];
  for (const path of [overlay.request, overlay.reply]) {
    assert.deepEqual(sorted(path.edges), sorted(edges));
    assert.deepEqual(sorted(path.ports), sorted(ports));
    assert.deepEqual(sorted(path.boxes), sorted(boxes));
  }
  assert.equal(overlay.drop, null);
  assert.equal(overlay.summary, 'icmp red → blue: reachable');
  assert.deepEqual(overlay.hops.filter((h) => h.direction === 'request').map((h) => h.elementId),
    [namespaceId(H, 'red'), port('red', 'veth-red'), bridgeId(H, 'host', 'v-net-0'), port('blue', 'veth-blue'), port('blue', 'veth-blue')]);
});

test('B: a LAN peer\'s published port comes in by the uplink and the DNAT port; the reply leaves by the uplink', () => {
  const overlay = overlayOf(asLive(scenarioB(), '192.168.1.2/24'), q('192.168.1.3', '192.168.1.2', 'tcp', 80));
  const uplink = linkId(OUTSIDE_ID, port('host', 'eth0'));
  assert.ok(overlay.request.edges.includes(uplink));
  assert.ok(overlay.request.edges.some((e) => e.startsWith('dnat-entry:')), 'the DNAT arrow in from outside');
  assert.ok(overlay.request.ports.some((p) => p.startsWith('dnat:')), 'the published port');
  assert.ok(overlay.request.boxes.includes(OUTSIDE_ID));
  assert.ok(overlay.request.edges.includes(linkId(port('blue', 'veth-blue'), port('host', 'veth-blue-br'))));
  assert.ok(overlay.reply.edges.includes(uplink));
  assert.ok(!overlay.reply.edges.some((e) => e.startsWith('dnat')), 'the reply does not take the DNAT arrow');
});

test('F: ns1 → ns2 passes ns-router over two veths', () => {
  const overlay = overlayOf(asLive(scenarioF()), q('ns1', 'ns2'));
  assert.deepEqual(sorted(overlay.request.edges), sorted([
    linkId(port('ns1', 'veth-ns1'), port('ns-router', 'veth-ns1-router')),
    linkId(port('ns2', 'veth-ns2'), port('ns-router', 'veth-ns2-router')),
  ]));
  assert.deepEqual(sorted(overlay.request.boxes), sorted([namespaceId(H, 'ns1'), namespaceId(H, 'ns-router'), namespaceId(H, 'ns2')]));
});

test('A: the published port is dropped at veth1, where nobody owns 172.16.0.102; nothing is drawn past it', () => {
  const overlay = overlayOf(asLive(scenarioA(), '10.0.1.48/24'), q('10.0.1.26', '10.0.1.48', 'tcp', 8088));
  assert.deepEqual(overlay.drop, {
    elementId: port('host', 'veth1'), direction: 'request', reason: 'no neighbour answers for 172.16.0.102 on veth1', rule: null,
  });
  assert.ok(overlay.request.ports.includes(port('host', 'veth1')));
  assert.ok(!overlay.request.edges.some((e) => e.includes(port('netns1', 'veth-ns1'))), 'the veth to netns1 is not crossed');
  assert.deepEqual(overlay.reply, { edges: [], ports: [], boxes: [] });
});

test('A: netns2 → the host\'s br0 address lands, and the reply is dropped at veth1 (the drop says reply)', () => {
  const topology = asLive(scenarioA(), '10.0.1.48/24');
  topology.namespaces.find((n) => n.root)!.routes.push(
    { to: '172.16.0.0/24', via: null, dev: 'veth1', protocol: 'kernel' },
    { to: '172.16.0.0/24', via: null, dev: 'br0', protocol: 'kernel' },
  );
  const overlay = overlayOf(topology, q('netns2', '172.16.0.100'));
  assert.equal(overlay.drop?.direction, 'reply');
  assert.equal(overlay.drop?.elementId, port('host', 'veth1'));
  assert.ok(overlay.request.boxes.includes(namespaceId(H, 'netns2')));
  assert.ok(overlay.reply.ports.includes(port('host', 'veth1')));
});

test('G: across the lab, each host\'s uplink to the LAN is on the path', () => {
  const desired = scenarioG();
  const lab: Lab = { ...desired, hosts: desired.hosts.map((h, i) => ({ ...h, topology: asLive(h.topology, i === 0 ? '10.0.2.15/24' : '10.0.2.16/24') })) };
  const model = buildDiagramModel({ title: 'g', hosts: lab.hosts.map((h) => ({ name: h.name, live: h.topology })) });
  const overlay = buildTraceOverlay(model, trace(lab, q('a/ns1', 'b/ns1')));
  assert.ok(overlay.request.edges.includes(linkId(OUTSIDE_ID, interfaceId('a', 'host', 'eth0'))));
  assert.ok(overlay.request.edges.includes(linkId(OUTSIDE_ID, interfaceId('b', 'host', 'eth0'))));
  assert.ok(overlay.request.boxes.includes(namespaceId('b', 'ns1')));
  assert.ok(overlay.request.boxes.includes(OUTSIDE_ID));
});

test('the SVG carries data-trace on every highlighted piece, and the drop with its reason as text', async () => {
  const topology = asLive(scenarioA(), '10.0.1.48/24');
  const question = q('10.0.1.26', '10.0.1.48', 'tcp', 8088);
  const result = trace(topology, question);
  const { svg, layout } = await renderTopologySvg({ title: 'a', hosts: [{ name: H, live: topology }] }, { trace: result });
  const pieces = [...walk(parseXml(svg))].filter((e) => e.attrs['data-trace']);
  const overlay = buildTraceOverlay(overlayModelOfLayout(layout), result);
  const of = (kind: string) => sorted(pieces.filter((p) => p.attrs['data-trace'] === kind).map((p) => p.attrs['data-trace-of']));
  assert.deepEqual(of('request'), sorted([...overlay.request.boxes, ...overlay.request.edges, ...overlay.request.ports]));
  assert.deepEqual(of('reply'), []);
  assert.deepEqual(of('drop'), [port('host', 'veth1')]);
  const drop = pieces.find((p) => p.attrs['data-trace'] === 'drop')!;
  const texts = [...walk(drop)].filter((e) => e.name === 'text').map((e) => e.children.join(''));
  assert.deepEqual(texts, ['dropped: no neighbour answers for 172.16.0.102 on veth1']);
});

test('a drawing without a trace has no data-trace at all', async () => {
  const { svg } = await renderTopologySvg({ title: 'b', hosts: [{ name: H, live: asLive(scenarioB()) }] });
  assert.ok(![...walk(parseXml(svg))].some((e) => 'data-trace' in e.attrs));
});

test('the overlay read from a layout equals the one from the model', async () => {
  const topology = asLive(scenarioB(), '192.168.1.2/24');
  const input: DiagramInput = { title: 'b', hosts: [{ name: H, live: topology }] };
  const result = trace(topology, q('192.168.1.3', '192.168.1.2', 'tcp', 80));
  const { layout } = await renderTopologySvg(input);
  assert.deepEqual(buildTraceOverlay(overlayModelOfLayout(layout), result), buildTraceOverlay(buildDiagramModel(input), result));
});

test('a trace runs on what the diagram shows: the live side of a drift view, every host of a lab', () => {
  const desired = scenarioB();
  const live = asLive(scenarioB(), '192.168.1.2/24');
  assert.equal(traceNetworkOf({ title: 'd', hosts: [{ name: 'host', desired, live }] }), live);
  assert.equal(traceNetworkOf({ title: 'f', hosts: [{ name: 'host', desired }] }), desired);
  const g = scenarioG();
  const lab = traceNetworkOf({ title: 'g', hosts: g.hosts.map((h) => ({ name: h.name, desired: h.topology })) });
  assert.ok(lab && 'hosts' in lab);
  assert.deepEqual(lab.hosts.map((h) => h.name), ['a', 'b']);
  assert.equal(traceNetworkOf({ title: 'none', hosts: [] }), null);
});

test('names in a drawn trace stay text: a hostile namespace name in the drop reason is escaped, not markup', async () => {
  const evil = '<b onload="x">&amp;';
  const topology = asLive(scenarioF());
  const ns1 = topology.namespaces.find((n) => n.name === 'ns1')!;
  ns1.name = evil;
  ns1.routes = [];
  topology.namespaces.find((n) => n.name === 'ns-router')!.interfaces.find((i) => i.name === 'veth-ns1-router')!.peer!.namespace = evil;
  const { svg } = await renderTopologySvg({ title: 'f', hosts: [{ name: H, live: topology }] }, { trace: trace(topology, q(evil, '192.168.2.2')) });
  const root = parseXml(svg);
  assert.ok(![...walk(root)].some((e) => e.name === 'b'), 'no element made of the name');
  const drop = [...walk(root)].find((e) => e.attrs['data-trace'] === 'drop')!;
  assert.equal(drop.attrs['data-trace-of'], namespaceId(H, evil));
  const title = [...walk(drop)].find((e) => e.name === 'title')!;
  assert.equal(title.children.join(''), 'no route to 192.168.2.2');
  const layer = [...walk(root)].find((e) => e.attrs.class === 'vnet-layer-trace')!;
  assert.equal(layer.attrs['aria-label'], `icmp ${evil} → 192.168.2.2: dropped (request)`, 'the name is an attribute value, read back literally');
});
