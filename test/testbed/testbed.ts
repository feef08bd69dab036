// The testbed: emulated Linux hosts reached over real OpenSSH, inside a private "world".
//
// The world is a process in its own network, mount and PID namespaces (unshare). It owns the LAN bridge,
// acts as the LAN peer, and keeps keys and sshd config in a tmpfs that exists only in its mount namespace.
// Each host is again its own network, mount and PID namespace inside the world, with a private /run (so
// its /run/netns is its own), an eth0 on the LAN bridge and an sshd on its LAN address.
//
// Nothing is ever created in the machine's real network namespace. Killing the world process ends its PID
// namespace, which kills every host and frees every namespace, and its tmpfs goes with its mount
// namespace: nothing is left behind. The world also dies with the process that started it (pdeathsig),
// and when its stdin closes.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, stat, appendFile, writeFile } from 'node:fs/promises';
import { parseCidr, parseIp } from '../../src/model/cidr';
import { shellQuote } from '../../src/model/shell';
import { run, type RunResult } from './run';
import { hostInitScript, worldInitScript, TESTBED_DIR } from './scripts';

export interface HostOptions {
  /** LAN address of the host's eth0, with prefix. Default: 10.99.0.N/24 (N from 11 up). */
  address?: string;
  /** Address of the LAN peer (the world) in that subnet. Default: the subnet's .1 (or 10.99.0.1). */
  peer?: string;
  /** Default route of the host via the peer, as a real host has one. Default: false. */
  defaultRoute?: boolean;
  /** Extra (non-root) login users on this host, each with its sudo policy. */
  users?: { name: string; sudo: 'nopasswd' | 'password' | 'none' }[];
  /** Leave this host's key out of known_hosts, to test how an unknown host key is reported. */
  untrustedHostKey?: boolean;
}

export type ShResult = RunResult;

const READY_TIMEOUT_MS = 15_000;

export class TestbedError extends Error {}

export class Testbed {
  private hostCounter = 0;
  private readonly hosts = new Set<TestHost>();
  private stopped = false;

  private constructor(
    private readonly process: ChildProcess,
    /** PID of the world's init, as this machine sees it. */
    readonly worldPid: number,
  ) {}

