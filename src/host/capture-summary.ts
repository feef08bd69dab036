// A capture in words, decoded by VNet itself from the pcap headers, for when neither Wireshark nor tcpdump
// is on this machine: how many packets, when, how big, and per packet its protocol and endpoints from the
// IP header. Pure.

import { formatIp } from '../model/cidr';
import { packetCountText } from '../model/capture';
import { parsePcap, recordTime, type PcapHeader, type PcapRecord } from './capture-pcap';

export interface DecodedPacket {
  /** `ICMP`, `TCP`, `UDP`, `ICMPv6`, `ARP`, `IP proto 47`, `ethertype 0x88cc`…. */
  protocol: string;
  source: string;
  destination: string;
  /** What the transport header says: ports, TCP flags, the ICMP message. Empty when nothing. */
  detail: string;
}

const IP_PROTOCOLS: Record<number, string> = { 1: 'ICMP', 2: 'IGMP', 6: 'TCP', 17: 'UDP', 47: 'GRE', 50: 'ESP', 58: 'ICMPv6', 89: 'OSPF', 112: 'VRRP', 132: 'SCTP' };
const ICMP_TYPES: Record<number, string> = { 0: 'echo reply', 3: 'destination unreachable', 5: 'redirect', 8: 'echo request', 11: 'time exceeded' };
const ICMPV6_TYPES: Record<number, string> = {
  1: 'destination unreachable', 2: 'packet too big', 3: 'time exceeded', 128: 'echo request', 129: 'echo reply',
  133: 'router solicitation', 134: 'router advertisement', 135: 'neighbor solicitation', 136: 'neighbor advertisement',
};
/** IPv6 extension headers that are skipped to find the transport header. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);

const UNKNOWN: DecodedPacket = { protocol: 'unknown', source: '?', destination: '?', detail: '' };

function ipv4Address(data: Buffer, at: number): string {
  return formatIp({ family: 4, value: BigInt(data.readUInt32BE(at)) });
}

function ipv6Address(data: Buffer, at: number): string {
  return formatIp({ family: 6, value: BigInt(`0x${data.subarray(at, at + 16).toString('hex')}`) });
}

function transportDetail(protocol: number, data: Buffer, at: number): string {
  if (data.length < at + 4) return '';
  if (protocol === 6 || protocol === 17 || protocol === 132) {
    const ports = `port ${data.readUInt16BE(at)} > ${data.readUInt16BE(at + 2)}`;
    if (protocol !== 6 || data.length < at + 14) return ports;
    const flags = data[at + 13];
    const names = (['FIN', 'SYN', 'RST', 'PSH', 'ACK'] as const).filter((_, bit) => flags & (1 << bit));
    return `${ports} [${names.join(',')}]`;
  }
  if (protocol === 1) return ICMP_TYPES[data[at]] ?? `type ${data[at]}`;
  if (protocol === 58) return ICMPV6_TYPES[data[at]] ?? `type ${data[at]}`;
  return '';
}

function decodeIpv4(data: Buffer, at: number): DecodedPacket {
  if (data.length < at + 20) return { ...UNKNOWN, protocol: 'IPv4 (cut short)' };
  const headerLength = (data[at] & 0x0f) * 4;
  const protocol = data[at + 9];
  const fragmentOffset = data.readUInt16BE(at + 6) & 0x1fff;
  return {
    protocol: IP_PROTOCOLS[protocol] ?? `IP proto ${protocol}`,
    source: ipv4Address(data, at + 12),
    destination: ipv4Address(data, at + 16),
    detail: fragmentOffset ? 'fragment' : transportDetail(protocol, data, at + headerLength),
  };
}

function decodeIpv6(data: Buffer, at: number): DecodedPacket {
  if (data.length < at + 40) return { ...UNKNOWN, protocol: 'IPv6 (cut short)' };
  let next = data[at + 6];
  let offset = at + 40;
  while (IPV6_EXTENSIONS.has(next) && data.length >= offset + 2) {
    const length = (data[offset + 1] + 1) * 8;
    next = data[offset];
    offset += length;
  }
  return {
    protocol: IP_PROTOCOLS[next] ?? `IP proto ${next}`,
    source: ipv6Address(data, at + 8),
    destination: ipv6Address(data, at + 24),
    detail: next === 44 ? 'fragment' : transportDetail(next, data, offset),
  };
}

function decodeArp(data: Buffer, at: number): DecodedPacket {
  if (data.length < at + 28) return { ...UNKNOWN, protocol: 'ARP' };
  const operation = data.readUInt16BE(at + 6);
  return { protocol: 'ARP', source: ipv4Address(data, at + 14), destination: ipv4Address(data, at + 24), detail: operation === 1 ? 'request' : operation === 2 ? 'reply' : `operation ${operation}` };
}

function decodeByEthertype(ethertype: number, data: Buffer, at: number): DecodedPacket {
  if (ethertype === 0x0800) return decodeIpv4(data, at);
  if (ethertype === 0x86dd) return decodeIpv6(data, at);
  if (ethertype === 0x0806) return decodeArp(data, at);
  return { ...UNKNOWN, protocol: `ethertype 0x${ethertype.toString(16).padStart(4, '0')}` };
}

function decodeEthernet(data: Buffer): DecodedPacket {
  let at = 12;
  if (data.length < at + 2) return UNKNOWN;
  let ethertype = data.readUInt16BE(at);
  // VLAN tags (802.1Q, 802.1ad) sit before the real ethertype.
  while ((ethertype === 0x8100 || ethertype === 0x88a8) && data.length >= at + 6) {
    at += 4;
    ethertype = data.readUInt16BE(at);
  }
  return decodeByEthertype(ethertype, data, at + 2);
}

function decodeRawIp(data: Buffer): DecodedPacket {
  const version = data.length ? data[0] >> 4 : 0;
  if (version === 4) return decodeIpv4(data, 0);
  if (version === 6) return decodeIpv6(data, 0);
  return UNKNOWN;
}

/** One packet's protocol and endpoints, read from the link-layer type of its file. */
export function decodePacket(linkType: number, data: Buffer): DecodedPacket {
  switch (linkType) {
    case 1: return decodeEthernet(data);
    case 113: return data.length >= 16 ? decodeByEthertype(data.readUInt16BE(14), data, 16) : UNKNOWN;
    case 276: return data.length >= 20 ? decodeByEthertype(data.readUInt16BE(0), data, 20) : UNKNOWN;
    case 12: case 14: case 101: case 228: case 229: return decodeRawIp(data);
    default: return { ...UNKNOWN, protocol: `link type ${linkType}` };
  }
}

