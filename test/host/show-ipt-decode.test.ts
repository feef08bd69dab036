// The probe's reader writes iptables-nft's tables itself where it can, instead of starting iptables-save
// in every namespace that holds rules (src/host/probe-perl-ipt-decode.ts). On a testbed host with rulesets
// in many shapes (test/testbed/ipt-decode-corpus.ts), each alone in a namespace, a probe that decodes must
// read every namespace exactly as a probe that runs iptables-save does. With iptables-nft-save made to
// fail, the shapes the reader decodes are still read whole, and every other one is reported as unread.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import type { Transport } from '../../src/host/transport';
import { findNamespace, type Topology } from '../../src/model/topology';
import { DECODED, LEFT_TO_SAVE } from '../testbed/ipt-decode-corpus';
import { Testbed, type TestHost } from '../testbed/testbed';
import { assertBuilt } from './show-support';

let bed: Testbed;
let host: TestHost;
let transport: Transport;
let viaSave: Topology;

const decodedNames = Object.keys(DECODED).map((key) => `d-${key}`);
const leftNames = Object.keys(LEFT_TO_SAVE).map((key) => `s-${key}`);

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  const load = (name: string, rules: string) => `ip netns add ${name}\nip netns exec ${name} iptables-nft-restore <<'RULES'\n${rules}RULES`;
  await host.mustSh(['set -e',
    ...Object.entries(DECODED).map(([key, rules]) => load(`d-${key}`, rules)),
    ...Object.entries(LEFT_TO_SAVE).map(([key, rules]) => load(`s-${key}`, rules)),
  ].join('\n'));
  transport = createTransport(host.target, { sshOptions: host.sshOptions });
  viaSave = await probeHost(transport, { decodeNft: false });
});

after(async () => {
  await transport?.close();
  await bed?.stop();
});

test('every ruleset is loaded, and iptables-save reads each', () => {
  assert.deepEqual(viaSave.warnings ?? [], []);
  for (const name of [...decodedNames, ...leftNames]) {
    assert.deepEqual(findNamespace(viaSave, name)?.iptablesBackends, ['nft'], `${name} holds iptables-nft rules`);
  }
  const bench = findNamespace(viaSave, 'd-bench')!;
  assert.equal(bench.forwardPolicy, 'DROP');
  assert.deepEqual(bench.nat.map((rule) => rule.target), [{ kind: 'DNAT', to: '10.128.0.1:80' }, { kind: 'MASQUERADE' }]);
});

test('the reader\'s own decoding reads every namespace exactly as iptables-save does', async () => {
  const decoded = await probeHost(transport);
  assert.deepEqual(decoded.warnings ?? [], []);
  for (const name of [...decodedNames, ...leftNames]) assert.deepEqual(findNamespace(decoded, name), findNamespace(viaSave, name), name);
});

test('without a working iptables-save, the shapes the reader decodes are read whole and the others are named as unread', async () => {
  await host.mustSh('mount --bind /bin/false "$(readlink -f "$(command -v iptables-nft-save)")"');
  try {
    const withoutSave = await probeHost(transport);
    for (const name of decodedNames) assert.deepEqual(findNamespace(withoutSave, name), findNamespace(viaSave, name), `${name} is decoded by the reader`);
    for (const name of leftNames) {
      assert.ok((withoutSave.warnings ?? []).includes(`Namespace "${name}": iptables-nft-save failed (exit 1); its nft rules are not shown.`), `${name} is left to iptables-save`);
      assert.deepEqual(findNamespace(withoutSave, name)?.nat, []);
    }
  } finally {
    await host.mustSh('umount "$(readlink -f "$(command -v iptables-nft-save)")"');
  }
});
