// The pcap stream parser, on a capture real tcpdump wrote (ARP, ICMP, ICMPv6, TCP, UDP across a veth):
// records come out whole however the stream is cut, in either byte order, and a stream that is not pcap
// is refused. The summary decodes the same packets tcpdump shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PCAP_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES, PcapStreamParser, parsePcap, recordTime, type PcapRecord } from '../../src/host/capture-pcap';
import { decodePacket, summarizeCapture } from '../../src/host/capture-summary';
import { isVnetError } from '../../src/model/errors';

const file = readFileSync(join(__dirname, 'fixtures/capture/veth-mixed.pcap'));

function streamIn(chunks: Buffer[]): { records: PcapRecord[]; written: Buffer; pending: number } {
  const parser = new PcapStreamParser();
  const records: PcapRecord[] = [];
  const written: Buffer[] = [];
  for (const chunk of chunks) {
    const out = parser.push(chunk);
    if (out.header) written.push(out.header.bytes);
    for (const record of out.records) { records.push(record); written.push(record.bytes); }
  }
  return { records, written: Buffer.concat(written), pending: parser.pendingBytes };
}

function cut(buffer: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < buffer.length; at += size) chunks.push(buffer.subarray(at, at + size));
  return chunks;
}

test('a whole file: its header and every record tcpdump wrote', () => {
  const { header, records, truncatedBytes } = parsePcap(file);
  assert.equal(header.linkType, 1);
  assert.equal(header.littleEndian, true);
  assert.equal(header.nanoseconds, false);
  assert.deepEqual([header.versionMajor, header.versionMinor, header.snapLength], [2, 4, 262144]);
  assert.equal(records.length, 19);
  assert.equal(truncatedBytes, 0);
  assert.equal(PCAP_HEADER_BYTES + records.reduce((sum, r) => sum + PCAP_RECORD_HEADER_BYTES + r.capturedLength, 0), file.length);
  assert.deepEqual(records.slice(0, 4).map((r) => r.originalLength), [42, 42, 98, 98]);
  assert.ok(recordTime(header, records[1]) >= recordTime(header, records[0]));
});

test('cut into pieces of any size, the stream gives the same records, and writing them back gives the same file', () => {
  const whole = parsePcap(file).records.map((r) => r.bytes.toString('hex'));
  for (const size of [1, 2, 3, 7, 15, 16, 17, 23, 24, 25, 64, 100, 1000, file.length]) {
    const { records, written, pending } = streamIn(cut(file, size));
    assert.deepEqual(records.map((r) => r.bytes.toString('hex')), whole, `pieces of ${size}`);
    assert.ok(written.equals(file), `pieces of ${size}`);
    assert.equal(pending, 0);
  }
});

test('a stream that ends inside a record: the whole records before it, and the rest is pending', () => {
  const { records, pending } = streamIn([file.subarray(0, file.length - 5)]);
  assert.equal(records.length, 18);
  assert.equal(pending, PCAP_RECORD_HEADER_BYTES + parsePcap(file).records[18].capturedLength - 5);
  assert.equal(parsePcap(file.subarray(0, file.length - 5)).truncatedBytes, pending);
  assert.deepEqual(streamIn([file.subarray(0, 10)]).records, []);
});

/** The same capture as a big-endian host writes it, with nanosecond timestamps. */
function bigEndianNano(source: Buffer): Buffer {
  const out = Buffer.from(source);
  out.writeUInt32BE(0xa1b23c4d, 0);
  out.writeUInt16BE(source.readUInt16LE(4), 4);
  out.writeUInt16BE(source.readUInt16LE(6), 6);
  for (const at of [8, 12, 16, 20]) out.writeUInt32BE(source.readUInt32LE(at), at);
  let at = PCAP_HEADER_BYTES;
  while (at < source.length) {
    const length = source.readUInt32LE(at + 8);
    out.writeUInt32BE(source.readUInt32LE(at), at);
    out.writeUInt32BE(source.readUInt32LE(at + 4) * 1000, at + 4);
    out.writeUInt32BE(length, at + 8);
    out.writeUInt32BE(source.readUInt32LE(at + 12), at + 12);
    at += PCAP_RECORD_HEADER_BYTES + length;
  }
  return out;
}

