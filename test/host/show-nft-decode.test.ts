// The Perl reader decodes simple native nftables tables itself instead of starting nft for each
// (src/host/probe-perl-nft-decode.ts). On a testbed host holding rules in many shapes
// (test/testbed/nft-decode-corpus.ts) and the tables firewalld, Docker, netavark and kube-proxy write, a
// probe that decodes must read exactly what a probe that leaves every table to nft reads. With nft made to
// fail, the tables the reader decodes are still read whole, and every other one is reported as unread.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import type { Transport } from '../../src/host/transport';
import { findNamespace, type Topology } from '../../src/model/topology';
import { DECODE_SHAPES, DECODED_TABLES, shapesRuleset } from '../testbed/nft-decode-corpus';
import { loadNftRuleset } from '../testbed/nft-rulesets';
import { Testbed, type TestHost } from '../testbed/testbed';
import { assertBuilt } from './show-support';

const FIXTURES = join(__dirname, '../unit/fixtures/nft');
const SOFTWARE = ['firewalld', 'docker', 'netavark', 'kube-proxy'];

let bed: Testbed;
let host: TestHost;
let transport: Transport;
let viaNft: Topology;

const tablesOf = (topology: Topology, namespace: string) => findNamespace(topology, namespace)?.nftTables ?? [];

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh('ip netns add corpus && ip netns add software');
  await loadNftRuleset(host, shapesRuleset() + DECODED_TABLES, 'corpus');
  for (const name of SOFTWARE) await loadNftRuleset(host, readFileSync(join(FIXTURES, `${name}.nft`), 'utf8'), 'software');
  transport = createTransport(host.target, { sshOptions: host.sshOptions });
  viaNft = await probeHost(transport, { decodeNft: false });
});

after(async () => {
  await transport?.close();
  await bed?.stop();
});

test('every shape is loaded and nft reads every table', () => {
  const expected = DECODE_SHAPES.reduce((n, shape) => n + shape.families.length, 0) + 2;
  assert.equal(tablesOf(viaNft, 'corpus').length, expected);
  assert.equal(tablesOf(viaNft, 'software').length, SOFTWARE.length);
  assert.deepEqual(viaNft.warnings ?? [], []);
});

test('the reader\'s own decoding reads exactly what nft reads, table by table', async () => {
  const decoded = await probeHost(transport);
  assert.deepEqual(decoded.warnings ?? [], []);
  for (const namespace of ['corpus', 'software']) {
    const want = tablesOf(viaNft, namespace);
    const got = tablesOf(decoded, namespace);
    assert.deepEqual(got.map((t) => `${t.family} ${t.name}`), want.map((t) => `${t.family} ${t.name}`), namespace);
    for (const [i, table] of got.entries()) assert.deepEqual(table, want[i], `${table.family} ${table.name}`);
  }
});

test('without a working nft, the tables the reader decodes are read whole and the others are named as unread', async () => {
  await host.mustSh('mount --bind /bin/false "$(command -v nft)"');
  try {
    const withoutNft = await probeHost(transport);
    const read = new Set(tablesOf(withoutNft, 'corpus').map((t) => `${t.family} ${t.name}`));
    const unread = (withoutNft.warnings ?? []).filter((w) => w.includes('which nft could not list'));
    for (const [index, shape] of DECODE_SHAPES.entries()) {
      for (const family of shape.families) {
        const name = `${family} s${index}`;
        const decodes = shape.decoded.includes(family);
        assert.equal(read.has(name), decodes, `${name} (${shape.rule}) is ${decodes ? '' : 'not '}decoded by the reader`);
        assert.equal(unread.some((w) => w.includes(`"${name}"`)), !decodes, `${name} is ${decodes ? 'not ' : ''}reported unread`);
      }
    }
    for (const name of ['inet lab', 'ip t4']) {
      const table = tablesOf(withoutNft, 'corpus').find((t) => `${t.family} ${t.name}` === name);
      assert.deepEqual(table, tablesOf(viaNft, 'corpus').find((t) => `${t.family} ${t.name}` === name), name);
    }
    // The software's tables use sets and maps: nft reads them, so here none is.
    assert.deepEqual(tablesOf(withoutNft, 'software'), []);
    assert.equal(unread.filter((w) => w.startsWith('Namespace "software"')).length, SOFTWARE.length);
  } finally {
    await host.mustSh('umount "$(command -v nft)"');
  }
});
