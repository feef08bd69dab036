// Native nftables rulesets in the shapes firewalld and Docker's nftables backend write, loaded with
// `nft -f` inside a testbed host: firewalld's in the host's root namespace, Docker's in a named namespace.
// `vnet show --json` must report them as `nft -j list ruleset` does (Namespace.nftTables), and a lab
// applied beside them must leave every native table untouched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { NftTable } from '../../src/model/nftables';
import type { Namespace, Topology } from '../../src/model/topology';
import { DOCKER_NFT_RULESET, FIREWALLD_RULESET, loadNftRuleset, nftJson } from '../testbed/nft-rulesets';
import { Testbed, type TestHost } from '../testbed/testbed';
import { assertBuilt, showJson } from './show-support';
import { assertLabBeside, rootOf, mustRead } from './real-support';

const DOCKER_NS = 'dockerish';
let bed: Testbed;
let host: TestHost;
let topology: Topology;
/** `nft -j list ruleset` per namespace ('' for the root one). */
const nft = new Map<string, NftItem[]>();

interface NftItem {
  table?: { family: string; name: string };
  chain?: { family: string; table: string; name: string; type?: string; hook?: string; prio?: number; policy?: string };
  rule?: { family: string; table: string; chain: string; expr: unknown[] };
}

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh(`ip netns add ${DOCKER_NS}`);
  await loadNftRuleset(host, FIREWALLD_RULESET);
  await loadNftRuleset(host, DOCKER_NFT_RULESET, DOCKER_NS);
  nft.set('', (await nftJson(host)).nftables as NftItem[]);
  nft.set(DOCKER_NS, (await nftJson(host, DOCKER_NS)).nftables as NftItem[]);
  topology = await showJson(host);
});

after(async () => {
  await bed?.stop();
});

test('the rulesets load as their software writes them: tables, base chains with hook, priority and policy', () => {
  const root = nft.get('')!;
  assert.deepEqual(root.flatMap((i) => i.table ? [`${i.table.family} ${i.table.name}`] : []), ['inet firewalld']);
  const forward = root.find((i) => i.chain?.name === 'filter_FORWARD')?.chain;
  assert.deepEqual([forward?.type, forward?.hook, forward?.prio, forward?.policy], ['filter', 'forward', 10, 'accept']);
  const docker = nft.get(DOCKER_NS)!;
  assert.deepEqual(docker.flatMap((i) => i.table ? [`${i.table.family} ${i.table.name}`] : []), ['ip docker-bridges']);
  const prerouting = docker.find((i) => i.chain?.name === 'nat-PREROUTING')?.chain;
  assert.deepEqual([prerouting?.type, prerouting?.hook, prerouting?.prio], ['nat', 'prerouting', -100]);
});

test('iptables-save cannot see them: show reports no iptables NAT for either namespace', () => {
  assert.deepEqual(rootOf(topology).nat, []);
  assert.deepEqual(namespaceNamed(DOCKER_NS).nat, []);
});

test('firewalld\'s table in the root namespace, as nft -j lists it', async () => {
  await mustRead(rootOf(topology), 'nftTables', (tables) => {
    assertTablesEqualNft(tables, nft.get('')!);
    const table = tables.find((tb) => tb.name === 'firewalld');
    assert.equal(table?.owner, 'firewalld');
    const dnat = table?.chains.find((c) => c.name === 'nat_PRE_public')?.rules[0];
    assert.deepEqual(dnat?.facts.verdict, { kind: 'dnat', to: '10.0.0.2:80' });
    assert.deepEqual(dnat?.facts.dport, ['8080']);
    assert.equal(dnat?.facts.l4proto, 'tcp');
    const masquerade = table?.chains.find((c) => c.name === 'nat_POST_public')?.rules[0];
    assert.deepEqual(masquerade?.facts.verdict, { kind: 'masquerade' });
    assert.deepEqual(masquerade?.facts.oifname, { value: 'lo', negated: true });
  });
});

test('Docker\'s nftables table in its namespace, as nft -j lists it', async () => {
  await mustRead(namespaceNamed(DOCKER_NS), 'nftTables', (tables) => {
    assertTablesEqualNft(tables, nft.get(DOCKER_NS)!);
    const table = tables.find((tb) => tb.name === 'docker-bridges');
    assert.equal(table?.owner, 'docker');
    const out = table?.chains.find((c) => c.name === 'nat-postrouting-out__docker0')?.rules[0];
    assert.deepEqual(out?.facts.verdict, { kind: 'masquerade' });
    assert.deepEqual(out?.facts.saddr, { value: '172.17.0.0/16', negated: false });
    assert.deepEqual(out?.facts.oifname, { value: 'docker0', negated: true });
    const local = table?.chains.find((c) => c.name === 'nat-PREROUTING')?.rules[0];
    assert.equal(local?.facts.fibDaddrLocal, true);
    assert.deepEqual(local?.facts.verdict, { kind: 'jump', chain: 'nat-prerouting-and-output' });
  });
});

test('a lab applied beside native nft tables leaves them untouched', async () => {
  // -s: without counters, which traffic moves.
  await assertLabBeside(host, () => host.mustSh(`nft -s list table inet firewalld; ip netns exec ${DOCKER_NS} nft -s list table ip docker-bridges`),
    'the native tables');
});

function namespaceNamed(name: string): Namespace {
  const ns = topology.namespaces.find((n) => n.name === name);
  assert.ok(ns, `namespace ${name} is reported`);
  return ns;
}

/** Tables, chains (type, hook, priority, policy) and the number of rules per chain, against nft's own JSON. */
function assertTablesEqualNft(tables: NftTable[], items: NftItem[]): void {
  const shape = (family: string, table: string, chain: string, type: string | null, hook: string | null,
    priority: number | null, policy: string | null, rules: number) => [family, table, chain, type, hook, priority, policy, rules].join(' ');
  const read = tables.flatMap((tb) => tb.chains.map((c) => shape(tb.family, tb.name, c.name, c.type, c.hook, c.priority, c.policy, c.rules.length)));
  const want = items.flatMap((i) => i.chain ? [shape(i.chain.family, i.chain.table, i.chain.name, i.chain.type ?? null, i.chain.hook ?? null,
    i.chain.prio ?? null, i.chain.policy ?? null,
    items.filter((r) => r.rule?.table === i.chain!.table && r.rule.family === i.chain!.family && r.rule.chain === i.chain!.name).length)] : []);
  assert.deepEqual(read.sort(), want.sort());
}
