// Packs an extension into a .vsix exactly as `npm run package` does, so e2e tests exercise the shipped artifact.
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { harnessDir } from './paths';
import { run } from './run';

export interface PackageOptions {
  /** Where to write the .vsix. */
  out: string;
  /** The extension's root folder; defaults to this repository. */
  source?: string;
}

export async function packageExtension(options: PackageOptions): Promise<string> {
  const args = [path.join(harnessDir, 'package-extension.sh'), '--out', options.out];
  if (options.source) args.push('--source', options.source);
  const { stdout } = await run('bash', args, { timeoutMs: 5 * 60_000 });
  return stdout.trim().split('\n').at(-1) ?? options.out;
}

/** The paths inside a .vsix (a zip), as `unzip -Z1` lists them. */
export async function listVsix(vsix: string): Promise<string[]> {
  try {
    await access('/usr/bin/unzip');
  } catch {
    throw new Error('unzip is needed to list the .vsix: apt-get install unzip');
  }
  const { stdout } = await run('unzip', ['-Z1', vsix]);
  return stdout.split('\n').filter((line) => line !== '');
}
