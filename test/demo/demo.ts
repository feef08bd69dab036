// `npm run demo` (after test/demo/run.sh has installed and built): emulated Linux hosts with tutorial
// networks built on them, and a real VS Code (code-server) with the packaged extension, configured for those
// hosts, at http://127.0.0.1:8080/. Ctrl-C tears everything down.
//
//   node --import tsx test/demo/demo.ts [--port N] [--check] [--screenshots DIR]
//
// --check        start everything, prove it works (the workbench is served, every host answers over ssh,
//                and the VNet view in a headless Chromium connects to each), tear down, exit 0 or 1
// --screenshots  like --check, and also write the README's hosts-tree.png and topology.png into DIR
// --port N       the port on 127.0.0.1 (default 8080, or VNET_DEMO_PORT; 0 lets the kernel pick one)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { shellQuote } from '../../src/model/shell';
import { startCodeServer, type CodeServer } from '../e2e/harness/code-server';
import { packageExtension } from '../e2e/harness/package';
import { startTestbedHosts, type TestbedHosts } from '../e2e/harness/testbed-hosts';
import { TestbedError } from '../testbed/testbed';
import { checkInBrowser } from './demo-browser';
import { DEMO_HOSTS, DEMO_SETTINGS, demoWorkspaceFiles } from './demo-setup';

const DEFAULT_PORT = 8080;

interface Options {
  port: number;
  check: boolean;
  screenshotsDir: string | null;
}

class DemoError extends Error {}

function usage(): string {
  return `Usage: npm run demo [-- --port N] [-- --check] [-- --screenshots DIR]

Starts emulated Linux hosts (scenarios A and H of the tutorials, and an empty one) and a VS Code with the
VNet extension at http://127.0.0.1:${DEFAULT_PORT}/ configured for them. Ctrl-C stops everything.
  --port N           listen on 127.0.0.1:N (default ${DEFAULT_PORT}, or $VNET_DEMO_PORT; 0: any free port)
  --check            start, verify (workbench served, hosts reachable, VNet view connected), stop
  --screenshots DIR  like --check, and save hosts-tree.png and topology.png into DIR`;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { port: portFrom(process.env.VNET_DEMO_PORT ?? String(DEFAULT_PORT), 'VNET_DEMO_PORT'), check: false, screenshotsDir: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--port') options.port = portFrom(argv[++i] ?? '', '--port');
    else if (arg === '--screenshots') {
      const dir = argv[++i];
      if (!dir) throw new DemoError(`--screenshots needs a folder.\n${usage()}`);
      options.screenshotsDir = path.resolve(dir);
      options.check = true;
    } else if (arg === '-h' || arg === '--help') {
      console.log(usage());
      process.exit(0);
    } else throw new DemoError(`Unknown argument "${arg}".\n${usage()}`);
  }
  return options;
}

function portFrom(text: string, where: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new DemoError(`${where} must be a port number (0–65535), not "${text}".`);
  return port;
}

/** Fails with what to do when the port is taken, before anything slow has started. */
async function assertPortFree(port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new DemoError(`Port ${port} on 127.0.0.1 is taken (another demo, or another server). Stop it, or choose another port: VNET_DEMO_PORT=${port + 1} npm run demo`)
        : new DemoError(`Cannot listen on 127.0.0.1:${port}: ${error.message}`));
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Things to undo, last made first undone; each runs once even when Ctrl-C arrives during another. */
class Teardown {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private running: Promise<void> | undefined;

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) await step().catch((error: unknown) => console.error(`demo: while stopping: ${String(error)}`));
    })();
    return this.running;
  }
}

