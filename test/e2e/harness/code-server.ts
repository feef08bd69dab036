// One code-server (real VS Code, served to a browser) with a throwaway profile: its own user-data-dir,
// extensions dir and workspace under a temp folder, so tests never share state with each other or with a
// person's own VS Code.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { harnessDir } from './paths';
import { killGroup, run } from './run';
import { trackForCleanup, untrack } from './cleanup';

export interface CodeServerOptions {
  /** Packaged extensions installed into the fresh extensions dir before the server starts. */
  vsixPaths?: readonly string[];
  /** Extra user settings, merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** Files written into the fresh workspace folder, by relative path. */
  workspaceFiles?: Record<string, string>;
  /** Extra environment for code-server and so for the extension host (e.g. PATH for a fake ssh). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where to listen, `HOST:PORT`. Default `127.0.0.1:0`: the kernel picks a free port, so parallel test files
   * never collide. The demo asks for a fixed port people can type.
   */
  bindAddr?: string;
  /** Prefix of the throwaway profile folder under the temp dir (default `vnet-e2e-`). */
  profilePrefix?: string;
}

export interface CodeServer {
  /** http://127.0.0.1:<port>/ */
  readonly url: string;
  readonly root: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspaceDir: string;
  /** Everything code-server printed, for failure messages. */
  readonly logFile: string;
  /** Settles when the server process exits, by stop() or on its own (a long-running demo watches this). */
  readonly exited: Promise<void>;
  stop(): Promise<void>;
}

/** Settings that keep a test workbench quiet and offline; tests add their own on top. */
export const defaultSettings: Readonly<Record<string, unknown>> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

const startTimeoutMs = 60_000;

let installed: Promise<string> | undefined;

/** Installs code-server into .cache on first use (about a minute); afterwards this costs milliseconds. */
export function ensureCodeServer(): Promise<string> {
  installed ??= run('bash', [path.join(harnessDir, 'install-code-server.sh')], {
    timeoutMs: 15 * 60_000,
    echoStderr: true,
  }).then(
    ({ stdout }) => stdout.trim().split('\n').at(-1) ?? '',
  );
  return installed;
}

