// Thousands of random and mutated inputs through the whole language: lexer, parser, binder, checker,
// lowering, printer, formatter and every editor feature. Nothing may throw, and what comes out must stay
// well-formed (ranges inside the text, formatting idempotent, printed labs compiling).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compileVnet } from '../../src/language/index';
import { formatVnet } from '../../src/language/format';
import { printLab } from '../../src/language/print';
import { completionsAt } from '../../src/server/completion';
import { hoverAt } from '../../src/server/hover';
import { definitionAt } from '../../src/server/definition';
import { referencesAt } from '../../src/server/references';
import { prepareRenameAt, renameAt } from '../../src/server/rename';
import { documentSymbols } from '../../src/server/symbols';
import { foldingRanges } from '../../src/server/folding';
import { semanticTokens } from '../../src/server/semantic-tokens';
import { codeActionsFor } from '../../src/server/code-actions';
import { codeLenses } from '../../src/server/code-lens';
import { mutations, seededRandom } from './language-fuzz';

const ROOT = join(__dirname, '..', '..');
const CORPUS = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.vnet')).map((f) => readFileSync(join(ROOT, 'examples', f), 'utf8'));

function assertRangeInside(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): void {
  const lines = text.split('\n');
  for (const p of [range.start, range.end]) {
    assert.ok(p.line >= 0 && p.line < lines.length, `line ${p.line} of ${lines.length}`);
    assert.ok(p.character >= 0 && p.character <= lines[p.line].length, `character ${p.character} of ${lines[p.line].length}`);
  }
  assert.ok(range.start.line < range.end.line || (range.start.line === range.end.line && range.start.character <= range.end.character));
}

test('thousands of mutated files: no exception, well-formed results', () => {
  const seed = Number(process.env.VNET_FUZZ_SEED ?? 20240521);
  const random = seededRandom(seed);
  const inputs = mutations(CORPUS, random, 2500);
  let withLab = 0;
  for (const [n, text] of inputs.entries()) {
    const context = `input #${n} (seed ${seed}): ${JSON.stringify(text.slice(0, 200))}`;
    try {
      const result = compileVnet(text);
      for (const d of result.diagnostics) {
        assertRangeInside(text, d.range);
        for (const fix of d.fixes ?? []) for (const edit of fix.edits) assertRangeInside(text, edit.range);
      }
      if (result.lab) {
        withLab++;
        const printed = printLab(result.lab);
        const again = compileVnet(printed);
        assert.ok(again.lab, 'a printed lab compiles to a lab');
      }
      const formatted = formatVnet(text);
      assert.equal(formatVnet(formatted), formatted, 'formatting is idempotent');
      const document = TextDocument.create('file:///fuzz.vnet', 'vnet', n, text);
      for (let k = 0; k < 2; k++) {
        const position = document.positionAt(Math.floor(random() * (text.length + 1)));
        completionsAt(document, position);
        hoverAt(document, position);
        definitionAt(document, position);
        referencesAt(document, position, true);
        const prepared = prepareRenameAt(document, position);
        if (prepared && !('error' in prepared)) renameAt(document, position, 'renamed1');
        codeActionsFor(document, { start: position, end: position });
      }
      documentSymbols(document);
      foldingRanges(document);
      const tokens = semanticTokens(document).data;
      assert.equal(tokens.length % 5, 0);
      codeLenses(document);
    } catch (error) {
      assert.fail(`${context}\n${error instanceof Error ? error.stack : String(error)}`);
    }
  }
  assert.ok(withLab > 100, 'many mutants still lower to a lab');
});

test('pathological inputs: huge lines, deep nesting, binary noise, lone quotes', () => {
  const cases = [
    '{'.repeat(5000),
    '}'.repeat(5000),
    `lab x\n${'namespace a {\n'.repeat(2000)}`,
    `lab ${'x'.repeat(100_000)}`,
    '"'.repeat(999),
    '\u0000\u0001\uffff\ud800#\r\r\n\t',
    Array.from({ length: 3000 }, (_, i) => String.fromCharCode(i % 256)).join(''),
    'lab x\nveth ::::: -- //:/:\nveth "":"" -- "":""\n',
    'lab x\nhost { nat dnat tcp 1:2:3 to [::1 not-in "" }\n',
  ];
  for (const text of cases) {
    const result = compileVnet(text);
    for (const d of result.diagnostics) assertRangeInside(text, d.range);
    const formatted = formatVnet(text);
    assert.equal(formatVnet(formatted), formatted);
    const document = TextDocument.create('file:///p.vnet', 'vnet', 1, text);
    completionsAt(document, document.positionAt(text.length));
    semanticTokens(document);
  }
});
