// `vnet test` on every single-host example applied to a fresh testbed host (as scenarios.md places it on
// its LAN): each passes its own expectations live, except scenario A, built as its tutorial builds it,
// whose failing claims are exactly the lines the file marks `# fails` (but the LAN peer's, which VNet cannot
// send from the host: those are not checked).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Testbed } from '../testbed/testbed';
import { SCENARIOS } from '../testbed/scenarios';
import { assertBuilt } from './show-support';
import { vnet } from './apply-support';
import { EXIT } from '../../src/cli/exit-codes';

const EXAMPLES: [keyof typeof SCENARIOS, string][] = [
  ['A', 'examples/a-bridge-nat.vnet'],
  ['C', 'examples/c-net1.vnet'],
  ['D', 'examples/d-veth-pair.vnet'],
  ['E', 'examples/e-bridge-three.vnet'],
  ['F', 'examples/f-router.vnet'],
  ['H', 'examples/h-cni-chain.vnet'],
];

let bed: Testbed;
before(async () => { assertBuilt(); bed = await Testbed.start(); });
after(async () => { await bed?.stop(); });

/** The expect lines the file says fail, by their text; those from an outside address are not sent (SKIP). */
async function markedFailing(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8')).split('\n')
    .filter((line) => /^expect .*#\s*fails/.test(line) && !/^expect \d/.test(line))
    .map((line) => line.replace(/\s*#.*$/, '').trim());
}

for (const [id, file] of EXAMPLES) {
  test(`${id}: ${file} applied, then checked live by vnet test`, async () => {
    const scenario = SCENARIOS[id].hosts[0];
    const host = await bed.addHost(scenario.address ? { address: scenario.address, peer: scenario.peer } : {});
    try {
      const applied = await vnet(['apply', file, ...host.vnetArgs, '--yes'], { host });
      assert.equal(applied.exitCode, 0, applied.stderr);
      const result = await vnet(['test', file, ...host.vnetArgs], { host });
      const failed = result.stdout.split('\n').filter((l) => l.startsWith('FAIL  ')).map((l) => l.slice(6).split('  ')[0]);
      const expected = await markedFailing(file);
      assert.deepEqual(failed, expected, result.stdout + result.stderr);
      assert.equal(result.exitCode, expected.length ? EXIT.testFailed : EXIT.ok, result.stdout + result.stderr);
      assert.match(result.stdout, /PASS {2}expect /, 'some expectation passed live');
      for (const line of result.stdout.split('\n').filter((l) => /^(PASS|FAIL) {2}expect \d/.test(l))) assert.fail(`an outside source was sent: ${line}`);
    } finally {
      await host.remove();
    }
  });
}