export async function startCodeServer(options: CodeServerOptions = {}): Promise<CodeServer> {
  const entry = await ensureCodeServer();
  const root = await mkdtemp(path.join(os.tmpdir(), options.profilePrefix ?? 'vnet-e2e-'));
  const profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    workspaceDir: path.join(root, 'workspace'),
    configFile: path.join(root, 'config.yaml'),
    logFile: path.join(root, 'code-server.log'),
  };
  const runtimeDir = path.join(root, 'r');
  const env = serverEnvironment(options.env, path.join(root, 'xdg'), runtimeDir);
  const profileArgs = [
    '--config', profile.configFile,
    '--user-data-dir', profile.userDataDir,
    '--extensions-dir', profile.extensionsDir,
  ];
  try {
    await prepareProfile(profile, options);
    await mkdir(runtimeDir, { mode: 0o700 });
    for (const vsix of options.vsixPaths ?? []) {
      await run(process.execPath, [entry, ...profileArgs, '--force', '--install-extension', vsix], {
        env,
        timeoutMs: 60_000,
      });
    }
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }

  const log = createWriteStream(profile.logFile);
  const [command, ...prefixArgs] = await dieWithUs([process.execPath]);
  const child = spawn(
    command,
    [
      ...prefixArgs,
      entry,
      ...profileArgs,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--bind-addr', options.bindAddr ?? '127.0.0.1:0',
      profile.workspaceDir,
    ],
    // Own process group: stop() kills the extension host and language servers it starts along with it.
    { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  trackForCleanup(child.pid);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);

  const stop = (): Promise<void> => stopServer(child, root, runtimeDir, log, env);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const url = await waitForListening(child, profile.logFile);
    await waitForHealthy(url);
    return {
      url,
      root,
      userDataDir: profile.userDataDir,
      extensionsDir: profile.extensionsDir,
      workspaceDir: profile.workspaceDir,
      logFile: profile.logFile,
      exited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

interface Profile {
  userDataDir: string;
  extensionsDir: string;
  workspaceDir: string;
  configFile: string;
}

async function prepareProfile(profile: Profile, options: CodeServerOptions): Promise<void> {
  await mkdir(path.join(profile.userDataDir, 'User'), { recursive: true });
  await mkdir(profile.extensionsDir, { recursive: true });
  await mkdir(profile.workspaceDir, { recursive: true });
  // Without --config, code-server writes a default config (with a password) into the real ~/.config.
  await writeFile(profile.configFile, '');
  const settings = { ...defaultSettings, ...options.settings };
  await writeFile(path.join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  for (const [relative, content] of Object.entries(options.workspaceFiles ?? {})) {
    const file = path.join(profile.workspaceDir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}

/**
 * The environment code-server runs in: ours, minus anything that would make it talk to another VS Code, with
 * the XDG folders inside the throwaway profile (code-server keeps logs and a heartbeat in XDG_DATA_HOME, VS Code
 * a device id in XDG_CACHE_HOME). HOME stays, so ssh in the extension host sees the user's ~/.ssh as usual.
 */
function serverEnvironment(extra: NodeJS.ProcessEnv | undefined, xdgRoot: string, runtimeDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // VSCODE_IPC_HOOK_CLI etc. (set when the tests run in a VS Code terminal) redirect
    // --install-extension into that other instance.
    if (!key.startsWith('VSCODE_') && !key.startsWith('CODE_SERVER_') && key !== 'PASSWORD') env[key] = value;
  }
  const xdg = {
    XDG_CONFIG_HOME: path.join(xdgRoot, 'config'),
    XDG_DATA_HOME: path.join(xdgRoot, 'data'),
    XDG_CACHE_HOME: path.join(xdgRoot, 'cache'),
    XDG_STATE_HOME: path.join(xdgRoot, 'state'),
    // The extension keeps its ssh control sockets here (vnet-ssh-<uid>), so stop() can find and close them.
    // Short on purpose: a unix socket path has at most 107 bytes, and ssh adds 17 while it creates one.
    XDG_RUNTIME_DIR: runtimeDir,
  };
  return { ...env, ...xdg, ...extra };
}

function waitForListening(child: ChildProcess, logFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(`did not start listening within ${startTimeoutMs} ms`), startTimeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const match = /HTTP server listening on (http:\/\/[\w.:[\]-]+:\d+\/)/.exec(output);
      if (match) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited with ${code ?? signal}`);
    const onError = (error: Error): void => fail(`could not be started (${error.message})`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    function fail(why: string): void {
      cleanup();
      reject(new Error(`code-server ${why}. Its output (${logFile}):\n${output.slice(-4000)}`));
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
    child.on('error', onError);
  });
}

async function waitForHealthy(url: string): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(new URL('healthz', url));
      if (response.ok) return;
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`code-server at ${url} never became healthy: ${lastError}`);
}

async function stopServer(
  child: ChildProcess,
  root: string,
  runtimeDir: string,
  log: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  // No pid: the process never started, so there is nothing to wait for.
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    killGroup(child.pid, 'SIGTERM');
    // A timer that is cleared, not raced: a pending one would hold the test process open for its duration.
    const impatient = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(impatient);
  }
  // Group members can outlive the leader (an extension host or language server mid-shutdown): they go too.
  killGroup(child.pid, 'SIGKILL');
  untrack(child.pid);
  await closeSshMasters(runtimeDir, env);
  await new Promise<void>((resolve) => log.end(resolve));
  if (process.env.VNET_E2E_KEEP === '1') {
    process.stderr.write(`code-server profile kept at ${root}\n`);
    return;
  }
  await rm(root, { recursive: true, force: true });
}

/**
 * ssh's shared connections (ControlPersist) detach from the process group that started them, so killing
 * code-server leaves them behind, with their ProxyCommand, until the server side stops answering. Ask each one
 * to exit through its control socket instead.
 */
async function closeSshMasters(runtimeDir: string, env: NodeJS.ProcessEnv): Promise<void> {
  let sockets: string[] = [];
  try {
    const dirs = (await readdir(runtimeDir)).filter((name) => name.startsWith('vnet-ssh-'));
    for (const dir of dirs) sockets.push(...(await readdir(path.join(runtimeDir, dir))).map((name) => path.join(runtimeDir, dir, name)));
  } catch {
    sockets = [];
  }
  await Promise.all(
    sockets.map((socket) =>
      run('ssh', ['-o', `ControlPath=${socket}`, '-O', 'exit', 'vnet-e2e'], { env, timeoutMs: 5_000 }).catch(() => undefined),
    ),
  );
}

/**
 * Wraps a command so the kernel kills it if this test process dies, even by SIGKILL (when no exit handler runs).
 * setpriv (util-linux) is on every Debian; without it the exit and signal handlers in cleanup.ts remain.
 */
async function dieWithUs(command: string[]): Promise<string[]> {
  try {
    await access('/usr/bin/setpriv');
    return ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', ...command];
  } catch {
    return command;
  }
}

/** The extension host's log: activation records and errors thrown by extensions end up here. */
export async function readExtensionHostLog(server: CodeServer): Promise<string> {
  const logs = await findFiles(path.join(server.userDataDir, 'logs'), (name) => name === 'remoteexthost.log');
  const texts = await Promise.all(logs.sort().map((file) => readFile(file, 'utf8')));
  return texts.join('\n');
}

/** The text an extension wrote to its output channel (e.g. "VNet"), as the Output panel would show it. */
export async function readOutputChannel(server: CodeServer, channel: string): Promise<string> {
  const suffix = `-${channel}.log`;
  const logs = await findFiles(path.join(server.userDataDir, 'logs'), (name) => name.endsWith(suffix));
  const texts = await Promise.all(logs.sort().map((file) => readFile(file, 'utf8')));
  return texts.join('\n');
}

async function findFiles(dir: string, matches: (name: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .filter((entry) => entry.isFile() && matches(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
