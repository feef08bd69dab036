import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { formatVnet } from '../../src/language/format';
import { lex } from '../../src/language/lexer';

const ROOT = join(__dirname, '..', '..');

function words(text: string): string[] {
  return lex(text).tokens.filter((t) => t.kind !== 'newline').map((t) => `${t.kind}:${t.text}:${t.glued}`);
}

test('examples are already formatted', () => {
  const dir = join(ROOT, 'examples/');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.vnet'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    assert.equal(formatVnet(text), text, file);
  }
});

test('re-indents by depth, one blank between words, comments kept, empty lines collapsed', () => {
  const messy = '\n\nlab   x  # the lab   \n\n\n\nhost{\n\n      forwarding    on\nbridge br0{address 10.0.0.1/24}\n\n}\n    namespace "a b"   {  address "v":x 10.0.0.2/24 ;route default via 10.0.0.1 }\n\n\n';
  const expected = 'lab x  # the lab\n\nhost {\n  forwarding on\n  bridge br0 { address 10.0.0.1/24 }\n}\nnamespace "a b" { address "v":x 10.0.0.2/24; route default via 10.0.0.1 }\n';
  assert.equal(formatVnet(messy), expected);
  assert.equal(formatVnet(expected), expected);
});

test('honours tab options and CRLF line ends', () => {
  assert.equal(formatVnet('host {\nforwarding on\n}\n', { insertSpaces: false }), 'host {\n\tforwarding on\n}\n');
  assert.equal(formatVnet('host {\nforwarding on\n}\n', { tabSize: 4 }), 'host {\n    forwarding on\n}\n');
  assert.equal(formatVnet('host {\r\nforwarding on\r\n}\r\n'), 'host {\r\n  forwarding on\r\n}\r\n');
});

test('formats broken files without changing a word, and is idempotent on them', () => {
  const broken = [
    'lab x\nnamespace a {\n address "unclosed\n  }}}\n{ {\n',
    'veth a:"b\\q" -- "c"d:e#f\n;;;\n',
    '}\n}\nhost { bridge { } } } \n#',
    '',
    '   \n\n',
  ];
  for (const text of broken) {
    const once = formatVnet(text);
    assert.equal(formatVnet(once), once, JSON.stringify(text));
    assert.deepEqual(words(once), words(text), JSON.stringify(text));
  }
});
