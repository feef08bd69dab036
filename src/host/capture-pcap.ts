// The pcap format as tcpdump writes it (`-w -`): a 24-byte file header, then per packet a 16-byte record
// header and the captured bytes. Read incrementally, since a capture arrives in pieces of any size; the
// host writes its own byte order, which need not be ours. Pure.

import { VnetError } from '../model/errors';

export const PCAP_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

/** Far above any snapshot length tcpdump uses (262144): a larger record means the stream is not pcap. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export interface PcapHeader {
  littleEndian: boolean;
  /** Timestamps in nanoseconds (magic a1b23c4d) rather than microseconds. */
  nanoseconds: boolean;
  versionMajor: number;
  versionMinor: number;
  snapLength: number;
  /** The link-layer type (1 Ethernet, 113 Linux cooked, 276 Linux cooked v2, 101 raw IP…). */
  linkType: number;
  /** The header as it came, to write out unchanged. */
  bytes: Buffer;
}

export interface PcapRecord {
  /** Seconds since the epoch. */
  seconds: number;
  /** Microseconds, or nanoseconds when the header says so. */
  fraction: number;
  capturedLength: number;
  originalLength: number;
  /** The packet's captured bytes. */
  data: Buffer;
  /** The record header and the data as they came, to write out unchanged. */
  bytes: Buffer;
}

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;

function readHeader(bytes: Buffer): PcapHeader {
  const big = bytes.readUInt32BE(0);
  const little = bytes.readUInt32LE(0);
  const littleEndian = little === MAGIC_MICRO || little === MAGIC_NANO;
  if (!littleEndian && big !== MAGIC_MICRO && big !== MAGIC_NANO) {
    throw new VnetError('VN-CAPTURE-FORMAT', `The capture stream does not start with a pcap header (magic 0x${big.toString(16).padStart(8, '0')}). Check that tcpdump on the host writes pcap (tcpdump -w -).`);
  }
  const u16 = (at: number) => (littleEndian ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (littleEndian ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  return {
    littleEndian,
    nanoseconds: (littleEndian ? little : big) === MAGIC_NANO,
    versionMajor: u16(4),
    versionMinor: u16(6),
    snapLength: u32(16),
    linkType: u32(20) & 0x0fffffff,
    bytes: Buffer.from(bytes),
  };
}

/** Reads a pcap stream piece by piece: push() each chunk, and get back the header and the whole records it completed. */
export class PcapStreamParser {
  private header: PcapHeader | null = null;
  private pending: Buffer = Buffer.alloc(0);

  /** The file header, once it has arrived. */
  get fileHeader(): PcapHeader | null {
    return this.header;
  }

  /** Bytes received that do not yet make a whole record (a record cut off when the stream ended). */
  get pendingBytes(): number {
    return this.pending.length;
  }

  push(chunk: Buffer): { header: PcapHeader | null; records: PcapRecord[] } {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let newHeader: PcapHeader | null = null;
    if (!this.header) {
      if (this.pending.length < PCAP_HEADER_BYTES) return { header: null, records: [] };
      newHeader = this.header = readHeader(this.pending.subarray(0, PCAP_HEADER_BYTES));
      this.pending = this.pending.subarray(PCAP_HEADER_BYTES);
    }
    const records: PcapRecord[] = [];
    let at = 0;
    for (;;) {
      const record = this.recordAt(at);
      if (!record) break;
      records.push(record);
      at += record.bytes.length;
    }
    // Copy the tail, so that the chunks the records point into are not held by it.
    this.pending = Buffer.from(this.pending.subarray(at));
    return { header: newHeader, records };
  }

  private recordAt(at: number): PcapRecord | null {
    const header = this.header!;
    const buffer = this.pending;
    if (buffer.length - at < PCAP_RECORD_HEADER_BYTES) return null;
    const u32 = (offset: number) => (header.littleEndian ? buffer.readUInt32LE(at + offset) : buffer.readUInt32BE(at + offset));
    const capturedLength = u32(8);
    if (capturedLength > MAX_RECORD_BYTES) {
      throw new VnetError('VN-CAPTURE-FORMAT', `The capture stream holds a record of ${capturedLength} bytes, which no capture writes: the stream is damaged.`);
    }
    const end = at + PCAP_RECORD_HEADER_BYTES + capturedLength;
    if (buffer.length < end) return null;
    const bytes = Buffer.from(buffer.subarray(at, end));
    return {
      seconds: u32(0),
      fraction: u32(4),
      capturedLength,
      originalLength: u32(12),
      data: bytes.subarray(PCAP_RECORD_HEADER_BYTES),
      bytes,
    };
  }
}

/** Reads a whole pcap file. A record cut off at the end is left out (and counted in `truncatedBytes`). */
export function parsePcap(file: Buffer): { header: PcapHeader; records: PcapRecord[]; truncatedBytes: number } {
  const parser = new PcapStreamParser();
  const { header, records } = parser.push(file);
  if (!header) throw new VnetError('VN-CAPTURE-FORMAT', `This is not a pcap file: it is shorter (${file.length} bytes) than a pcap header.`);
  return { header, records, truncatedBytes: parser.pendingBytes };
}

/** A record's time as seconds with a fraction. */
export function recordTime(header: PcapHeader, record: PcapRecord): number {
  return record.seconds + record.fraction / (header.nanoseconds ? 1e9 : 1e6);
}