  /** Starts a private world. Refuses, with a message that says why, where it cannot isolate itself. */
  static async start(): Promise<Testbed> {
    await assertCanIsolate();
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'KILL', '--', 'unshare', '--net', '--mount', '--pid', '--fork', '--kill-child',
        '--propagation', 'private', '--mount-proc', '--', 'bash', '-c', worldInitScript()],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const ready = await waitForLine(child, 'WORLD-READY', READY_TIMEOUT_MS);
    if (!ready.ok) {
      child.kill('SIGKILL');
      throw new TestbedError(`testbed: the world did not start: ${ready.output.trim() || 'no output'}`);
    }
    const worldPid = await childPidOf(child.pid!);
    const bed = new Testbed(child, worldPid);
    // Belt and braces: the world must not share this machine's network namespace.
    const [own, world] = await Promise.all([stat('/proc/self/ns/net'), stat(`/proc/${worldPid}/ns/net`)]);
    if (own.ino === world.ino) {
      await bed.stop();
      throw new TestbedError('testbed: refusing to run: the world shares this machine\'s network namespace.');
    }
    return bed;
  }

  /** A path inside the world's private tmpfs, as this machine can open it. */
  worldPath(relative: string): string {
    return `/proc/${this.worldPid}/root${TESTBED_DIR}/${relative}`;
  }

  get identityFile(): string { return this.worldPath('id_ed25519'); }
  get knownHostsFile(): string { return this.worldPath('known_hosts'); }

  /** OpenSSH options that reach the world's LAN from this machine, with host key checking on. */
  sshOptions(): Record<string, string> {
    return {
      ProxyCommand: `nsenter --net=/proc/${this.worldPid}/ns/net nc %h %p`,
      IdentityFile: this.identityFile,
      UserKnownHostsFile: this.knownHostsFile,
      StrictHostKeyChecking: 'yes',
      BatchMode: 'yes',
      IdentitiesOnly: 'yes',
      LogLevel: 'ERROR',
    };
  }

  /**
   * Writes an OpenSSH config with one `Host` alias per testbed host (h1, h2, …), so that a person or a
   * program can reach them with `ssh -F FILE h1`. Returns the file's path.
   */
  async writeSshConfig(): Promise<string> {
    const quote = (value: string) => `"${value.replace(/"/g, '')}"`;
    const blocks = [...this.hosts].map((host) => [
      `Host ${host.name}`,
      `  HostName ${host.ip}`,
      '  User root',
      ...Object.entries(this.sshOptions()).map(([key, value]) => `  ${key} ${key === 'ProxyCommand' ? value : quote(value)}`),
    ].join('\n'));
    const path = this.worldPath('ssh_config');
    await writeFile(path, `${blocks.join('\n\n')}\n`, { mode: 0o600 });
    return path;
  }

  /** The LAN peer: runs a script in the world's namespaces (its processes die with the world). */
  readonly peer = {
    sh: (script: string, options: { timeoutMs?: number } = {}): Promise<ShResult> =>
      run('nsenter', ['--target', String(this.worldPid), '--net', '--mount', '--pid', '--', 'sh', '-c', script], options),
    /** Starts a long-running process in the peer (e.g. a listener); kill() it when done. */
    spawn: (script: string): ChildProcess =>
      spawn('nsenter', ['--target', String(this.worldPid), '--net', '--mount', '--pid', '--', 'sh', '-c', script], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
  };

  /** A fresh, empty host: its own namespaces, eth0 on the LAN, sshd listening. Well under a second. */
  async addHost(options: HostOptions = {}): Promise<TestHost> {
    if (this.stopped) throw new TestbedError('testbed: addHost after stop().');
    const index = ++this.hostCounter;
    const address = options.address ?? `10.99.0.${10 + index}/24`;
    const cidr = parseCidr(address);
    if (!cidr || cidr.family !== 4) throw new TestbedError(`testbed: host address must be IPv4 CIDR, got "${address}".`);
    const ip = address.slice(0, address.indexOf('/'));
    const peer = options.peer ?? (options.address ? defaultPeer(address) : '10.99.0.1');
    if (!parseIp(peer)) throw new TestbedError(`testbed: peer must be an IPv4 address, got "${peer}".`);
    for (const host of this.hosts) {
      if (host.ip === ip) throw new TestbedError(`testbed: address ${ip} is already used by host ${host.name}; remove it first.`);
    }
    for (const user of options.users ?? []) {
      if (!/^[a-z][a-z0-9_-]{0,30}$/.test(user.name)) throw new TestbedError(`testbed: bad user name "${user.name}".`);
    }
    const name = `h${index}`;
    const lanPort = `lan${index}`;
    const prefix = address.slice(address.indexOf('/') + 1);
    const child = spawn(
      'nsenter',
      ['--target', String(this.worldPid), '--net', '--mount', '--pid', '--',
        'unshare', '--net', '--mount', '--pid', '--uts', '--fork', '--kill-child', '--propagation', 'private', '--mount-proc',
        '--', 'bash', '-c', hostInitScript({ name, address, ip, peer, defaultRoute: options.defaultRoute ?? false, users: options.users ?? [] })],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    try {
      // nsenter forks into the world's PID namespace; below it, unshare forks the host's init.
      const unsharePid = await childPidOf(child.pid!);
      const hostPid = await childPidOf(unsharePid);
      const peerCidr = `${peer}/${prefix}`;
      const lanSetup = [
        `ip link add ${lanPort} type veth peer name eth0 netns /proc/${hostPid}/ns/net`,
        `ip link set ${lanPort} master lan0 up`,
        // replace, not add: hosts may be added concurrently on one subnet.
        `ip addr replace ${shellQuote(peerCidr)} dev lan0`,
        // A removed host's MAC may still be cached for a reused address; ssh would stall on it. The flush
        // fails with ENOENT when the kernel drops the entry between listing and deleting it: gone is the goal.
        `{ ip neigh flush to ${shellQuote(ip)} 2>/dev/null || ip neigh flush to ${shellQuote(ip)} 2>/dev/null || true; }`,
      ].join(' && ');
      const setup = await run('nsenter', ['--net=/proc/' + this.worldPid + '/ns/net', '--', 'sh', '-c', lanSetup]);
      if (setup.exitCode !== 0) throw new TestbedError(`testbed: could not wire ${name} to the LAN: ${setup.stderr.trim()}`);
      const ready = await waitForLine(child, 'HOST-READY', READY_TIMEOUT_MS);
      if (!ready.ok) throw new TestbedError(`testbed: host ${name} did not come up: ${ready.output.trim() || 'no output'}`);
      if (!options.untrustedHostKey) {
        const key = (await readFile(this.worldPath('host_ed25519.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
        await appendFile(this.knownHostsFile, `${ip} ${key}\n`);
      }
      const host = new TestHost(this, name, ip, address, peer, child, hostPid);
      this.hosts.add(host);
      return host;
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  list(): TestHost[] {
    return [...this.hosts];
  }

  /** @internal */
  forget(host: TestHost): void {
    this.hosts.delete(host);
  }

  /** Stops every host and the world. Leaves nothing behind. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const host of [...this.hosts]) await host.remove();
    const exited = exitOf(this.process);
    this.process.stdin?.end();
    this.process.kill('SIGKILL');
    await exited;
  }
}

export class TestHost {
  private removed = false;

  constructor(
    private readonly bed: Testbed,
    /** Testbed-local name (h1, h2, …). */
    readonly name: string,
    /** LAN address without prefix. */
    readonly ip: string,
    /** LAN address with prefix. */
    readonly address: string,
    /** The LAN peer's address in this host's subnet. */
    readonly peer: string,
    private readonly process: ChildProcess,
    /** PID of the host's init, as this machine sees it. */
    readonly pid: number,
  ) {}

  /** The ssh destination for root. */
  get target(): string { return `root@${this.ip}`; }

  targetFor(user: string): string { return `${user}@${this.ip}`; }

  /** OpenSSH options (for `--ssh-option K=V` and `-o K=V`). */
  get sshOptions(): Record<string, string> { return this.bed.sshOptions(); }

  /** `-o K=V` arguments for ssh. */
  get sshArgs(): string[] {
    return Object.entries(this.sshOptions).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
  }

  /** `--ssh-option K=V` arguments for the vnet command line. */
  get vnetArgs(): string[] {
    return ['--host', this.target, ...Object.entries(this.sshOptions).flatMap(([key, value]) => ['--ssh-option', `${key}=${value}`])];
  }

  /** Runs a script on the host as root over real ssh (`sh -s`, script on stdin). */
  sh(script: string, options: { timeoutMs?: number; user?: string } = {}): Promise<ShResult> {
    return run('ssh', [...this.sshArgs, options.user ? this.targetFor(options.user) : this.target, 'sh', '-s'], {
      input: script,
      timeoutMs: options.timeoutMs,
    });
  }

  /** Like sh, but throws with the host's error when the script fails. */
  async mustSh(script: string): Promise<string> {
    const result = await this.sh(script);
    if (result.exitCode !== 0) {
      throw new TestbedError(`on ${this.name}: script failed (${result.exitCode}): ${result.stderr.trim()}\n--- script:\n${script}`);
    }
    return result.stdout;
  }

  /**
   * Runs a script directly in the host's namespaces, without ssh: for test set-up that is not itself
   * under test (e.g. building a thousand namespaces for a benchmark).
   */
  direct(script: string, options: { timeoutMs?: number } = {}): Promise<ShResult> {
    return run('nsenter', ['--target', String(this.pid), '--net', '--mount', '--pid', '--', 'sh', '-c', script], options);
  }

  async remove(): Promise<void> {
    if (this.removed) return;
    this.removed = true;
    this.bed.forget(this);
    const exited = exitOf(this.process);
    this.process.stdin?.end();
    // Killing nsenter's child (unshare) kills the host's init through --kill-child, which ends its PID
    // namespace; the network namespace and the LAN veth go with it.
    const unsharePid = await childPidOf(this.process.pid!).catch(() => null);
    if (unsharePid) {
      try { process.kill(unsharePid, 'SIGKILL'); } catch { /* already gone */ }
    }
    this.process.kill('SIGKILL');
    await exited;
  }
}

/** Resolves when the process has exited, at once if it already has; bounded so that stop() never hangs. */
function exitOf(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return Promise.race([once(child, 'exit'), delay(5000)]);
}

function defaultPeer(address: string): string {
  const ip = address.slice(0, address.indexOf('/'));
  const parts = ip.split('.');
  const last = parts[3] === '1' ? '254' : '1';
  return [...parts.slice(0, 3), last].join('.');
}

async function assertCanIsolate(): Promise<void> {
  if (process.platform !== 'linux') throw new TestbedError('testbed: needs Linux (network namespaces).');
  if (process.getuid?.() !== 0) {
    throw new TestbedError('testbed: needs root to create namespaces. Run the tests as root (sudo npm test).');
  }
  for (const tool of ['unshare', 'nsenter', 'setpriv', 'ip', 'nc', '/usr/sbin/sshd', 'ssh', 'ssh-keygen']) {
    const found = await run('sh', ['-c', `command -v ${shellQuote(tool)}`]);
    if (found.exitCode !== 0) {
      throw new TestbedError(`testbed: "${tool}" is missing. Install the Debian packages with: bash test/setup/install-deps.sh`);
    }
  }
  const probe = await run('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'true']);
  if (probe.exitCode !== 0) {
    throw new TestbedError(`testbed: refusing to run: cannot create a private network namespace here (${probe.stderr.trim()}).`);
  }
}

/** The single child of a process (unshare --fork and nsenter --pid each fork exactly one). */
async function childPidOf(pid: number, timeoutMs = READY_TIMEOUT_MS): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim();
      if (children) return Number(children.split(/\s+/)[0]);
    } catch {
      throw new TestbedError(`testbed: process ${pid} ended before starting its child.`);
    }
    if (Date.now() > deadline) throw new TestbedError(`testbed: process ${pid} did not start its child.`);
    await delay(5);
  }
}

async function waitForLine(child: ChildProcess, marker: string, timeoutMs: number): Promise<{ ok: boolean; output: string }> {
  let output = '';
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      // Keep draining: sshd logs every login to stderr, and a full pipe would stall it.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ ok, output });
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) finish(true);
    };
    const onExit = () => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', onExit);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
