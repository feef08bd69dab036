// Packet capture on a testbed host over real ssh: a ping across a veth lands in a local pcap file that
// tcpdump reads back, however the capture stops (count, duration, cancel, a cut connection), and no tcpdump
// is left on the host afterwards. Hostile and broken filters, and unknown names, are refused.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { run } from '../testbed/run';
import { pingAcross, vethHost } from './capture-support';
import { SshTransport } from '../../src/host/ssh-transport';
import { startCapture, type CaptureOptions } from '../../src/host/capture-session';
import { capturePoint } from '../../src/host/capture-stream';
import { parsePcap } from '../../src/host/capture-pcap';
import { decodePacket } from '../../src/host/capture-summary';
import { isVnetError } from '../../src/model/errors';
import type { CapturePoint } from '../../src/model/capture';

let bed: Testbed;
let host: TestHost;
let transport: SshTransport;
let dir: string;

const A: CapturePoint = { namespace: 'cap-a', interface: 'va' };
const B: CapturePoint = { namespace: 'cap-b', interface: 'vb' };

before(async () => {
  bed = await Testbed.start();
  host = await vethHost(bed);
  dir = await mkdtemp(join(tmpdir(), 'vnet-capture-'));
  transport = new SshTransport(host.target, { sshOptions: host.sshOptions, controlDir: join(dir, 'sockets') });
});

