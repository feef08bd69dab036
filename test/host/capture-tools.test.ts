// The programs a finished capture meets on this machine, found on PATH without running anything: mergecap
// gets the files and writes one pcapng, Wireshark starts detached with the file and outlives the call,
// tcpdump -r decodes. Where a program is missing, each says so (false / null) instead of failing. The
// stand-ins are small scripts in a private PATH that record how they were called.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWithTcpdump, findOnPath, mergeCaptureFiles, openInWireshark } from '../../src/host/capture-tools';
import { isVnetError } from '../../src/model/errors';

const FIXTURE = join(__dirname, '../unit/fixtures/capture/veth-mixed.pcap');
let dir: string;
let bin: string;
const realPath = process.env.PATH;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vnet-capture-tools-'));
  bin = join(dir, 'bin');
  await mkdir(bin);
});

after(async () => {
  process.env.PATH = realPath;
  await rm(dir, { recursive: true, force: true });
});

async function standIn(name: string, body: string): Promise<void> {
  await writeFile(join(bin, name), `#!/bin/sh\n${body}\n`);
  await chmod(join(bin, name), 0o755);
}

async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

test('findOnPath finds executables only, in PATH order', async () => {
  await writeFile(join(bin, 'not-executable'), 'x');
  await standIn('vnet-probe-tool', 'true');
  assert.equal(await findOnPath('vnet-probe-tool', `/nonexistent:${bin}`), join(bin, 'vnet-probe-tool'));
  assert.equal(await findOnPath('not-executable', bin), null);
  assert.equal(await findOnPath('vnet-probe-tool', '/nonexistent'), null);
});

test('without mergecap or Wireshark here: false, and nothing is started', async () => {
  process.env.PATH = join(dir, 'empty');
  try {
    assert.equal(await mergeCaptureFiles([FIXTURE, FIXTURE], join(dir, 'm.pcapng')), false);
    assert.equal(await openInWireshark(FIXTURE), false);
  } finally {
    process.env.PATH = realPath;
  }
});

test('mergecap is given pcapng, the output, and the files after "--"; its failure is VN-CAPTURE-MERGE', async () => {
  await standIn('mergecap', `printf '%s\\n' "$@" > ${JSON.stringify(join(dir, 'mergecap-args'))}; [ "$2" = pcapng ] || exit 1; : > "$4"`);
  process.env.PATH = `${bin}:${realPath}`;
  try {
    const merged = join(dir, 'both.pcapng');
    assert.equal(await mergeCaptureFiles(['/tmp/a-x.pcap', '-odd.pcap'], merged), true);
    assert.deepEqual((await readFile(join(dir, 'mergecap-args'), 'utf8')).trim().split('\n'), ['-F', 'pcapng', '-w', merged, '--', '/tmp/a-x.pcap', '-odd.pcap']);
    await standIn('mergecap', 'echo "mergecap: The file \\"x\\" does not exist." >&2; exit 2');
    await assert.rejects(mergeCaptureFiles(['/nope.pcap'], merged), (error: unknown) => isVnetError(error) && error.code === 'VN-CAPTURE-MERGE' && /does not exist/.test(error.message));
  } finally {
    process.env.PATH = realPath;
  }
});

test('Wireshark starts detached with -r FILE, and the call does not wait for it', async () => {
  const marker = join(dir, 'wireshark-args');
  // It keeps running after writing its arguments, as Wireshark does; the call must return regardless.
  await standIn('wireshark', `printf '%s\\n' "$@" > ${JSON.stringify(marker)}; sleep 2`);
  process.env.PATH = `${bin}:${realPath}`;
  try {
    assert.equal(await openInWireshark(FIXTURE), true);
    assert.ok(await until(async () => (await readFile(marker, 'utf8').catch(() => '')).includes(FIXTURE)));
    assert.deepEqual((await readFile(marker, 'utf8')).trim().split('\n'), ['-r', FIXTURE]);
  } finally {
    process.env.PATH = realPath;
  }
});

test('tcpdump -r decodes a capture here, when tcpdump is installed', async () => {
  const text = await decodeWithTcpdump(FIXTURE);
  if (text === null) {
    assert.equal(await findOnPath('tcpdump', `${realPath}:/usr/sbin:/sbin`), null, 'null only when tcpdump is missing');
    return;
  }
  assert.match(text, /10\.77\.0\.1 > 10\.77\.0\.2: ICMP echo request/);
  assert.equal(text.trim().split('\n').length, 19);
});
