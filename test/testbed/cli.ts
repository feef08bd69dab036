// `node dist/testbed.js up [--hosts N] [--scenario X]…`: a testbed for people. It starts a private world
// with emulated hosts, optionally builds scenarios on them by hand, prints how to reach them, and tears
// everything down on Ctrl-C.

import { Testbed, type TestHost } from './testbed';
import { SCENARIOS } from './scenarios';
import { shellQuote } from '../../src/model/shell';

function usage(): never {
  console.error(`Usage: testbed up [--hosts N] [--scenario A|B|…|H]…

Starts emulated Linux hosts reached over real ssh, in private namespaces of their own.
  --hosts N        plain empty hosts to start (default 1 when no scenario is given)
  --scenario X     a host built by hand as scenario X of shared/scenarios.md (G starts two hosts)
Ctrl-C stops everything.`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] !== 'up') usage();
  let plain = 0;
  const scenarios: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--hosts') plain = Number(argv[++i]);
    else if (argv[i] === '--scenario') scenarios.push((argv[++i] ?? '').toUpperCase());
    else usage();
  }
  if (!Number.isInteger(plain) || plain < 0 || plain > 50) usage();
  for (const id of scenarios) if (!SCENARIOS[id]) usage();
  if (plain === 0 && scenarios.length === 0) plain = 1;

  const bed = await Testbed.start();
  const stop = async () => {
    console.log('\nStopping the testbed…');
    await bed.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  const described: { host: TestHost; what: string }[] = [];
  for (const id of scenarios) {
    for (const spec of SCENARIOS[id].hosts) {
      const host = await bed.addHost({ address: spec.address, peer: spec.peer });
      await host.mustSh(spec.script);
      described.push({ host, what: `scenario ${id}: ${SCENARIOS[id].title}` });
    }
  }
  for (let i = 0; i < plain; i++) described.push({ host: await bed.addHost(), what: 'empty host' });

  const config = await bed.writeSshConfig();
  console.log(`Testbed up (world pid ${bed.worldPid}). Hosts:`);
  for (const { host, what } of described) {
    console.log(`  ${host.name}  ${host.address.padEnd(18)} ${what}`);
    console.log(`      ssh -F ${shellQuote(config)} ${host.name}`);
  }
  console.log(`\nThe LAN peer is the world itself: nsenter --net=/proc/${bed.worldPid}/ns/net ping <host address>`);
  console.log('Press Ctrl-C to stop and remove everything.');
  await new Promise(() => undefined);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
