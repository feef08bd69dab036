// `vnet capture`: tcpdump on one or more interfaces of a host, streamed over the connection into local
// pcap files (one per interface), with the packet counts on stderr. Ctrl-C stops it cleanly: each tcpdump
// hands over what it holds, and none is left on the host.

import { resolve } from 'node:path';
import { VnetError } from '../../model/errors';
import {
  captureFileNames, capturePointLabel, mergedCaptureFileName, packetCountText, parseCapturePoint, type CapturePoint,
} from '../../model/capture';
import { printable } from '../../model/names';
import { startCapture, type CaptureResult } from '../../host/capture-session';
import { mergeCaptureFiles } from '../../host/capture-tools';
import { flagValue, parseArgs, type ParsedArgs } from '../args';
import { printHelpIfAsked, type CliCommand, type CliIo } from '../command';
import { EXIT } from '../exit-codes';
import { HOST_FLAGS, HOST_HELP, transportFromArgs } from '../host-options';

const SHORT_USAGE = 'vnet capture [--host T] NS:IFACE... [-w FILE] [--count N] [--duration S] [--filter BPF]';

const USAGE = [
  SHORT_USAGE,
  '',
  '  NS:IFACE          an interface and its namespace (`host` for the root one); several capture at once',
  '  -w, --write FILE  where to write (default capture.pcap); with several interfaces, one file each,',
  '                    FILE-NS-IFACE.pcap, and FILE.pcapng with all of them when mergecap is installed here',
  '  --count N         stop each interface after N packets',
  '  --duration S      stop after S seconds',
  '  --filter BPF      a tcpdump filter, e.g. "icmp or tcp port 80" (letters, digits, spaces and . _ : / ! & | ( ) < > = [ ] + * , -)',
  '',
  'The packet counts go to stderr as packets arrive; Ctrl-C stops the capture and keeps what it has. Each',
  'file is listed on stdout: FILE, NS:IFACE, packets. The host needs tcpdump, run as root there.',
  '',
  HOST_HELP,
].join('\n');

/** Whole numbers from 1 up, or seconds above 0. */
function positiveNumber(args: ParsedArgs, flag: 'count' | 'duration', whole: boolean): number | undefined {
  const text = flagValue(args, flag);
  if (text === undefined) return undefined;
  const value = Number(text);
  const valid = whole ? /^\d+$/.test(text) && value >= 1 : /^\d+(\.\d+)?$/.test(text) && value > 0;
  if (!valid || value > 1e9) {
    throw new VnetError('VN-USAGE-CAPTURE', `--${flag} takes ${whole ? 'a whole number of packets from 1 up' : 'a number of seconds above 0'}, not "${printable(text)}".`);
  }
  return value;
}

function pointsOf(args: ParsedArgs): CapturePoint[] {
  if (args.positionals.length === 0) throw new VnetError('VN-USAGE-ARGS', `Name an interface to capture on. Usage: ${SHORT_USAGE}`);
  return args.positionals.map((text) => {
    const point = parseCapturePoint(text);
    if (!point) throw new VnetError('VN-USAGE-ARGS', `"${printable(text)}" is not NS:IFACE (e.g. ns1:veth0, or host:eth0 for the root namespace).`);
    return point;
  });
}

/** `-w FILE` is the one short option (tcpdump's spelling); everything else is --long. */
function withLongWrite(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '-w' ? '--write' : arg));
}

/** Prints the counts as they change: over the line on a terminal, else a line at most every second. */
function progressPrinter(io: CliIo, points: readonly CapturePoint[]): { update(counts: readonly number[]): void; finish(): void } {
  let last = '';
  let lastAt = 0;
  let shown = '';
  const text = (counts: readonly number[]) => points.map((p, i) => `${capturePointLabel(p)} ${packetCountText(counts[i])}`).join(' · ');
  return {
    update(counts) {
      last = text(counts);
      const now = Date.now();
      if (!io.interactive && now - lastAt < 1000) return;
      lastAt = now;
      shown = last;
      io.stderr(io.interactive ? `\r${last}` : `${last}\n`);
    },
    finish() {
      if (io.interactive && shown) io.stderr('\n');
      else if (!io.interactive && last && last !== shown) io.stderr(`${last}\n`);
    },
  };
}

function report(io: CliIo, result: CaptureResult): void {
  const ended = { count: 'every interface reached its count', duration: 'the duration is over', stopped: 'stopped', ended: 'the capture ended on the host' }[result.end];
  io.stderr(`Capture ended: ${ended}.\n`);
  for (const point of result.points) io.stdout(`${point.file}\t${capturePointLabel(point.point)}\t${packetCountText(point.packets)}\n`);
  if (result.leftOver.length) io.stderr(`A tcpdump was still running on the host after its stream ended, and was killed (pid ${result.leftOver.join(', ')}).\n`);
}

export const captureCommand: CliCommand = {
  name: 'capture',
  summary: 'Capture packets on interfaces of a host into local pcap files (tcpdump over the connection)',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(withLongWrite(argv), { ...HOST_FLAGS, write: { value: true }, count: { value: true }, duration: { value: true }, filter: { value: true }, help: {} });
    if (printHelpIfAsked(args, captureCommand, io)) return EXIT.ok;
    const points = pointsOf(args);
    const count = positiveNumber(args, 'count', true);
    const durationSec = positiveNumber(args, 'duration', false);
    const file = resolve(flagValue(args, 'write') ?? 'capture.pcap');
    const transport = transportFromArgs(args);
    const progress = progressPrinter(io, points);
    try {
      const session = startCapture(transport, points, file, { filter: flagValue(args, 'filter'), count, durationSec, signal: io.signal, onPackets: (counts) => progress.update(counts) });
      io.stderr(`Capturing on ${points.map(capturePointLabel).join(', ')} of ${transport.target} (Ctrl-C stops)…\n`);
      let result: CaptureResult;
      try { result = await session.done; } finally { progress.finish(); }
      report(io, result);
      if (points.length > 1) {
        const merged = mergedCaptureFileName(file);
        const files = captureFileNames(file, points);
        if (await mergeCaptureFiles(files, merged)) io.stdout(`${merged}\tmerged\t${packetCountText(result.points.reduce((sum, p) => sum + p.packets, 0))}\n`);
        else io.stderr('mergecap is not installed here, so there is no merged file (install Wireshark\'s tools to get one).\n');
      }
      return EXIT.ok;
    } finally {
      await transport.close();
    }
  },
};
