// The TextMate grammar, tested with vscode-tmgrammar-test against the fixtures in test/grammar/, and the
// other editor files: language configuration and snippets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vscodeSnippets } from '../../src/server/snippets';
import { INTERFACE_KEYWORDS } from '../../src/language/interface-statements';

const ROOT = join(__dirname, '..', '..');
const TOOL = join(ROOT, 'node_modules', '.bin', 'vscode-tmgrammar-test');
const GRAMMAR = join(ROOT, 'syntaxes', 'vnet.tmLanguage.json');

function runTool(pattern: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TOOL, ['-g', GRAMMAR, pattern], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

test('the grammar passes every fixture in test/grammar', async () => {
  const { code, output } = await runTool('test/grammar/*.test.vnet');
  assert.equal(code, 0, output);
  assert.match(output, /statements\.test\.vnet run successfuly/);
  assert.match(output, /strings\.test\.vnet run successfuly/);
});

test('a wrong expectation fails the grammar test (the check can fail)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-grammar-'));
  try {
    await writeFile(join(dir, 'wrong.test.vnet'), '# SYNTAX TEST "source.vnet" "must fail"\nlab demo\n#   ^^^^ storage.type.namespace.vnet\n');
    const { code, output } = await runTool(join(dir, '*.test.vnet'));
    assert.notEqual(code, 0);
    assert.match(output, /missing required scopes: storage\.type\.namespace\.vnet/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('every statement that declares an interface (bridge, dummy…) is coloured as a declaration with its name', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-grammar-'));
  try {
    const lines = ['# SYNTAX TEST "source.vnet" "declaring statements"', 'host {'];
    for (const keyword of INTERFACE_KEYWORDS) {
      lines.push(`  ${keyword} x0 { address 10.0.0.1/24 }`);
      lines.push(`# ${'^'.repeat(keyword.length)} storage.type.${keyword}.vnet`);
      lines.push(`# ${' '.repeat(keyword.length + 1)}^^ entity.name.type.${keyword}.vnet`);
    }
    lines.push('}', '');
    await writeFile(join(dir, 'declarations.test.vnet'), lines.join('\n'));
    const { code, output } = await runTool(join(dir, '*.test.vnet'));
    assert.equal(code, 0, output);
    assert.ok(INTERFACE_KEYWORDS.includes('bridge') && INTERFACE_KEYWORDS.includes('dummy'), 'the table declares both');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('editor files are valid JSON and agree with the server', async () => {
  const grammar = JSON.parse(await readFile(GRAMMAR, 'utf8'));
  assert.equal(grammar.scopeName, 'source.vnet');
  const config = JSON.parse(await readFile(join(ROOT, 'syntaxes', 'vnet.language-configuration.json'), 'utf8'));
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.brackets, [['{', '}']]);
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  assert.ok(increase.test('namespace ns1 {'));
  assert.ok(!increase.test('bridge br0 { address 10.0.0.1/24 }'));
  assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('  }'));
  const snippets = JSON.parse(await readFile(join(ROOT, 'syntaxes', 'vnet.snippets.json'), 'utf8'));
  assert.deepEqual(snippets, vscodeSnippets(),
    'syntaxes/vnet.snippets.json is generated from src/server/snippets.ts; regenerate it with:\n' +
    `node --import tsx -e "require('fs').writeFileSync('syntaxes/vnet.snippets.json', JSON.stringify(require('./src/server/snippets').vscodeSnippets(), null, 2) + '\\n')"`);
});
