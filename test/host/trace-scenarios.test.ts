// `vnet trace --host` end to end over real ssh on scenario B built by hand: the probe, the trace and the
// printing in one command, its JSON and its exit codes (reachable, dropped, uncertain), against real
// pings. The accuracy of the verdicts on every scenario, pair and break is trace-gate.test.ts's part.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt, vnet } from './show-support';
import type { TraceResult } from '../../src/trace/index';
import { EXIT } from '../../src/cli/exit-codes';

let bed: Testbed;
let host: TestHost;
const scenario = SCENARIOS.B.hosts[0];

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost({ address: scenario.address, peer: scenario.peer });
  await host.mustSh(scenario.script);
});
after(async () => { await bed?.stop(); });

async function traced(from: string, to: string, extra: string[] = ['--json']): Promise<{ code: number; stdout: string }> {
  const result = await vnet(['trace', ...host.vnetArgs, '--from', from, '--to', to, ...extra]);
  assert.ok([EXIT.ok, EXIT.traceDropped, EXIT.traceUncertain].includes(result.exitCode as 0), `vnet trace ${from} → ${to} failed (${result.exitCode}): ${result.stderr}`);
  return { code: result.exitCode, stdout: result.stdout };
}

async function pings(from: string, address: string): Promise<boolean> {
  const inside = from === 'host' ? '' : `ip netns exec ${from} `;
  const result = await host.direct(`${inside}ping -c1 -W2 ${address} >/dev/null 2>&1; echo "exit=$?"`);
  return /exit=0/.test(result.stdout);
}

test('reachable: red → blue exits 0, lands in blue, as ping answers', async () => {
  const { code, stdout } = await traced('red', 'blue');
  const verdict = JSON.parse(stdout) as TraceResult;
  assert.deepEqual([code, verdict.reachable, verdict.uncertain, verdict.deliveredTo?.namespace], [EXIT.ok, true, false, 'blue']);
  assert.equal(await pings('red', verdict.question.toAddress), true);
});

test('dropped: an INPUT DROP rule on the host exits with the dropped code, quoting the rule; ping gets no answer', async () => {
  await host.mustSh('iptables -A INPUT -s 192.168.15.1 -j DROP\n');
  try {
    const { code, stdout } = await traced('red', '192.168.15.5');
    const verdict = JSON.parse(stdout) as TraceResult;
    assert.deepEqual([code, verdict.reachable, verdict.drop?.rule], [EXIT.traceDropped, false, '-A INPUT -s 192.168.15.1/32 -j DROP']);
    assert.equal(await pings('red', '192.168.15.5'), false);
    const text = await traced('red', '192.168.15.5', []);
    assert.match(text.stdout, /^dropped in host at v-net-0: filter INPUT drops it \(NEW\) — -A INPUT -s 192\.168\.15\.1\/32 -j DROP$/m);
  } finally {
    await host.mustSh('iptables -D INPUT -s 192.168.15.1 -j DROP\n');
  }
});

test('uncertain: without MASQUERADE blue\'s reply has no way back, said, with the uncertain exit code; ping gets no answer', async () => {
  await host.mustSh('iptables -t nat -D POSTROUTING -s 192.168.15.0/24 -j MASQUERADE\n');
  try {
    const { code, stdout } = await traced('blue', scenario.peer);
    const verdict = JSON.parse(stdout) as TraceResult;
    assert.deepEqual([code, verdict.reachable, verdict.uncertain, verdict.drop?.direction], [EXIT.traceUncertain, false, true, 'reply']);
    assert.match(verdict.drop!.reason, /192\.168\.15\.2 is not on eth0's subnet/);
    assert.equal(await pings('blue', scenario.peer), false);
  } finally {
    await host.mustSh('iptables -t nat -A POSTROUTING -s 192.168.15.0/24 -j MASQUERADE\n');
  }
});
