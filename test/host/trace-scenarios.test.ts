// The accuracy gate, first part: scenarios B, D and F built by hand in a testbed host, then for every
// ordered pair of nodes (the host and its namespaces) `vnet trace --host … --json` must agree with a real
// `ping -c1 -W1` between them; in B, every node to the LAN peer too. Then breaks on purpose (forwarding
// off, FORWARD DROP, a link down, masquerade removed), compared the same way. Traffic goes only to the
// testbed's own addresses.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt, vnet } from './show-support';
import type { TraceResult } from '../../src/trace/index';
import { EXIT } from '../../src/cli/exit-codes';

let bed: Testbed;
before(async () => { assertBuilt(); bed = await Testbed.start(); });
after(async () => { await bed?.stop(); });

const NODES: Record<string, string[]> = {
  B: ['host', 'red', 'blue'],
  D: ['host', 'ns1', 'ns2'],
  F: ['host', 'ns1', 'ns2', 'ns-router'],
};

function pairs(nodes: string[]): [string, string][] {
  return nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to): [string, string] => [from, to]));
}

async function traced(host: TestHost, from: string, to: string): Promise<TraceResult> {
  const result = await vnet(['trace', ...host.vnetArgs, '--from', from, '--to', to, '--json']);
  assert.ok([EXIT.ok, EXIT.traceDropped, EXIT.traceUncertain].includes(result.exitCode as 0), `vnet trace ${from} → ${to} failed (${result.exitCode}): ${result.stderr}`);
  const verdict = JSON.parse(result.stdout) as TraceResult;
  const expectedCode = verdict.uncertain ? EXIT.traceUncertain : verdict.reachable ? EXIT.ok : EXIT.traceDropped;
  assert.equal(result.exitCode, expectedCode, `${from} → ${to}: the exit code says the verdict`);
  return verdict;
}

/** One real echo request from inside `from`, answered within a second or not. */
async function pings(host: TestHost, from: string, address: string): Promise<boolean> {
  const inside = from === 'host' ? '' : `ip netns exec ${from} `;
  const result = await host.sh(`${inside}ping -c1 -W1 ${address} >/dev/null 2>&1; echo "exit=$?"`);
  const code = /exit=(\d+)/.exec(result.stdout)?.[1];
  assert.ok(code !== undefined, `ping from ${from} did not run: ${result.stderr}`);
  return code === '0';
}

function describe(verdict: TraceResult): string {
  const drop = verdict.drop ? `dropped in ${verdict.drop.namespace}: ${verdict.drop.reason}` : 'reachable';
  return `${drop}${verdict.uncertain ? ` (uncertain: ${verdict.assumptions.map((a) => a.assumed).join('; ')})` : ''}`;
}

/** Every ordered pair: the trace's verdict against the real ping; returns the verdicts by pair. */
async function compareAllPairs(host: TestHost, nodes: string[], label: string): Promise<Map<string, TraceResult>> {
  const verdicts = new Map<string, TraceResult>();
  const disagreements: string[] = [];
  for (const [from, to] of pairs(nodes)) {
    const verdict = await traced(host, from, to);
    const real = await pings(host, from, verdict.question.toAddress);
    verdicts.set(`${from}>${to}`, verdict);
    if (verdict.reachable !== real || verdict.uncertain) {
      disagreements.push(`${label}: ${from} → ${to} (${verdict.question.toAddress}): ping ${real ? 'answers' : 'gets no answer'}, trace says ${describe(verdict)}`);
    }
  }
  assert.deepEqual(disagreements, [], disagreements.join('\n'));
  return verdicts;
}

for (const id of ['B', 'D', 'F']) {
  test(`scenario ${id}: vnet trace agrees with ping for every ordered pair of nodes`, async () => {
    const scenario = SCENARIOS[id].hosts[0];
    const host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
    try {
      await host.mustSh(scenario.script);
      const verdicts = await compareAllPairs(host, NODES[id], id);
      // The scenarios' own expectations hold, not only agreement.
      if (id === 'B') for (const pair of ['red>blue', 'blue>red', 'host>blue']) assert.equal(verdicts.get(pair)?.reachable, true, pair);
      if (id === 'D') {
        assert.equal(verdicts.get('ns1>ns2')?.reachable, true);
        // The host has no route to the pair's subnet (the testbed host has no default route either).
        assert.equal(verdicts.get('host>ns1')!.drop!.reason, 'no route to 192.168.1.1');
        assert.equal(verdicts.get('ns1>host')!.drop!.reason, `no route to ${scenario.address.split('/')[0]}`);
      }
      if (id === 'F') {
        assert.equal(verdicts.get('ns1>ns2')?.reachable, true);
        assert.equal(verdicts.get('ns1>ns-router')?.reachable, true);
        assert.equal(verdicts.get('host>ns-router')?.reachable, false);
      }
    } finally {
      await host.remove();
    }
  });
}

