import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileVnet } from '../../src/language/index';
import { formatVnet } from '../../src/language/format';
import { printLab } from '../../src/language/print';
import type { Lab, NetInterface } from '../../src/model/topology';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { completionsAt } from '../../src/server/completion';
import { hoverAt } from '../../src/server/hover';

function iface(lab: Lab, namespace: string, name: string): NetInterface {
  const found = lab.hosts[0].topology.namespaces.find((n) => n.name === namespace)?.interfaces.find((i) => i.name === name);
  assert.ok(found, `${namespace}:${name}`);
  return found;
}

function codes(text: string): string[] {
  return compileVnet(text).diagnostics.map((d) => `${d.severity} ${d.code}`);
}

const LINK = `lab imp

namespace a
namespace b {
  dummy d0 { address 10.9.0.1/32; delay 1ms rate 1gbit }
  impair y duplicate 2%
}

veth a:x -- b:y { delay 20ms jitter 5ms loss 1% rate 10mbit }
veth a:p -- b:q {
  -> loss 100%
  <- delay 10ms reorder 25%
}
`;

test('a veth block impairs both ends, `->` the left end and `<-` the right end; an interface block its interface', () => {
  const result = compileVnet(LINK);
  assert.deepEqual(result.diagnostics.filter((d) => d.severity !== 'info'), []);
  const lab = result.lab!;
  assert.deepEqual(iface(lab, 'a', 'x').impairment, { delayUs: 20_000, jitterUs: 5_000, lossPct: 1, rateBps: 10_000_000 });
  assert.deepEqual(iface(lab, 'b', 'y').impairment, { delayUs: 20_000, jitterUs: 5_000, lossPct: 1, duplicatePct: 2, rateBps: 10_000_000 },
    '`impair y` adds to what the veth line says');
  assert.deepEqual(iface(lab, 'a', 'p').impairment, { lossPct: 100 });
  assert.deepEqual(iface(lab, 'b', 'q').impairment, { delayUs: 10_000, reorderPct: 25 });
  assert.deepEqual(iface(lab, 'b', 'd0').impairment, { delayUs: 1_000, rateBps: 1_000_000_000 });
  assert.equal(iface(lab, 'b', 'd0').addresses[0], '10.9.0.1/32');
});

test('bad units and loss over 100% are errors; a setting twice is an error', () => {
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { delay 20 }\n'), ['error VN-IMPAIR-VALUE']);
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { rate 10mbps }\n'), ['error VN-IMPAIR-VALUE']);
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { loss 101% }\n'), ['error VN-IMPAIR-VALUE']);
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { loss 1%; -> loss 2% }\n'), ['error VN-IMPAIR-DUPLICATE']);
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { delay }\n'), ['error VN-SYNTAX-MISSING']);
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { delay 1ms lose 1% }\n'), ['error VN-SYNTAX-EXTRA']);
});

test('an impairment on an interface the file does not create is a warning, and lowers to nothing', () => {
  const result = compileVnet('lab l\nhost {\n  impair eth0 delay 20ms\n}\n');
  assert.deepEqual(result.diagnostics.map((d) => `${d.severity} ${d.code}`), ['warning VN-IMPAIR-EXTERNAL']);
  assert.ok(result.lab!.hosts[0].topology.namespaces.every((ns) => ns.interfaces.every((i) => !i.impairment)));
});

test('a jitter without a delay is a warning: netem ignores it', () => {
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { jitter 5ms }\n'), ['warning VN-IMPAIR-NEEDS'], 'once, though both ends have it');
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { jitter 5ms; -> delay 1ms }\n'), ['warning VN-IMPAIR-NEEDS'], 'the right end has no delay');
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { delay 1ms jitter 5ms correlation 10% reorder 1% }\n'), []);
});

test('impairment lines belong in veth and interface blocks only', () => {
  assert.deepEqual(codes('lab l\nnamespace a {\n  delay 20ms\n}\n'), ['error VN-SYNTAX-CONTEXT']);
  assert.deepEqual(codes('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { address 10.0.0.1/24 }\n'), ['error VN-SYNTAX-CONTEXT']);
});

test('export writes impairments back, and the text compiles to the same impairments', () => {
  const lab = compileVnet(LINK).lab!;
  const printed = printLab(lab);
  assert.match(printed, /veth a:x -- b:y \{\n {2}-> delay 20ms jitter 5ms loss 1% rate 10mbit\n {2}<- delay 20ms jitter 5ms loss 1% duplicate 2% rate 10mbit\n\}/);
  assert.match(printed, /veth a:p -- b:q \{\n {2}-> loss 100%\n {2}<- delay 10ms reorder 25%\n\}/);
  assert.match(printed, /dummy d0 \{\n.*\n {4}delay 1ms rate 1gbit\n/);
  const again = compileVnet(printed);
  assert.deepEqual(again.diagnostics.filter((d) => d.severity !== 'info'), []);
  for (const [ns, name] of [['a', 'x'], ['b', 'y'], ['a', 'p'], ['b', 'q'], ['b', 'd0']]) {
    assert.deepEqual(iface(again.lab!, ns, name).impairment, iface(lab, ns, name).impairment, `${ns}:${name}`);
  }
  const same = compileVnet('lab l\nnamespace a\nnamespace b\nveth a:x -- b:y { delay 20ms }\n').lab!;
  assert.match(printLab(same), /veth a:x -- b:y \{ delay 20ms \}\n/);
});

test('formatting keeps impairment blocks and is idempotent', () => {
  const messy = 'lab l\nnamespace a\nnamespace b\nveth a:x -- b:y {\n-> delay   20ms\n      <- loss 1%\n}\n';
  const formatted = formatVnet(messy);
  assert.equal(formatted, 'lab l\nnamespace a\nnamespace b\nveth a:x -- b:y {\n  -> delay 20ms\n  <- loss 1%\n}\n');
  assert.equal(formatVnet(formatted), formatted);
});

test('completion offers the settings in a veth block, values after a setting, interfaces after `impair`; hover explains them', () => {
  const text = 'lab l\nnamespace a {\n  impair x delay 20ms\n}\nnamespace b\nveth a:x -- b:y {\n  delay 20ms \n  -> loss \n}\n';
  const document = TextDocument.create('file:///l.vnet', 'vnet', 1, text);
  const at = (needle: string, after = needle.length) => document.positionAt(text.indexOf(needle) + after);
  const labels = (position: ReturnType<typeof at>) => completionsAt(document, position, { snippets: false }).map((item) => item.label);
  const afterDelay = labels(at('  delay 20ms '));
  assert.ok(afterDelay.includes('loss') && afterDelay.includes('rate') && !afterDelay.includes('delay'), afterDelay.join());
  assert.ok(labels(at('-> loss ')).includes('1%'));
  assert.deepEqual(labels(at('impair ')).filter((l) => l === 'x'), ['x']);
  const inBlock = labels(document.positionAt(text.indexOf('  delay 20ms \n') + 2));
  for (const word of ['delay', 'loss', 'rate', '->', '<-']) assert.ok(inBlock.includes(word), `${word} in ${inBlock.join()}`);
  const hover = (needle: string, after = 1) => {
    const result = hoverAt(document, at(needle, after));
    return result ? (result.contents as { value: string }).value : '';
  };
  assert.match(hover('loss'), /loss PERCENT/);
  assert.match(hover('delay 20ms \n', 7), /delay 20ms/);
});
