// The programs a finished capture meets on THIS machine, each optional: mergecap (one pcapng of several
// files), Wireshark (to look at it), tcpdump (to decode it as text). Found on PATH without running
// anything; started without blocking.

import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { VnetError } from '../model/errors';
import { runProcess } from './process';

const TOOL_TIMEOUT_MS = 120_000;

/** The full path of a program on PATH, or null. */
export async function findOnPath(program: string, path = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch { /* not here */ }
  }
  return null;
}

/** Merges pcap files into one pcapng in time order with mergecap; false when mergecap is not installed. */
export async function mergeCaptureFiles(files: readonly string[], merged: string, signal?: AbortSignal): Promise<boolean> {
  const mergecap = await findOnPath('mergecap');
  if (!mergecap) return false;
  const outcome = await runProcess(mergecap, ['-F', 'pcapng', '-w', merged, '--', ...files], { timeoutMs: TOOL_TIMEOUT_MS, signal });
  if (outcome.exitCode !== 0 || outcome.spawnError) {
    throw new VnetError('VN-CAPTURE-MERGE', `mergecap could not merge the capture files: ${(outcome.spawnError ?? outcome.stderr.trim()) || `exit ${outcome.exitCode}`}. The files of each interface are complete; merge them by hand with mergecap -w ${merged} ….`);
  }
  return true;
}

/** Opens a file in Wireshark, detached: Wireshark outlives the call (and the editor). False when it is not installed. */
export async function openInWireshark(file: string): Promise<boolean> {
  const wireshark = await findOnPath('wireshark');
  if (!wireshark) return false;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(wireshark, ['-r', file], { detached: true, stdio: 'ignore' });
    child.once('spawn', () => { child.unref(); resolve(); });
    child.once('error', (error) => reject(new VnetError('VN-CAPTURE-WIRESHARK', `Wireshark did not start: ${error.message}. Open ${file} in it by hand.`)));
  });
  return true;
}

/** `tcpdump -r FILE -nn` on this machine; null when tcpdump is not installed here. */
export async function decodeWithTcpdump(file: string, signal?: AbortSignal): Promise<string | null> {
  const tcpdump = await findOnPath('tcpdump', `${process.env.PATH ?? ''}${delimiter}/usr/sbin${delimiter}/sbin`);
  if (!tcpdump) return null;
  const outcome = await runProcess(tcpdump, ['-r', file, '-nn'], { timeoutMs: TOOL_TIMEOUT_MS, signal });
  if (outcome.spawnError || outcome.exitCode !== 0) return null;
  return outcome.stdout;
}
