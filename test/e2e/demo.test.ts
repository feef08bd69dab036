// `npm run demo` must not rot: its entry (test/demo/demo.ts, what run.sh runs after installing and building)
// starts, proves itself and tears down in --check mode; in its interactive mode it serves VS Code until
// Ctrl-C and then removes everything; and a taken port is refused before anything starts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import * as path from 'node:path';
import { repoRoot } from './harness/paths';
import { killGroup } from './harness/run';

const entry = path.join(repoRoot, 'test', 'demo', 'demo.ts');
const running = new Set<ChildProcess>();

after(() => {
  for (const child of running) killGroup(child.pid, 'SIGKILL');
});

interface Demo {
  child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the output once a line matches. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

function startDemo(args: string[]): Demo {
  const env = { ...process.env };
  delete env.VNET_DEMO_PORT;
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own group: a failed test can take the demo and everything it started down with it.
    detached: true,
    env,
  });
  running.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      for (const listener of listeners) listener();
      resolve(code);
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`the demo never printed ${pattern} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
        const check = (): void => {
          const match = pattern.exec(output);
          if (match) finish(null, match);
          else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`the demo exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}:\n${output}`));
        };
        function finish(error: Error | null, match?: RegExpExecArray): void {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve(match!);
        }
        listeners.add(check);
        check();
      });
    },
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/** Whether `file` disappears within the time given. */
async function gone(file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await exists(file)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

test('demo --check starts the hosts and VS Code, sees every host connect in the Hosts view, and removes everything', async () => {
  const demo = startDemo(['--check', '--port', '0']);
  const code = await demo.exited;
  const output = demo.output();
  assert.equal(code, 0, output);
  assert.match(output, /serves the workbench/);
  for (const label of ['scenario-a', 'scenario-h', 'empty']) {
    assert.match(output, new RegExp(`${label}: answers over ssh`));
    assert.match(output, new RegExp(`${label}: connected in the Hosts view`));
  }
  assert.match(output, /Demo check passed/);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output)?.[1];
  assert.ok(url, output);
  assert.equal(await answers(url), false, 'code-server still answers after the check');
});

test('the interactive demo prints the URL, serves VS Code, and Ctrl-C removes code-server and the testbed', async () => {
  const demo = startDemo(['--port', '0']);
  const [, url] = await demo.waitFor(/Open this in a browser on this machine:\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/, 180_000);
  await demo.waitFor(/Press Ctrl-C/, 10_000);
  const page = await (await fetch(url)).text();
  assert.match(page, /vscode-workbench-web-configuration/, 'the URL serves the VS Code workbench');
  // The printed ssh config lives in the testbed world's private files, reachable while the world lives.
  const config = /ssh -F (\/proc\/(\d+)\/root\/\S+) h1/.exec(demo.output());
  assert.ok(config, demo.output());
  assert.equal(await exists(config[1]), true);

  demo.child.kill('SIGINT');
  assert.equal(await demo.exited, 0, demo.output());
  assert.match(demo.output(), /Everything is removed\./);
  assert.equal(await answers(url), false, 'code-server still answers after Ctrl-C');
  // The kernel ends the world's PID namespace a moment after its parent is gone.
  assert.equal(await gone(`/proc/${config[2]}`, 10_000), true, 'the testbed world is still running after Ctrl-C');
});

test('a taken port is refused at once, saying how to choose another', async () => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const demo = startDemo(['--port', String(port)]);
    assert.equal(await demo.exited, 1, demo.output());
    assert.match(demo.output(), new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is taken.*VNET_DEMO_PORT=${port + 1} npm run demo`));
    assert.doesNotMatch(demo.output(), /Starting the testbed/, 'nothing starts when the port is taken');
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
});
