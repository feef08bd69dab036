// Where the e2e harness keeps things. Everything it writes lives in git-ignored folders.
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** Installed code-server and other slow-to-make things that survive between runs. */
export const cacheDir = path.join(repoRoot, '.cache');

/** Screenshots and logs kept after a run, for a person to look at (CI uploads this folder). */
export const resultsDir = path.join(repoRoot, 'test-results');

export const harnessDir = __dirname;
