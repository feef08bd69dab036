import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDiagramModel } from '../../src/diagram/build-model';
import { allElements } from '../../src/diagram/model';
import { interfaceId } from '../../src/diagram/ids';
import { describeElement } from '../../src/diagram/details';
import { compileVnet } from '../../src/language/index';
import type { Topology } from '../../src/model/topology';

function topology(text: string): Topology {
  const lab = compileVnet(text).lab;
  assert.ok(lab);
  return lab.hosts[0].topology;
}

const FILE = 'lab l\nnamespace a { address x 10.0.0.1/24 }\nnamespace b { address y 10.0.0.2/24 }\n';

test('a veth is labelled with its impairment: once when both ends agree, per direction when not', () => {
  const both = buildDiagramModel({ title: 'l', hosts: [{ name: 'h', desired: topology(`${FILE}veth a:x -- b:y { delay 20ms loss 1% }\n`) }] });
  assert.deepEqual(both.links.filter((l) => l.linkKind === 'veth').map((l) => l.labels.map((m) => m.text)), [['20ms 1% loss']]);
  const oneWay = buildDiagramModel({ title: 'l', hosts: [{ name: 'h', desired: topology(`${FILE}veth a:x -- b:y { -> rate 1mbit\n <- loss 100% }\n`) }] });
  const labels = oneWay.links.find((l) => l.linkKind === 'veth')!.labels.map((m) => m.text);
  assert.equal(labels.length, 2);
  assert.ok(labels.includes('→ 1mbit') || labels.includes('← 1mbit'), labels.join());
  assert.ok(labels.some((t) => t.endsWith('100% loss')), labels.join());
  const port = allElements(both).find((e) => e.id === interfaceId('h', 'a', 'x'))!;
  assert.ok(describeElement(port).fields.some(([name, value]) => name === 'impairment' && value === 'delay 20ms, 1% loss'), 'the details pane names it');
  const plain = buildDiagramModel({ title: 'l', hosts: [{ name: 'h', desired: topology(`${FILE}veth a:x -- b:y\n`) }] });
  assert.deepEqual(plain.links.find((l) => l.linkKind === 'veth')!.labels, []);
});

test('drift shows a changed impairment on the interface and the link, and none for the kernel\'s rounding', () => {
  const desired = topology(`${FILE}veth a:x -- b:y { delay 20ms loss 1% }\n`);
  const live: Topology = JSON.parse(JSON.stringify(desired));
  const liveX = live.namespaces.find((n) => n.name === 'a')!.interfaces.find((i) => i.name === 'x')!;
  const liveY = live.namespaces.find((n) => n.name === 'b')!.interfaces.find((i) => i.name === 'y')!;
  liveX.impairment = { delayUs: 20_000, lossPct: 0.99999999977 };
  liveY.impairment = { delayUs: 20_000, lossPct: 0.99999999977 };
  const same = buildDiagramModel({ title: 'l', hosts: [{ name: 'h', desired, live }] });
  assert.deepEqual(allElements(same).filter((e) => e.status !== 'same').map((e) => e.id), []);

  liveY.impairment = { delayUs: 50_000 };
  const drift = buildDiagramModel({ title: 'l', hosts: [{ name: 'h', desired, live }] });
  const port = allElements(drift).find((e) => e.id === interfaceId('h', 'b', 'y'))!;
  assert.equal(port.status, 'differs');
  assert.deepEqual(port.differences, ['impairment: file delay 20ms, 1% loss · host delay 50ms']);
  const link = drift.links.find((l) => l.linkKind === 'veth')!;
  assert.equal(link.status, 'differs');
  assert.ok(link.labels.every((m) => m.status === 'differs'));
});