test('scenario B: every node to the LAN peer, as ping says; without MASQUERADE blue\'s reply has no way back, said as uncertain', async () => {
  const scenario = SCENARIOS.B.hosts[0];
  const host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  try {
    await host.mustSh(scenario.script);
    for (const from of NODES.B) {
      const verdict = await traced(host, from, scenario.peer);
      assert.deepEqual([verdict.reachable, verdict.uncertain], [await pings(host, from, scenario.peer), false], `${from} → LAN peer: ${describe(verdict)}`);
      assert.equal(verdict.reachable, true, `${from} → LAN peer`);
      if (from !== 'host') assert.equal(verdict.leftBy?.source, scenario.address.split('/')[0], 'masqueraded to the host\'s LAN address');
    }
    await host.mustSh('iptables -t nat -D POSTROUTING -s 192.168.15.0/24 -j MASQUERADE\n');
    const verdict = await traced(host, 'blue', scenario.peer);
    assert.equal(await pings(host, 'blue', scenario.peer), false, 'the LAN peer cannot answer 192.168.15.2');
    assert.deepEqual([verdict.reachable, verdict.uncertain, verdict.drop?.direction], [false, true, 'reply']);
    assert.match(verdict.drop!.reason, /192\.168\.15\.2 is not on eth0's subnet/);
  } finally {
    await host.remove();
  }
});

test('F broken: ns-router with forwarding off drops ns1 ⇄ ns2 there, as the real traffic shows', async () => {
  const scenario = SCENARIOS.F.hosts[0];
  const host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  try {
    await host.mustSh(`${scenario.script}ip netns exec ns-router sysctl -qw net.ipv4.ip_forward=0\n`);
    const verdicts = await compareAllPairs(host, NODES.F, 'F without forwarding');
    const verdict = verdicts.get('ns1>ns2')!;
    assert.equal(verdict.reachable, false);
    assert.deepEqual([verdict.drop?.namespace, verdict.drop?.rule], ['ns-router', 'net.ipv4.ip_forward = 0']);
  } finally {
    await host.remove();
  }
});

test('B broken: FORWARD policy DROP; bridged red ⇄ blue meets it only through br_netfilter, as the probe reads it', async () => {
  const scenario = SCENARIOS.B.hosts[0];
  const host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  try {
    await host.mustSh(`${scenario.script}iptables -P FORWARD DROP\n`);
    const bridgeNf = (await host.mustSh('cat /proc/sys/net/bridge/bridge-nf-call-iptables 2>/dev/null || echo absent')).trim();
    const verdict = await traced(host, 'red', 'blue');
    const real = await pings(host, 'red', verdict.question.toAddress);
    assert.equal(real, bridgeNf !== '1', `bridge-nf-call-iptables is ${bridgeNf}`);
    // The probe reads the sysctl in the bridge's namespace, so the trace knows whether FORWARD applies.
    assert.deepEqual([verdict.reachable, verdict.uncertain], [real, false], `bridge-nf-call-iptables is ${bridgeNf}`);
    // Traffic to and from the host itself does not pass FORWARD: certain, and right.
    for (const [from, to] of [['red', 'host'], ['host', 'blue']]) {
      const local = await traced(host, from, to);
      assert.deepEqual([local.reachable, local.uncertain], [await pings(host, from, local.question.toAddress), false], `${from} → ${to}`);
    }
  } finally {
    await host.remove();
  }
});

test('D broken: a veth end down drops ns1 ⇄ ns2, as the real traffic shows', async () => {
  const scenario = SCENARIOS.D.hosts[0];
  const host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  try {
    await host.mustSh(`${scenario.script}ip netns exec ns2 ip link set veth-ns2 down\n`);
    const verdict = await traced(host, 'ns1', '192.168.1.2');
    assert.equal(verdict.reachable, false);
    assert.equal(await pings(host, 'ns1', '192.168.1.2'), false);
    assert.match(verdict.drop!.reason, /veth-ns2/);
  } finally {
    await host.remove();
  }
});
