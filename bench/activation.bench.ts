// Activation time of the extension: from loading dist/extension.js to activate() resolving, with a minimal
// stand-in for the `vscode` module, each sample in a fresh Node process (a cold require, as in the
// extension host). The baseline is the same extension bundled with everything imported up front (the
// command code, the engine, the topology panel and the language client), which is what a naive
// activate() that imports what it might need would load. Target: ≤ 100 ms.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { median, report } from './lib/measure';

const ROOT = resolve(__dirname, '..');
const RUNS = 15;

/** A `vscode` module that answers every call: enough for activate() to run, doing nothing. */
const STUB = String.raw`
const Module = require('module');
const noop = () => undefined;
const disposable = { dispose: noop };
function anything() {
  const fn = function () { return proxy; };
  const proxy = new Proxy(fn, {
    get(_t, key) {
      if (key === 'then' || typeof key === 'symbol') return undefined;
      if (key === 'dispose') return noop;
      return proxy;
    },
    set() { return true; },
    apply() { return proxy; },
    construct() { return proxy; },
  });
  return proxy;
}
const any = anything();
class EventEmitter { constructor() { this.event = () => disposable; } fire() {} dispose() {} }
class Disposable { constructor(f) { this.f = f; } dispose() { if (this.f) this.f(); } static from(...d) { return new Disposable(() => d.forEach((x) => x.dispose())); } }
const configuration = { get: () => undefined, inspect: () => undefined, update: () => Promise.resolve() };
const vscode = new Proxy({
  EventEmitter, Disposable,
  ThemeColor: class { constructor(id) { this.id = id; } },
  ThemeIcon: class { constructor(id, color) { this.id = id; this.color = color; } },
  TreeItem: class { constructor(label, state) { this.label = label; this.collapsibleState = state; } },
  TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15 },
  ConfigurationTarget: { Global: 1, Workspace: 2 },
  Uri: { joinPath: () => any, parse: () => any, file: () => any, from: () => any },
  window: new Proxy({
    showWarningMessage: () => Promise.resolve(undefined),
    showInformationMessage: () => Promise.resolve(undefined),
    showErrorMessage: () => Promise.resolve(undefined),
  }, { get: (t, k) => (k in t ? t[k] : any) }),
  workspace: new Proxy({
    getConfiguration: () => configuration,
    textDocuments: [],
    workspaceFolders: undefined,
  }, { get: (t, k) => (k in t ? t[k] : any) }),
  commands: { registerCommand: () => disposable, executeCommand: () => Promise.resolve() },
}, { get: (t, k) => (k in t ? t[k] : any) });
const load = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : load.call(this, request, ...rest); };
`;

function sampleScript(bundle: string): string {
  return `${STUB}
const { performance } = require('perf_hooks');
const memento = { get: () => undefined, update: () => Promise.resolve(), keys: () => [] };
const context = { subscriptions: [], workspaceState: memento, globalState: memento, extensionUri: any, extensionPath: ${JSON.stringify(ROOT)}, asAbsolutePath: (p) => p };
(async () => {
  const start = performance.now();
  const extension = require(${JSON.stringify(bundle)});
  await extension.activate(context);
  const ms = performance.now() - start;
  process.stdout.write(JSON.stringify({ ms }));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(1); });
`;
}

async function sample(scriptFile: string): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [scriptFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`activation sample failed (${code}): ${err}`));
      else resolvePromise((JSON.parse(out) as { ms: number }).ms);
    });
  });
}

async function samples(scriptFile: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await sample(scriptFile));
  return out;
}

async function main(): Promise<void> {
  const bundle = join(ROOT, 'dist', 'extension.js');
  if (!existsSync(bundle)) throw new Error('dist/extension.js is missing: run `npm run build` first.');
  const dir = await mkdtemp(join(tmpdir(), 'vnet-activation-bench-'));
  try {
    // The baseline: the same activate(), with every module it defers imported eagerly.
    const eagerEntry = join(dir, 'eager.ts');
    await writeFile(eagerEntry, [
      `export * from ${JSON.stringify(join(ROOT, 'src/extension/activate'))};`,
      `import ${JSON.stringify(join(ROOT, 'src/extension/commands/command-table'))};`,
      `import ${JSON.stringify(join(ROOT, 'src/extension/topology/index'))};`,
      `import 'vscode-languageclient/node';`,
    ].join('\n'));
    const eagerBundle = join(dir, 'eager.js');
    await esbuild.build({
      entryPoints: [eagerEntry], outfile: eagerBundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
      external: ['vscode'], nodePaths: [join(ROOT, 'node_modules')], logLevel: 'silent',
      // Side effects must stay: the point is to load these modules.
      ignoreAnnotations: true,
    });
    const lazyScript = join(dir, 'lazy.cjs');
    const eagerScript = join(dir, 'eager.cjs');
    await writeFile(lazyScript, sampleScript(bundle));
    await writeFile(eagerScript, sampleScript(eagerBundle));

    await sample(lazyScript); // warm the file cache for both
    await sample(eagerScript);
    const lazy = median(await samples(lazyScript));
    const eager = median(await samples(eagerScript));
    report('Extension activation (module load → activate() resolved, fresh process each run)', [{
      name: `dist/extension.js, median of ${RUNS}`,
      ms: lazy,
      baseline: { name: 'same extension with every deferred module imported eagerly', ms: eager },
      target: '≤ 100 ms',
      met: lazy <= 100,
    }]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
