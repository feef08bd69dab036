// The packaged extension (`npm run package`): only bundles and assets, every file the manifest points at, and
// small enough to download in a blink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { extensionManifest, extensionVsix } from './harness/extension-under-test';
import { listVsix } from './harness/package';

const sizeBudgetBytes = 3 * 1024 * 1024;

/** Everything a .vsix may contain; anything else (sources, tests, maps, node_modules) is a packaging bug. */
const allowed: readonly RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/license(\.md|\.txt)?$/i,
  /^extension\/dist\/[\w.-]+\.js$/,
  /^extension\/media\/.+/,
  /^extension\/syntaxes\/.+/,
];

test('the .vsix holds only the bundles and assets, within 3 MB', async () => {
  const vsix = await extensionVsix();
  const files = await listVsix(vsix);

  const stray = files.filter((file) => !allowed.some((pattern) => pattern.test(file)));
  assert.deepEqual(stray, [], 'files that must not ship');
  assert.ok(!files.includes('extension/dist/testbed.js'), 'the test bed is test code and must not ship');
  assert.ok(files.includes('extension/readme.md'), 'the README ships as the extension page');

  const { size } = await stat(vsix);
  assert.ok(size <= sizeBudgetBytes, `the .vsix is ${(size / 1024 / 1024).toFixed(2)} MB, over the 3 MB budget`);
});

test('every file the manifest refers to is in the .vsix', async () => {
  const files = new Set(await listVsix(await extensionVsix()));
  const missing = manifestFileReferences(extensionManifest).filter((file) => !files.has(`extension/${file}`));
  assert.deepEqual(missing, [], 'package.json refers to files the .vsix lacks');
});

/**
 * Paths package.json points at: the entry point and the files under `contributes` (grammars, language
 * configurations, icons, snippets…). Codicon references like "$(server)" are not files.
 */
function manifestFileReferences(manifest: { main?: string; icon?: string; contributes?: unknown }): string[] {
  const found = new Set<string>();
  const add = (value: string): void => {
    if (/^\$\(.*\)$/.test(value) || /^[a-z]+:/i.test(value)) return;
    found.add(value.replace(/^\.\//, ''));
  };
  if (manifest.main) add(manifest.main);
  if (manifest.icon) add(manifest.icon);
  const visit = (node: unknown, key: string): void => {
    if (typeof node === 'string') {
      if (['path', 'configuration', 'icon', 'light', 'dark'].includes(key) && /\.\w+$/.test(node)) add(node);
    } else if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
    } else if (node && typeof node === 'object') {
      for (const [childKey, child] of Object.entries(node)) visit(child, childKey);
    }
  };
  visit(manifest.contributes, 'contributes');
  return [...found].sort();
}