after(async () => {
  await transport?.close();
  await bed?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function tcpdumpsOnHost(): Promise<string> {
  return (await host.direct('pgrep -a tcpdump || true')).stdout.trim();
}

/** A capture whose stream was cut without a sweep: the host's wrapper ends tcpdump when it notices. */
async function tcpdumpsSoonGone(): Promise<string> {
  let left = await tcpdumpsOnHost();
  for (let i = 0; i < 80 && left; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await tcpdumpsOnHost();
  }
  return left;
}

function ping(count: number): Promise<void> {
  return pingAcross(host, count);
}

/** The ICMP packets of a capture file, read back by tcpdump itself and by VNet's own parser. */
async function icmpIn(file: string): Promise<{ tcpdumpLines: string[]; decoded: string[] }> {
  const read = await run('tcpdump', ['-r', file, '-nn']);
  assert.equal(read.exitCode, 0, read.stderr);
  const tcpdumpLines = read.stdout.split('\n').filter((line) => line.includes('ICMP'));
  const { header, records, truncatedBytes } = parsePcap(await readFile(file));
  assert.equal(truncatedBytes, 0, 'only whole records are written');
  const decoded = records.map((record) => decodePacket(header.linkType, record.data)).map((p) => `${p.protocol} ${p.source} > ${p.destination}`);
  return { tcpdumpLines, decoded };
}

function capture(name: string, options: CaptureOptions, points: CapturePoint[] = [A]) {
  return startCapture(transport, points, join(dir, `${name}.pcap`), { filter: 'icmp', ...options });
}

test('stopped by count: a ping across the veth is in the file, and no tcpdump is left', async () => {
  const session = capture('count', { count: 6 });
  await session.listening;
  await ping(3);
  const result = await session.done;
  assert.equal(result.end, 'count');
  assert.equal(result.points[0].packets, 6);
  assert.deepEqual(result.leftOver, []);
  const { tcpdumpLines, decoded } = await icmpIn(result.points[0].file);
  assert.equal(tcpdumpLines.filter((line) => /10\.77\.0\.1 > 10\.77\.0\.2: ICMP echo request/.test(line)).length, 3, tcpdumpLines.join('\n'));
  assert.equal(tcpdumpLines.filter((line) => /10\.77\.0\.2 > 10\.77\.0\.1: ICMP echo reply/.test(line)).length, 3, tcpdumpLines.join('\n'));
  assert.equal(decoded.length, 6);
  assert.equal(decoded.filter((d) => d === 'ICMP 10.77.0.1 > 10.77.0.2').length, 3);
  assert.equal(decoded.filter((d) => d === 'ICMP 10.77.0.2 > 10.77.0.1').length, 3);
  assert.equal(await tcpdumpsOnHost(), '');
});

test('stopped by duration: both ends of the veth, one file each, and no tcpdump is left', async () => {
  const counts: number[][] = [];
  // Long enough for the ping to cross on a busy machine: the test is about what stops it, not how soon.
  const session = capture('duration', { durationSec: 8, onPackets: (c) => counts.push([...c]) }, [A, B]);
  await session.listening;
  await ping(2);
  const result = await session.done;
  assert.equal(result.end, 'duration');
  assert.deepEqual(result.points.map((p) => p.file), [join(dir, 'duration-cap-a-va.pcap'), join(dir, 'duration-cap-b-vb.pcap')]);
  assert.deepEqual(result.points.map((p) => p.packets), [4, 4]);
  assert.deepEqual(counts[counts.length - 1], [4, 4], 'the progress ended at the final counts');
  for (const point of result.points) {
    const { tcpdumpLines } = await icmpIn(point.file);
    assert.equal(tcpdumpLines.length, 4, tcpdumpLines.join('\n'));
  }
  assert.deepEqual(result.leftOver, []);
  assert.equal(await tcpdumpsOnHost(), '');
});

test('stopped by cancel (a signal): the packets so far are in the file, and no tcpdump is left', async () => {
  const controller = new AbortController();
  const session = capture('cancel', { signal: controller.signal });
  await session.listening;
  await ping(2);
  // The count of the stream says when the host has handed over all four packets.
  while (session.points[0].packets < 4) await new Promise((resolve) => setTimeout(resolve, 50));
  controller.abort();
  const result = await session.done;
  assert.equal(result.end, 'stopped');
  assert.equal(result.points[0].packets, 4);
  assert.equal((await icmpIn(result.points[0].file)).tcpdumpLines.length, 4);
  assert.deepEqual(result.leftOver, []);
  assert.equal(await tcpdumpsOnHost(), '');
});

test('a stream cut at once (the channel closes) ends tcpdump on the host by itself', async () => {
  const point = capturePoint(transport, A, join(dir, 'cut.pcap'));
  await point.listening;
  assert.ok(point.pid, 'the host said which tcpdump it started');
  assert.match(await tcpdumpsOnHost(), /tcpdump/);
  point.stopNow();
  await point.done;
  // The host's wrapper notices the closed channel and ends the capture; the file is valid pcap meanwhile.
  assert.equal(await tcpdumpsSoonGone(), '');
  assert.equal(parsePcap(await readFile(join(dir, 'cut.pcap'))).records.length, 0);
});

test('a stop that cuts the streams at once still leaves no tcpdump', async () => {
  const session = capture('now', {});
  await session.listening;
  session.stop({ now: true });
  const result = await session.done;
  assert.equal(result.end, 'stopped');
  assert.equal(await tcpdumpsOnHost(), '');
});

test('a hostile filter is refused before anything reaches the host; a filter with parentheses is one argument', async () => {
  for (const filter of ['icmp; touch /tmp/pwned', 'icmp $(touch /tmp/pwned)', "icmp' or '1", 'icmp\ntouch /tmp/pwned', '-w /tmp/pwned', '`id`']) {
    assert.throws(() => capture('hostile', { filter }), (error: unknown) => isVnetError(error) && error.code === 'VN-CAPTURE-FILTER', filter);
  }
  assert.equal((await host.direct('ls /tmp/pwned 2>&1 || true')).stdout.includes('No such file'), true);
  const session = capture('parens', { filter: 'icmp and (host 10.77.0.1 or host 10.77.0.2)', count: 2 });
  await session.listening;
  await ping(1);
  assert.equal((await session.done).points[0].packets, 2);
});

test('a filter tcpdump cannot compile, an unknown namespace and an unknown interface are errors with codes', async () => {
  const codeOf = (options: CaptureOptions, points: CapturePoint[]) => capture('bad', options, points).done.then(() => 'none', (error: unknown) => (isVnetError(error) ? error.code : String(error)));
  assert.equal(await codeOf({ filter: 'icmp and and', count: 1 }, [A]), 'VN-CAPTURE-FILTER');
  assert.equal(await codeOf({ count: 1 }, [{ namespace: 'no-such-ns', interface: 'va' }]), 'VN-CAPTURE-NAMESPACE');
  assert.equal(await codeOf({ count: 1 }, [{ namespace: 'cap-a', interface: 'nope0' }]), 'VN-CAPTURE-INTERFACE');
  assert.equal(await tcpdumpsOnHost(), '');
});

test('a file that cannot be written ends the capture at once with VN-CAPTURE-FILE, and no tcpdump is left', async () => {
  const session = startCapture(transport, [A], join(dir, 'no-such-dir', 'x.pcap'), { filter: 'icmp' });
  await assert.rejects(session.done, (error: unknown) => isVnetError(error) && error.code === 'VN-CAPTURE-FILE' && /Choose another place/.test(error.message));
  assert.equal(await tcpdumpsSoonGone(), '');
});
