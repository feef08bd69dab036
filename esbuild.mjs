// Bundles every entry point of the project. One file, so that `npm run build` and `npm run watch` agree.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  define: { VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'info',
};

// The CLI keeps elk (most of its size) in a file of its own, read only when `vnet graph` draws: every other
// command would otherwise parse it at start-up (about 100 ms of each `vnet show`).
const elkApart = {
  name: 'elk-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/elk-engine(\.js)?$/ }, () => ({ path: './elk-engine.js', external: true }));
  },
};

const nodeEntries = [
  { in: 'src/extension/activate.ts', out: 'extension', external: ['vscode'] },
  { in: 'src/server/main.ts', out: 'server' },
  { in: 'src/cli/main.ts', out: 'cli', banner: '#!/usr/bin/env node', plugins: [elkApart] },
  { in: 'src/diagram/elk-engine.ts', out: 'elk-engine' },
  { in: 'test/testbed/cli.ts', out: 'testbed', banner: '#!/usr/bin/env node' },
].filter((entry) => existsSync(entry.in));

const configs = nodeEntries.map((entry) => ({
  ...common,
  entryPoints: { [entry.out]: entry.in },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: entry.external ?? [],
  banner: entry.banner ? { js: entry.banner } : undefined,
  plugins: entry.plugins ?? [],
}));

if (existsSync('webview/main.ts')) {
  configs.push({
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  });
}

if (watch) {
  const contexts = await Promise.all(configs.map((config) => esbuild.context(config)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(configs.map((config) => esbuild.build(config)));
}