test('a big-endian host with nanosecond timestamps reads the same', () => {
  const little = parsePcap(file);
  const big = parsePcap(bigEndianNano(file));
  assert.equal(big.header.littleEndian, false);
  assert.equal(big.header.nanoseconds, true);
  assert.equal(big.header.linkType, 1);
  assert.deepEqual(big.records.map((r) => [r.capturedLength, r.originalLength, r.data.toString('hex')]), little.records.map((r) => [r.capturedLength, r.originalLength, r.data.toString('hex')]));
  assert.deepEqual(big.records.map((r) => recordTime(big.header, r)), little.records.map((r) => recordTime(little.header, r)));
});

test('a stream that is not pcap, or a record no capture writes, is refused with VN-CAPTURE-FORMAT', () => {
  const isFormat = (error: unknown) => isVnetError(error) && error.code === 'VN-CAPTURE-FORMAT';
  assert.throws(() => new PcapStreamParser().push(Buffer.from('tcpdump: listening on eth0, link-type EN10MB\n')), isFormat);
  const damaged = Buffer.from(file);
  damaged.writeUInt32LE(0x7fffffff, PCAP_HEADER_BYTES + 8);
  assert.throws(() => parsePcap(damaged), isFormat);
  assert.throws(() => parsePcap(Buffer.alloc(3)), isFormat);
});

test('each packet decoded from its headers, as tcpdump -r shows them', () => {
  const { header, records } = parsePcap(file);
  const lines = records.map((r) => decodePacket(header.linkType, r.data)).map((p) => `${p.protocol} ${p.source} > ${p.destination} ${p.detail}`.trim());
  assert.deepEqual(lines.slice(0, 10), [
    'ARP 10.77.0.1 > 10.77.0.2 request',
    'ARP 10.77.0.2 > 10.77.0.1 reply',
    'ICMP 10.77.0.1 > 10.77.0.2 echo request',
    'ICMP 10.77.0.2 > 10.77.0.1 echo reply',
    'ICMPv6 fd00:77::1 > ff02::1:ff00:2 neighbor solicitation',
    'ICMPv6 fd00:77::2 > fd00:77::1 neighbor advertisement',
    'ICMPv6 fd00:77::1 > fd00:77::2 echo request',
    'ICMPv6 fd00:77::2 > fd00:77::1 echo reply',
    'TCP 10.77.0.1 > 10.77.0.2 port 47990 > 8080 [SYN]',
    'TCP 10.77.0.2 > 10.77.0.1 port 8080 > 47990 [SYN,ACK]',
  ]);
  assert.equal(lines[16], 'UDP 10.77.0.1 > 10.77.0.2 port 50753 > 5353');
  assert.equal(lines[17], 'ICMP 10.77.0.2 > 10.77.0.1 destination unreachable');
});

test('the same packets decode from a Linux cooked (any interface) and a raw IP capture', () => {
  const { records } = parsePcap(file);
  const ethernet = records[2].data;
  const cooked = Buffer.concat([Buffer.alloc(14), Buffer.from([0x08, 0x00]), ethernet.subarray(14)]);
  const cookedV2 = Buffer.concat([Buffer.from([0x08, 0x00]), Buffer.alloc(18), ethernet.subarray(14)]);
  const expected = decodePacket(1, ethernet);
  assert.deepEqual(decodePacket(113, cooked), expected);
  assert.deepEqual(decodePacket(276, cookedV2), expected);
  assert.deepEqual(decodePacket(101, ethernet.subarray(14)), expected);
  assert.equal(decodePacket(1, ethernet.subarray(0, 20)).protocol, 'IPv4 (cut short)');
  assert.equal(decodePacket(147, ethernet).protocol, 'link type 147');
});

test('the summary: count, times, sizes, protocols, then one line per packet', () => {
  const text = summarizeCapture(file, 'cap-a:va on local');
  const lines = text.split('\n');
  assert.equal(lines[0], 'cap-a:va on local');
  assert.match(lines[2], /^19 packets, link type 1$/);
  assert.match(lines[3], /^from 20\d\d-.*Z to 20\d\d-.*Z \(\d+\.\d{3} s\)$/);
  assert.match(lines[4], /^sizes: 42–\d+ bytes, \d+ on average, \d+ in all$/);
  assert.equal(lines[5], 'protocols: TCP 8, ICMPv6 5, ICMP 3, ARP 2, UDP 1');
  assert.match(lines[7], /^\+0\.000000s {2}10\.77\.0\.1 > 10\.77\.0\.2 {2}ARP request, 42 bytes$/);
  assert.equal(lines.filter((line) => line.startsWith('+')).length, 19);
  assert.match(summarizeCapture(file.subarray(0, PCAP_HEADER_BYTES), 'empty'), /^empty\n\n0 packets, link type 1\n$/);
});
