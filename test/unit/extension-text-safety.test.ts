// Host text on screen: control characters and reordering marks written out, the `$(icon)` syntax and the
// notification link syntax defused, and nothing else changed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clip, defuseLinks, iconSafe, plainLines, plainMessage, plainText } from '../../src/extension/text-safety';

test('control characters, DEL, C1 and bidirectional marks become visible escapes; markup stays as written', () => {
  assert.equal(plainText('a\u001b[31mb'), 'a\\x1b[31mb');
  assert.equal(plainText('x\u007fy\u0085z'), 'x\\x7fy\\x85z');
  assert.equal(plainText('evil\u202egnp.exe\u2066'), 'evil\\u202egnp.exe\\u2066');
  assert.equal(plainText(`<b>we ird'"ü</b>`), `<b>we ird'"ü</b>`);
  assert.equal(plainText('a\nb'), 'a\\x0ab');
  assert.equal(plainLines(['a\tb', 'c']), 'a\\x09b\nc');
  assert.equal(plainMessage('line one\r\nline\u0007two'), 'line one\nline\\x07two');
});

test('icons and links that host text could smuggle in are defused', () => {
  assert.equal(iconSafe('$(alert) ns'), '\\$(alert) ns');
  const link = 'namespace [click me](command:workbench.action.terminal.new) gone';
  const defused = defuseLinks(link);
  assert.doesNotMatch(defused, /\]\(command:/);
  assert.equal(defused.replace(/\u200b/g, ''), link, 'the text reads the same');
  assert.doesNotMatch(defuseLinks('[x] (https://evil)'), /\]\s*\(https/);
});

test('long text is clipped with an ellipsis', () => {
  assert.equal(clip('abcdef', 4), 'abc…');
  assert.equal(clip('abc', 4), 'abc');
});
