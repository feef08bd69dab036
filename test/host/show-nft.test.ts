// Native nftables beside iptables-nft, read on a testbed host: rulesets in the shapes firewalld, Docker's
// nftables backend, netavark and kube-proxy write (test/unit/fixtures/nft/*.nft), loaded with `nft -f`
// in the root namespace and in a named one, next to iptables-nft rules. `vnet show --json` must report
// exactly the native tables nft reports there, none of iptables-nft's, and a lab applied beside them
// must leave every nft rule as it was.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import { findNamespace, type Topology } from '../../src/model/topology';
import { assertBuilt, showJson, vnet } from './show-support';
import { EXAMPLES } from './apply-support';

const FIXTURES = join(__dirname, '../unit/fixtures/nft');
const ruleset = (name: string) => readFileSync(join(FIXTURES, `${name}.nft`), 'utf8');
/** Which native tables each namespace holds, as `family name`. */
const NATIVE: Record<string, string[]> = {
  host: ['inet firewalld'],
  cont: ['inet netavark', 'ip docker-bridges', 'ip kube-proxy'],
  // iptables' family and name, but a base chain iptables would not name: written with nft, so native.
  hand: ['ip nat'],
};
const HAND_NAT = `table ip nat {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr 10.3.0.0/24 oifname "eth0" masquerade
	}
}
`;

let bed: Testbed;
let host: TestHost;
let topology: Topology;

function load(namespace: string | null, name: string): string {
  const nft = namespace ? `ip netns exec ${namespace} nft` : 'nft';
  return `${nft} -f - <<'VNET_NFT_END'\n${ruleset(name)}VNET_NFT_END`;
}

/** Runs nft in a namespace of the host and returns its stdout. */
function nftIn(namespace: string, args: string): Promise<string> {
  return host.mustSh(namespace === 'host' ? `nft ${args}` : `ip netns exec ${namespace} nft ${args}`);
}

/** The native tables' JSON as nft lists them, without counter values (traffic may move those). */
async function nativeRuleset(): Promise<string> {
  const parts: string[] = [];
  for (const [namespace, tables] of Object.entries(NATIVE)) {
    for (const table of tables) parts.push((await nftIn(namespace, `-j list table ${table}`)).replace(/"counter": \{[^}]*\}/g, '"counter": {}'));
  }
  return parts.join('\n');
}

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh([
    'set -e',
    // iptables-nft's own tables, in both namespaces: they must not be listed as native.
    'iptables-nft -A FORWARD -s 10.1.0.0/24 -j ACCEPT',
    'iptables-nft -t nat -A POSTROUTING -s 10.1.0.0/24 -j MASQUERADE',
    load(null, 'firewalld'),
    'ip netns add cont',
    'ip netns exec cont iptables-nft -t nat -A POSTROUTING -s 10.2.0.0/24 -j MASQUERADE',
    load('cont', 'docker'),
    load('cont', 'netavark'),
    load('cont', 'kube-proxy'),
    'ip netns add hand',
    `ip netns exec hand nft -f - <<'VNET_NFT_END'\n${HAND_NAT}VNET_NFT_END`,
  ].join('\n'));
  topology = await showJson(host);
});

after(async () => {
  await bed?.stop();
});

