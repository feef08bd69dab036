// The plan's warning about native nftables tables that would drop what a lab forwards. The live tables
// are the firewalld and kube-proxy rulesets nft 1.0.6 printed in a testbed host (fixtures/nft).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNftJson } from '../../src/host/nft-json-parse';
import { diff } from '../../src/plan/diff';
import { nativeOverrideWarnings } from '../../src/plan/native-overrides';
import type { NftTable } from '../../src/model/nftables';
import type { Topology } from '../../src/model/topology';
import { desiredScenarioA, emptyHost } from './plan-fixtures';

const tables = (name: string): NftTable[] => parseNftJson([JSON.parse(readFileSync(join(__dirname, 'fixtures/nft', `${name}.json`), 'utf8'))]);

function liveWith(nftTables: NftTable[]): Topology {
  const live = emptyHost();
  live.namespaces[0].nftTables = nftTables;
  return live;
}

const WARNING = /^The native nftables table inet firewalld \(firewalld's\) in host has chain filter_FORWARD on the forward hook with policy drop, and none of its rules plainly accepts the lab's traffic/;

test("firewalld's forward chain with policy drop: the plan warns, names table and chain, and still plans", () => {
  const desired = desiredScenarioA();
  assert.ok(desired.namespaces.find((n) => n.root)!.forwarding, 'scenario A forwards in host');
  const plan = diff({ lab: 'a', desired, live: liveWith(tables('firewalld')), state: { lab: 'a', records: [] } });
  assert.deepEqual(plan.conflicts, []);
  assert.ok(plan.steps.length > 0);
  assert.equal(plan.warnings.filter((w) => WARNING.test(w)).length, 1, plan.warnings.join('\n'));
  // Nothing the plan runs names nft: native tables are read-only.
  assert.ok(plan.steps.every((s) => s.commands.every((c) => !JSON.stringify(c).includes('nft '))));
});

test('no warning where a rule plainly accepts the lab, the policy accepts, or the lab does not forward', () => {
  const desired = desiredScenarioA();
  const [firewalld] = tables('firewalld');
  const bridge = desired.namespaces.find((n) => n.root)!.interfaces.find((i) => i.kind === 'bridge')!.name;
  const accepting = structuredClone(firewalld);
  // A zone rule for the lab's bridge, reached through the jump and the goto, as firewalld writes zones.
  const zone = accepting.chains.find((c) => c.name === 'filter_FWD_public')!;
  zone.rules.unshift({ ...structuredClone(zone.rules[0]), text: `iifname "${bridge}" accept` });
  zone.rules[0].facts.oifname = null;
  zone.rules[0].facts.iifname = { value: bridge, negated: false };
  assert.deepEqual(nativeOverrideWarnings(desired, liveWith([accepting])), []);

  // Only the lab's interfaces count: the same rule for another interface does not.
  zone.rules[0].facts.iifname = { value: 'eth9', negated: false };
  assert.equal(nativeOverrideWarnings(desired, liveWith([accepting])).length, 1);

  assert.deepEqual(nativeOverrideWarnings(desired, liveWith(tables('kube-proxy'))), [], 'kube-proxy forward chain accepts by policy');
  const quiet = structuredClone(desired);
  for (const ns of quiet.namespaces) { ns.forwarding = false; ns.forwardPolicy = null; }
  assert.deepEqual(nativeOverrideWarnings(quiet, liveWith([firewalld])), []);
});

test("a native table named as iptables-nft's: the lab's NAT rules are said to go into it", () => {
  const desired = desiredScenarioA();
  const hand: NftTable = { family: 'ip', name: 'nat', owner: null, chains: [{ name: 'postrouting', type: 'nat', hook: 'postrouting', priority: 100, policy: 'accept', rules: [] }] };
  assert.deepEqual(nativeOverrideWarnings(desired, liveWith([hand])), [
    "The native nftables table ip nat in host has the name iptables-nft uses: the lab's iptables nat changes go into that same table, beside its own chains (which stay as they are).",
  ]);
  assert.deepEqual(nativeOverrideWarnings(desired, liveWith([{ ...hand, name: 'mynat' }])), []);
});
