// The directory that holds ssh control sockets. Whoever can connect to a control socket can run commands
// on the host as us, so the directory must be ours alone: created 0700, and checked (owner, mode, not a
// symbolic link) every time, never trusted because it exists.

import { lstat, mkdir, chmod } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { VnetError } from '../model/errors';

export function defaultControlDir(): string {
  const uid = process.getuid?.() ?? userInfo().uid;
  const base = process.env.XDG_RUNTIME_DIR || tmpdir();
  return join(base, `vnet-ssh-${uid}`);
}

export async function ensurePrivateDir(dir: string): Promise<string> {
  try {
    await mkdir(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new VnetError('VN-SSH-CONTROL-DIR', `Cannot create the ssh control directory ${dir}: ${(error as Error).message}.`);
    }
  }
  const info = await lstat(dir);
  const uid = process.getuid?.() ?? userInfo().uid;
  if (info.isSymbolicLink() || !info.isDirectory() || info.uid !== uid) {
    throw new VnetError('VN-SSH-CONTROL-DIR', `${dir} is not a directory owned by you, so vnet will not keep ssh control sockets there. Remove it, or set XDG_RUNTIME_DIR to a private directory.`);
  }
  // Ours, but opened up by someone: close it again rather than refuse.
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
  return dir;
}