test('show --json lists exactly the native tables nft reports, and none of iptables-nft', async () => {
  assert.deepEqual(topology.warnings ?? [], [], 'every table was read');
  for (const [namespace, tables] of Object.entries(NATIVE)) {
    const ns = findNamespace(topology, namespace)!;
    assert.deepEqual((ns.nftTables ?? []).map((t) => `${t.family} ${t.name}`), tables, `native tables of ${namespace}`);
    // nft's own listing: every table of the namespace, iptables-nft's included.
    const listed = JSON.parse(await nftIn(namespace, '-j list ruleset')).nftables as Record<string, Record<string, unknown>>[];
    const all = listed.filter((i) => i.table).map((i) => `${i.table.family} ${i.table.name}`);
    assert.ok(all.includes('ip nat'), `a nat table is there in ${namespace}`);
    for (const table of ns.nftTables ?? []) {
      const chains = listed.filter((i) => i.chain && i.chain.family === table.family && i.chain.table === table.name).map((i) => i.chain);
      assert.deepEqual(table.chains.map((c) => c.name), chains.map((c) => c.name), `chains of ${table.name}`);
      for (const chain of table.chains) {
        const want = chains.find((c) => c.name === chain.name)!;
        assert.deepEqual([chain.type, chain.hook, chain.priority, chain.policy], [want.type ?? null, want.hook ?? null, want.prio ?? null, want.policy ?? null], `${table.name} ${chain.name}`);
        const rules = listed.filter((i) => i.rule && i.rule.family === table.family && i.rule.table === table.name && i.rule.chain === chain.name);
        assert.deepEqual(chain.rules.map((r) => r.handle), rules.map((r) => r.rule.handle), `rules of ${table.name} ${chain.name}`);
      }
      // Each rule's text is the line `nft -a list table` prints for its handle, counters without numbers.
      const text = await nftIn(namespace, `-a list table ${table.family} ${table.name}`);
      const byHandle = new Map([...text.matchAll(/^\t\t(.*) # handle (\d+)$/gm)].map((m) => [Number(m[2]), m[1].replace(/counter packets \d+ bytes \d+/, 'counter')]));
      for (const rule of table.chains.flatMap((c) => c.rules)) assert.equal(rule.text, byHandle.get(rule.handle!), `text of rule ${rule.handle} in ${table.name}`);
    }
  }
  const firewalld = findNamespace(topology, 'host')!.nftTables![0];
  assert.equal(firewalld.owner, 'firewalld');
  const forward = firewalld.chains.find((c) => c.name === 'filter_FORWARD')!;
  assert.deepEqual([forward.hook, forward.policy, forward.rules.length], ['forward', 'drop', 7]);
  const owners = findNamespace(topology, 'cont')!.nftTables!.map((t) => t.owner);
  assert.deepEqual(owners, ['netavark', 'docker', 'kube-proxy']);
  const [hand] = findNamespace(topology, 'hand')!.nftTables!;
  assert.deepEqual(hand.chains[0].rules.map((r) => r.text), ['ip saddr 10.3.0.0/24 oifname "eth0" masquerade']);
});

test('the ip method reads the same native tables', async () => {
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  try {
    const viaIp = await probeHost(transport, { method: 'ip' });
    for (const namespace of Object.keys(NATIVE)) {
      assert.deepEqual(findNamespace(viaIp, namespace)!.nftTables, findNamespace(topology, namespace)!.nftTables, namespace);
    }
  } finally {
    await transport.close();
  }
});

test('plan warns about the native forward chain; apply and destroy leave every nft rule untouched', async () => {
  const before = await nativeRuleset();
  const plan = await vnet(['plan', EXAMPLES.C, ...host.vnetArgs]);
  assert.equal(plan.exitCode, 0, plan.stderr);
  assert.match(plan.stdout + plan.stderr, /native nftables table inet firewalld \(firewalld's\) in host has chain filter_FORWARD on the forward hook with policy drop/);
  const applied = await vnet(['apply', EXAMPLES.C, ...host.vnetArgs, '--yes']);
  assert.equal(applied.exitCode, 0, applied.stderr);
  assert.equal(await nativeRuleset(), before, 'apply left the native tables as they were');
  const destroyed = await vnet(['destroy', EXAMPLES.C, ...host.vnetArgs, '--yes']);
  assert.equal(destroyed.exitCode, 0, destroyed.stderr);
  assert.equal(await nativeRuleset(), before, 'destroy left the native tables as they were');
});

test('without nft on the host, show says that native tables were not read', async () => {
  // Hide nft from the probe's PATH in this host only (its mount namespace is its own).
  await host.mustSh('for d in /usr/sbin /sbin; do [ -e $d/nft ] && mount --bind /dev/null $d/nft; done; true');
  try {
    const without = await showJson(host);
    assert.equal(findNamespace(without, 'cont')!.nftTables, undefined);
    assert.ok((without.warnings ?? []).some((w) => /Namespace "cont" holds the nftables table "ip kube-proxy", which was not read: nft is not installed there/.test(w)), JSON.stringify(without.warnings));
  } finally {
    await host.mustSh('for d in /usr/sbin /sbin; do umount $d/nft 2>/dev/null; done; true');
  }
});
