// The control-socket directory must be ours alone: whoever can reach a control socket runs commands on
// the host as us.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, lstat, mkdtemp, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir } from '../../src/host/ssh-control-dir';
import { isVnetError } from '../../src/model/errors';

test('created 0700, re-closed when opened up, refused when it is a symbolic link', async () => {
  const base = await mkdtemp(join(tmpdir(), 'vnet-control-'));
  try {
    const dir = join(base, 'sockets');
    await ensurePrivateDir(dir);
    assert.equal((await lstat(dir)).mode & 0o777, 0o700);
    await chmod(dir, 0o755);
    await ensurePrivateDir(dir);
    assert.equal((await lstat(dir)).mode & 0o777, 0o700);
    const target = join(base, 'elsewhere');
    await mkdir(target, { mode: 0o700 });
    const link = join(base, 'link');
    await symlink(target, link);
    await assert.rejects(ensurePrivateDir(link), (e: unknown) => isVnetError(e) && e.code === 'VN-SSH-CONTROL-DIR');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
