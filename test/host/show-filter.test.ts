// The filter, mangle and raw tables of a real host: the rulesets Docker and CNI write
// (test/fixtures/probe/iptables/docker-cni.rules) restored with iptables-restore in a testbed host, in the
// root namespace (nft backend) and in named namespaces (legacy backend; only a raw or a mangle table).
// `vnet show --json` must report every table, chain, policy and rule exactly as iptables-save does there,
// and the ip method of the probe must read the same.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import { findNamespace, type Namespace, type Topology } from '../../src/model/topology';
import { assertBuilt, namespacesBesideOperstate, showJson } from './show-support';

const RULES = readFileSync(join(__dirname, '../fixtures/probe/iptables/docker-cni.rules'), 'utf8');
const NAMESPACES = ['host', 'cni', 'raw-only', 'mangle-only'];

let bed: Testbed;
let host: TestHost;
let topology: Topology;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh([
    'set -e',
    'restore() { "$@" <<\'VNET_RULES_END\'', RULES.trimEnd(), 'VNET_RULES_END', '}',
    'restore iptables-nft-restore',
    'ip netns add cni',
    'restore ip netns exec cni iptables-legacy-restore',
    'ip netns add raw-only',
    'ip netns exec raw-only iptables-nft -t raw -A PREROUTING -p udp -m udp --dport 53 -j CT --notrack',
    'ip netns add mangle-only',
    'ip netns exec mangle-only iptables-legacy -t mangle -A POSTROUTING -o eth0 -m mark --mark 0x4000/0x4000 -j MARK --set-xmark 0x0/0x4000',
  ].join('\n'));
  topology = await showJson(host);
});

after(async () => { await bed?.stop(); });

interface SavedTable { table: string; backend: string; chains: { name: string; policy: string | null }[]; rules: string[] }

/** What iptables-save prints in one namespace of the host, per backend, read here on its own. */
async function saved(namespace: string): Promise<{ tables: SavedTable[]; nat: string[] }> {
  const tables: SavedTable[] = [];
  const nat: string[] = [];
  for (const backend of ['nft', 'legacy']) {
    const exec = namespace === 'host' ? '' : `ip netns exec ${namespace} `;
    const text = await host.mustSh(`${exec}iptables-${backend}-save`);
    let current: SavedTable | null = null;
    let table = '';
    for (const line of text.split('\n')) {
      if (line.startsWith('*')) {
        table = line.slice(1);
        current = table === 'nat' || table === 'security' ? null : { table, backend, chains: [], rules: [] };
        if (current) tables.push(current);
      } else if (line.startsWith(':') && current) {
        const [name, policy] = line.slice(1).split(' ');
        current.chains.push({ name, policy: policy === '-' ? null : policy });
      } else if (line.startsWith('-A ')) {
        if (current) current.rules.push(line);
        else if (table === 'nat') nat.push(line);
      }
    }
  }
  return { tables, nat };
}

function ns(name: string): Namespace {
  const found = findNamespace(topology, name);
  assert.ok(found, `namespace ${name}`);
  return found;
}

for (const name of NAMESPACES) {
  test(`${name}: every table, chain, policy and rule, as iptables-save reports them`, async () => {
    const want = await saved(name);
    assert.ok(want.tables.length > 0, `iptables-save reports tables in ${name}`);
    const seen = (ns(name).iptables ?? []).map((t) => ({ table: t.table, backend: t.backend, chains: t.chains, rules: t.rules.map((r) => r.rule) }));
    assert.deepEqual(seen, want.tables);
    assert.deepEqual(ns(name).nat.map((r) => r.rule), want.nat, 'nat rules as before');
  });
}

test('the parsed fields of Docker\'s and CNI\'s rules, in both backends', () => {
  for (const [name, backend] of [['host', 'nft'], ['cni', 'legacy']] as const) {
    const filter = ns(name).iptables?.find((t) => t.table === 'filter' && t.backend === backend);
    assert.ok(filter, `${name} has a ${backend} filter table`);
    assert.equal(ns(name).forwardPolicy, 'DROP');
    const forward = filter.rules.filter((r) => r.chain === 'FORWARD');
    assert.deepEqual(forward.slice(0, 3).map((r) => r.target), [
      { kind: 'jump', chain: 'CNI-FORWARD' }, { kind: 'jump', chain: 'DOCKER-USER' }, { kind: 'jump', chain: 'DOCKER-ISOLATION-STAGE-1' },
    ]);
    assert.deepEqual(forward[3].matches, [{ kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'], negated: false }]);
    const dnat = ns(name).nat.find((r) => r.chain === 'CNI-HOSTPORT-DNAT');
    assert.deepEqual(dnat?.extra, ['-m', 'multiport', '--dports', '8081']);
    assert.deepEqual(dnat?.matches, [{ kind: 'multiport', which: 'dports', ports: ['8081'], negated: false }]);
    assert.equal(dnat?.backend, backend);
    assert.ok(ns(name).iptablesBackends?.includes(backend));
  }
  const raw = ns('raw-only').iptables;
  assert.deepEqual(raw?.map((t) => [t.table, t.backend, t.rules.map((r) => r.target)]), [['raw', 'nft', [{ kind: 'other', name: 'CT', args: '--notrack' }]]]);
});

test('the ip method of the probe reads the same tables', async () => {
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  try {
    const viaIp = await probeHost(transport, { method: 'ip' });
    const pick = (t: Topology) => namespacesBesideOperstate(t).filter((n) => NAMESPACES.includes(n.name)).map((n) => [n.name, n.iptables, n.nat]);
    assert.deepEqual(pick(viaIp), pick(topology));
  } finally {
    await transport.close();
  }
});
