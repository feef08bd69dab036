import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTopologySvg } from '../../src/diagram/index';
import { createElkEngine } from '../../src/diagram/elk-engine';
import { escapeAttr, escapeText, serializeSvg, el } from '../../src/diagram/svg-tree';
import { displayText } from '../../src/diagram/text';
import { diagramCases } from './fixtures/diagram-cases';
import { iface, namespace, topology, vethEnd } from './fixtures/scenario-topologies';
import { byDataId, parseXml, textOf, walk } from './fixtures/xml-check';

const elk = createElkEngine();

for (const { name, input } of diagramCases()) {
  test(`SVG of ${name} is a well-formed standalone document with every element`, async () => {
    const { svg, layout } = await renderTopologySvg(input, { elk });
    const root = parseXml(svg);
    assert.equal(root.name, 'svg');
    assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
    assert.match(root.attrs.viewBox, /^-?\d+ -?\d+ \d+ \d+$/);
    const style = [...walk(root)].find((n) => n.name === 'style');
    assert.ok(style && textOf(style).includes('--vscode-editor-background'), 'theme colours come from VS Code variables');
    const drawn = byDataId(root);
    for (const box of layout.boxes) {
      const group = drawn.get(box.id);
      assert.ok(group, `${name}: box ${box.id} not drawn`);
      assert.equal(group.name, 'g');
      assert.ok(group.children.some((c) => typeof c !== 'string' && c.name === 'rect'), `${box.id} has a frame`);
      assert.ok(textOf(group).includes(box.lines[0].text), `${box.id} shows its title`);
    }
    for (const port of layout.ports) {
      const group = drawn.get(port.id);
      assert.ok(group, `${name}: port ${port.id} not drawn`);
      for (const line of port.text) assert.ok(textOf(group).includes(line), `${port.id} shows ${line}`);
      assert.match(group.attrs.class, /state-(up|down|nocarrier)/);
    }
    for (const edge of layout.edges) {
      const group = drawn.get(edge.id);
      assert.ok(group, `${name}: link ${edge.id} not drawn`);
      const path = group.children.find((c) => typeof c !== 'string' && c.attrs.class === 'vnet-wire');
      assert.ok(path && typeof path !== 'string' && /^M-?[\d.]+ -?[\d.]+( L-?[\d.]+ -?[\d.]+)+$/.test(path.attrs.d), `${edge.id} has a path`);
    }
    if (layout.mode === 'drift') {
      const classes = [...walk(root)].map((n) => n.attrs.class ?? '').join(' ');
      for (const status of ['status-only-file', 'status-only-host', 'status-differs']) assert.ok(classes.includes(status), `drift view marks ${status}`);
    }
  });
}

test('hostile names render as text, never as markup', async () => {
  const hostileNs = '<script>alert(1)</script>';
  const hostileIf = `x"y'&<b>`;
  const hostileAddr = '10.0.0.1/24"><img src=x onerror=alert(1)>';
  const control = 'bad\u0001\u001bname';
  const topo = topology('host', [
    namespace('host', {
      interfaces: [vethEnd(hostileIf, `${hostileNs}:${control}`, [hostileAddr])],
      nat: ['-A PREROUTING -p tcp -m tcp --dport 81 -m comment --comment "</text><script>x</script>" -j DNAT --to-destination 10.9.9.9:80'],
    }),
    namespace(hostileNs, { interfaces: [vethEnd(control, `host:${hostileIf}`, ['10.0.0.2/24'])], routes: [['default', '"&<>']] }),
    namespace(`]]><!-- ${'a'.repeat(100)}`, { interfaces: [iface('lo', { kind: 'loopback' })] }),
  ]);
  const { svg } = await renderTopologySvg({ title: '<title>&"', hosts: [{ name: `h"<>&`, live: topo }] }, { elk });
  assert.deepEqual(svg.match(/<(script|img|b)\b|<!--/gi), null, 'no element made from host data');
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(svg), 'no control characters in the XML');
  const root = parseXml(svg);
  const names = new Set([...walk(root)].map((n) => n.name));
  for (const allowed of names) assert.ok(['svg', 'title', 'style', 'defs', 'marker', 'path', 'rect', 'g', 'text'].includes(allowed), `unexpected element <${allowed}>`);
  const attributes = new Set([...walk(root)].flatMap((n) => Object.keys(n.attrs)));
  for (const attr of attributes) assert.ok(!/^on/i.test(attr) && attr !== 'href', `unexpected attribute ${attr}`);
  const text = textOf(root);
  assert.ok(text.includes(hostileNs), 'the namespace name is shown as text');
  assert.ok(text.includes(hostileIf), 'the interface name is shown as text');
  assert.ok(text.includes(displayText(hostileAddr, 44)), 'the address is shown as text');
  assert.ok(text.includes('bad\\x01\\x1bname'), 'control characters are shown as escapes');
  const ids = [...byDataId(root).keys()];
  assert.ok(ids.some((id) => id.includes(encodeURIComponent(hostileNs))), 'ids carry names encoded');
});

test('the serialiser escapes text and attributes and refuses names it did not make', () => {
  assert.equal(escapeText(`<a & 'b'>`), `&lt;a &amp; 'b'&gt;`);
  assert.equal(escapeAttr(`"x" <y> & 'z'`), '&quot;x&quot; &lt;y&gt; &amp; &#39;z&#39;');
  assert.equal(serializeSvg(el('text', { 'data-id': '"><script>' }, '</text><script>')), '<text data-id="&quot;&gt;&lt;script&gt;">&lt;/text&gt;&lt;script&gt;</text>');
  assert.throws(() => serializeSvg(el('text', { 'onload="x': '1' })), /invalid SVG name/);
  assert.throws(() => serializeSvg(el('script x', {})), /invalid SVG name/);
  assert.equal(serializeSvg(el('text', {}, 'a\u0000b\ud800c')), '<text>a\ufffdb\ufffdc</text>');
});
