// The extension the e2e suite tests: this repository's, packaged into a .vsix the way `npm run package` makes
// it. VNET_E2E_EXTENSION_SOURCE points the suite at another extension folder (used to develop the harness
// against a throwaway extension before the real one existed).
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { packageExtension } from './package';
import { repoRoot } from './paths';

export const extensionSource = process.env.VNET_E2E_EXTENSION_SOURCE ?? repoRoot;

const manifest = JSON.parse(readFileSync(path.join(extensionSource, 'package.json'), 'utf8')) as {
  publisher: string;
  name: string;
  version: string;
  main?: string;
  contributes?: Record<string, unknown>;
};

export const extensionManifest = manifest;

/** publisher.name, as VS Code identifies the extension (in logs, `vscode.extensions.getExtension`). */
export const extensionId = `${manifest.publisher}.${manifest.name}`;

let packaged: Promise<string> | undefined;

/** The .vsix of the extension under test, built once per test process. */
export function extensionVsix(): Promise<string> {
  packaged ??= mkdtemp(path.join(os.tmpdir(), 'vnet-vsix-')).then((dir) => {
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return packageExtension({ source: extensionSource, out: path.join(dir, `${manifest.name}-${manifest.version}.vsix`) });
  });
  return packaged;
}
