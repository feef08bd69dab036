// The probe's output parsed as it arrives (ProbeOutputReader + NamespaceParses) gives exactly what parsing
// it whole gives, and a namespace's later sections are taken into account, never hidden by an early parse.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NamespaceParses } from '../../src/host/probe-early-parse';
import { parseProbeSnapshot, snapshotOfRecords } from '../../src/host/probe-parse';
import { ProbeOutputReader, type NamespaceRecord } from '../../src/host/probe-records';

const FIXTURE_MARK = '@@fixture0nonce';

function streamed(output: string, mark: string): { topology: unknown; left: Map<number, number> } {
  const parses = new NamespaceParses();
  const left = new Map<number, number>();
  const reader = new ProbeOutputReader(mark, (record: NamespaceRecord) => {
    left.set(record.inode, (left.get(record.inode) ?? 0) + 1);
    parses.left(record);
  });
  for (const line of output.split('\n')) reader.line(line);
  return { topology: snapshotOfRecords(reader.finish(), parses, 'local').topology, left };
}

test('a real probe output parsed line by line equals the same output parsed whole', () => {
  const output = readFileSync(join(__dirname, '../fixtures/probe/rich-netlink.txt'), 'utf8');
  const { topology, left } = streamed(output, FIXTURE_MARK);
  assert.deepEqual(topology, parseProbeSnapshot(output, FIXTURE_MARK, 'local').topology);
  const whole = parseProbeSnapshot(output, FIXTURE_MARK, 'local').topology;
  assert.equal(left.size, whole.namespaces.length, 'every namespace was parsed early');
});

test('a namespace section that comes after the early parse still counts', () => {
  const M = '@@0123456789abcdef';
  const output = [
    `${M} probe 1`, `${M} tools nft=iptables-nft-save legacy=`, `${M} method netlink`, `${M} root 100`,
    `${M} mountinfo`, `${M} procs`,
    `${M} ns 100`, `${M} nl`, 'L 1 772 65609 6c6f 65536 000000000000 - - - 0 - - - -', 'F 0',
    `${M} nsrules 100`, `${M} nl`, 'F 1',
    `${M} ipt nft`, '*nat', ':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -j MASQUERADE', 'COMMIT', `${M} iptrc nft 0`,
    `${M} end`,
  ].join('\n');
  const { topology, left } = streamed(output, M);
  assert.equal(left.get(100), 2, 'left once after its first look, once after its rules');
  assert.deepEqual(topology, parseProbeSnapshot(output, M, 'local').topology);
  const root = (topology as { namespaces: { forwarding: boolean; nat: unknown[] }[] }).namespaces[0];
  assert.equal(root.forwarding, true);
  assert.equal(root.nat.length, 1);
});