/** The most packets listed one by one; the totals always count all. */
const LISTED_PACKETS = 2000;

function isoTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

function packetLine(header: PcapHeader, record: PcapRecord, start: number): string {
  const packet = decodePacket(header.linkType, record.data);
  const offset = (recordTime(header, record) - start).toFixed(6);
  const detail = packet.detail ? ` ${packet.detail}` : '';
  return `+${offset}s  ${packet.source} > ${packet.destination}  ${packet.protocol}${detail}, ${record.originalLength} bytes`;
}

/** A readable summary of a pcap file: totals, times, sizes, packets per protocol, then each packet. */
export function summarizeCapture(file: Buffer, title: string): string {
  const { header, records, truncatedBytes } = parsePcap(file);
  const lines = [title, ''];
  lines.push(`${packetCountText(records.length)}, link type ${header.linkType}${truncatedBytes ? ` (the last ${truncatedBytes} bytes are a record cut short)` : ''}`);
  if (records.length === 0) return `${lines.join('\n')}\n`;
  const start = recordTime(header, records[0]);
  const end = recordTime(header, records[records.length - 1]);
  const sizes = records.map((record) => record.originalLength);
  const total = sizes.reduce((sum, size) => sum + size, 0);
  lines.push(`from ${isoTime(start)} to ${isoTime(end)} (${(end - start).toFixed(3)} s)`);
  lines.push(`sizes: ${sizes.reduce((a, b) => Math.min(a, b))}–${sizes.reduce((a, b) => Math.max(a, b))} bytes, ${Math.round(total / records.length)} on average, ${total} in all`);
  const perProtocol = new Map<string, number>();
  for (const record of records) {
    const protocol = decodePacket(header.linkType, record.data).protocol;
    perProtocol.set(protocol, (perProtocol.get(protocol) ?? 0) + 1);
  }
  lines.push(`protocols: ${[...perProtocol].sort((a, b) => b[1] - a[1]).map(([name, count]) => `${name} ${count}`).join(', ')}`, '');
  for (const record of records.slice(0, LISTED_PACKETS)) lines.push(packetLine(header, record, start));
  if (records.length > LISTED_PACKETS) lines.push(`… and ${records.length - LISTED_PACKETS} more (open the file in Wireshark to see them all)`);
  return `${lines.join('\n')}\n`;
}