function elapsed(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

async function start(options: Options, teardown: Teardown): Promise<{ hosts: TestbedHosts; server: CodeServer; url: string }> {
  const started = Date.now();
  await assertPortFree(options.port);

  console.log('Starting the testbed hosts and packaging the extension…');
  const vsixDir = await mkdtemp(path.join(os.tmpdir(), 'vnet-demo-vsix-'));
  teardown.add(() => rm(vsixDir, { recursive: true, force: true }));
  const hostsStarting = startTestbedHosts(DEMO_HOSTS);
  // Whatever happens next, the hosts go when the demo goes.
  teardown.add(async () => (await hostsStarting.catch(() => undefined))?.stop());
  const [hosts, vsix] = await Promise.all([hostsStarting, packageExtension({ out: path.join(vsixDir, 'vnet-demo.vsix') })]);
  console.log(`  ${hosts.hosts.length} hosts up, extension packaged (${elapsed(started)})`);

  console.log('Starting VS Code (code-server) with the extension…');
  const server = await startCodeServer({
    vsixPaths: [vsix],
    settings: { ...hosts.settings, ...DEMO_SETTINGS },
    workspaceFiles: await demoWorkspaceFiles(hosts.hosts),
    bindAddr: `127.0.0.1:${options.port}`,
    profilePrefix: 'vnet-demo-',
  });
  teardown.add(() => server.stop());
  const url = new URL(server.url);
  url.searchParams.set('folder', server.workspaceDir);
  console.log(`  listening on ${server.url} (${elapsed(started)})`);
  return { hosts, server, url: url.toString() };
}

/** The checks that need no browser: the page is VS Code's, and each host answers ssh with the demo's options. */
async function checkServedAndReachable(url: string, hosts: TestbedHosts): Promise<void> {
  const response = await fetch(url);
  const page = await response.text();
  if (!response.ok || !page.includes('vscode-workbench-web-configuration')) {
    throw new DemoError(`${url} does not serve the VS Code workbench (HTTP ${response.status}).`);
  }
  console.log(`  ${url} serves the workbench`);
  for (const { label, host } of hosts.hosts) {
    const result = await host.sh('ip netns list | wc -l', { timeoutMs: 30_000 });
    if (result.exitCode !== 0) throw new DemoError(`${label} (${host.target}) does not answer over ssh: ${result.stderr.trim()}`);
    console.log(`  ${label}: answers over ssh (named namespaces: ${result.stdout.trim()})`);
  }
}

async function printWelcome(url: string, hosts: TestbedHosts): Promise<void> {
  const port = new URL(url).port;
  const config = await hosts.bed.writeSshConfig();
  const lines = [
    '',
    'VNet demo is running. Open this in a browser on this machine:',
    '',
    `    ${url}`,
    '',
    'Hosts (emulated Linux machines in a private network, reached over real ssh):',
    ...hosts.hosts.flatMap(({ label, host, description }, index) => [
      `  ${label.padEnd(11)} ${host.target.padEnd(22)} ${description}`,
      `  ${''.padEnd(11)} shell: ssh -F ${shellQuote(config)} h${index + 1}`,
    ]),
    '',
    'In VS Code: click the VNet icon in the activity bar; the workspace README says what to try.',
    `From another machine: ssh -L ${port}:127.0.0.1:${port} THIS-MACHINE, then open the URL there.`,
    'Press Ctrl-C to stop and remove everything.',
  ];
  console.log(lines.join('\n'));
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`demo: ${(error as Error).message}`);
    return 2;
  }
  const teardown = new Teardown();
  let stopping = false;
  const stop = async (why: string): Promise<never> => {
    if (!stopping) {
      stopping = true;
      console.log(`\n${why} Stopping the demo…`);
    }
    await teardown.run();
    console.log('Everything is removed.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C.'));
  process.on('SIGTERM', () => void stop('Terminated.'));

  try {
    const { hosts, server, url } = await start(options, teardown);
    if (options.check) {
      console.log('Checking…');
      await checkServedAndReachable(url, hosts);
      await checkInBrowser(server, hosts.hosts, { screenshotsDir: options.screenshotsDir ?? undefined, log: (line) => console.log(line) });
      await teardown.run();
      console.log('Demo check passed: everything started, answered, and was removed again.');
      return 0;
    }
    await printWelcome(url, hosts);
    await server.exited;
    if (!stopping) {
      const log = await readFile(server.logFile, 'utf8').catch(() => '');
      console.error(`\ncode-server exited by itself. The end of its log:\n${log.slice(-2000)}\nStopping the demo.`);
      await teardown.run();
      return 1;
    }
    return await new Promise<never>(() => undefined);
  } catch (error) {
    if (stopping) return new Promise<never>(() => undefined);
    // Expected failures (port taken, not root, a host that does not come up) say what to do; others need their stack.
    const expected = error instanceof DemoError || error instanceof TestbedError;
    console.error(`demo: ${expected ? (error as Error).message : error instanceof Error ? error.stack ?? error.message : String(error)}`);
    await teardown.run();
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
