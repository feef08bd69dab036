// One interface's capture: tcpdump's pcap stream from the host, over the transport, into a local file,
// counting packets as their records arrive. Only whole records are written, so the file is valid pcap
// however the stream ends.

import { open, type FileHandle } from 'node:fs/promises';
import { VnetError } from '../model/errors';
import { capturePointLabel, type CapturePoint } from '../model/capture';
import { printable } from '../model/names';
import { PCAP_HEADER_BYTES, PcapStreamParser, type PcapHeader, type PcapRecord } from './capture-pcap';
import { CAPTURE_CHECK_FAILED, CAPTURE_MARK, captureStartScript, type CaptureScriptOptions } from './capture-script';
import type { ExecResult, Transport } from './transport';

export interface PointCaptureResult {
  point: CapturePoint;
  file: string;
  packets: number;
  /** Captured bytes of those packets. */
  bytes: number;
  /** The link-layer type of the file (1: Ethernet). */
  linkType: number;
}

export interface PointCapture {
  readonly point: CapturePoint;
  readonly file: string;
  readonly packets: number;
  /** The pid of tcpdump on the host, once the host said it. */
  readonly pid: number | null;
  /** Resolves when tcpdump listens (it said so), or when the capture ended before it did. */
  readonly listening: Promise<void>;
  /** Resolves when the stream has ended and the file is complete; rejects with what went wrong. */
  readonly done: Promise<PointCaptureResult>;
  /** Ends the stream at once (closing the connection's channel, which ends tcpdump on the host). */
  stopNow(): void;
}

export interface PointCaptureOptions extends CaptureScriptOptions {
  /** Called after each batch of packets with the count so far. */
  onPackets?: (packets: number) => void;
  log?: (line: string) => void;
}

/** Written when the host sent no header at all (stopped before tcpdump wrote it): an empty Ethernet capture. */
function emptyHeader(): Buffer {
  const header = Buffer.alloc(PCAP_HEADER_BYTES);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  return header;
}

function failureOf(point: CapturePoint, target: string, result: ExecResult): VnetError | null {
  const where = `${capturePointLabel(point)} on ${target}`;
  const said = (mark: string) => result.stderr.split('\n').some((line) => line.trim() === mark);
  if (result.exitCode === CAPTURE_CHECK_FAILED && said(CAPTURE_MARK.noTcpdump)) {
    return new VnetError('VN-HOST-TOOL', `${target} has no tcpdump, which a capture needs. Install it there (e.g. apt install tcpdump, dnf install tcpdump).`);
  }
  if (result.exitCode === CAPTURE_CHECK_FAILED && said(CAPTURE_MARK.noNamespace)) {
    return new VnetError('VN-CAPTURE-NAMESPACE', `There is no namespace ${printable(point.namespace)} on ${target}. Name one under /run/netns, "host", or "pid:PID" (as "vnet show" lists them).`);
  }
  if (result.exitCode === CAPTURE_CHECK_FAILED && said(CAPTURE_MARK.noInterface)) {
    return new VnetError('VN-CAPTURE-INTERFACE', `There is no interface ${printable(point.interface)} in ${printable(point.namespace)} on ${target}. "vnet show" lists the interfaces.`);
  }
  const tcpdumpSaid = result.stderr.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('tcpdump:') && !/listening on/.test(line));
  if (result.exitCode !== 0 && tcpdumpSaid.length) {
    const filterProblem = tcpdumpSaid.some((line) => /syntax error|expression|illegal|unknown|can't parse/i.test(line));
    return new VnetError(filterProblem ? 'VN-CAPTURE-FILTER' : 'VN-CAPTURE-FAILED', `tcpdump on ${where} failed: ${printable(tcpdumpSaid.join(' '))}${filterProblem ? ' Check the filter (pcap-filter(7)).' : ''}`);
  }
  return null;
}

/** Writes the header and whole records in the order they came, one write at a time. */
class PcapFileWriter {
  /** Rejects when the file cannot be opened (then the capture stops at once). */
  readonly opened: Promise<void>;
  private queue: Promise<void>;
  private handle: FileHandle | null = null;
  private wroteHeader = false;

  constructor(file: string) {
    this.opened = open(file, 'w').then((handle) => { this.handle = handle; }).catch((error: unknown) => {
      throw new VnetError('VN-CAPTURE-FILE', `Cannot write the capture file ${file}: ${(error as Error).message}. Choose another place.`);
    });
    this.queue = this.opened;
  }

  add(header: PcapHeader | null, records: readonly PcapRecord[]): void {
    const pieces = [...(header ? [header.bytes] : []), ...records.map((record) => record.bytes)];
    if (header) this.wroteHeader = true;
    if (pieces.length) this.queue = this.queue.then(() => this.handle!.write(Buffer.concat(pieces)).then(() => undefined));
  }

  async finish(): Promise<void> {
    if (!this.wroteHeader) this.add({ bytes: emptyHeader() } as PcapHeader, []);
    try { await this.queue; } finally { await this.handle?.close(); }
  }
}

/** Starts capturing on one interface into `file`. */
export function capturePoint(transport: Transport, point: CapturePoint, file: string, options: PointCaptureOptions = {}): PointCapture {
  const script = captureStartScript(point, options);
  const parser = new PcapStreamParser();
  const writer = new PcapFileWriter(file);
  let packets = 0;
  let bytes = 0;
  let pid: number | null = null;
  let parseError: unknown = null;
  let stopStream: () => void = () => undefined;
  let onListening: () => void = () => undefined;
  const listening = new Promise<void>((resolve) => { onListening = resolve; });
  const onData = (chunk: Buffer) => {
    if (parseError) return;
    try {
      const { header, records } = parser.push(chunk);
      writer.add(header, records);
      if (records.length === 0) return;
      packets += records.length;
      for (const record of records) bytes += record.capturedLength;
      options.onPackets?.(packets);
    } catch (error) {
      parseError = error;
      stopStream();
    }
  };
  const onStderrLine = (line: string) => {
    if (line.startsWith(CAPTURE_MARK.pid)) pid = Number(line.slice(CAPTURE_MARK.pid.length)) || null;
    else if (/listening on/.test(line)) onListening();
  };
  const stream = transport.streamBytes(script, onData, { onStderrLine, log: options.log });
  stopStream = () => stream.stop();
  writer.opened.catch(() => stream.stop());
  let streamEnded = false;
  const done = (async (): Promise<PointCaptureResult> => {
    let result: ExecResult;
    try {
      result = await stream.done;
    } finally {
      streamEnded = true;
      onListening();
      await writer.finish();
    }
    if (parseError) throw parseError;
    const failure = failureOf(point, transport.target, result);
    if (failure) throw failure;
    return { point, file, packets, bytes, linkType: parser.fileHeader?.linkType ?? 1 };
  })();
  return {
    point,
    file,
    get packets() { return packets; },
    get pid() { return pid; },
    listening,
    done,
    stopNow: () => { if (!streamEnded) stream.stop(); },
  };
}
