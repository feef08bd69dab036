// Shared by the plan/apply/destroy/export host tests: reaching testbed hosts, reading them as `vnet show
// --json` does, comparing two hosts' networks, and checking a scenario's connectivity with real traffic.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileVnet } from '../../src/language/index';
import { natRuleKey } from '../../src/model/nat';
import type { Lab, Topology } from '../../src/model/topology';
import { createTransport } from '../../src/host/connect';
import { probeHost, probeSnapshot } from '../../src/host/probe';
import type { Transport } from '../../src/host/transport';
import { converge, planHost, type ConvergeOptions, type HostResult, type HostTarget } from '../../src/engine/converge';
import type { RunResult } from '../testbed/run';
import type { HostOptions, Testbed, TestHost } from '../testbed/testbed';

export const EXAMPLES: Record<string, string> = {
  A: 'examples/a-bridge-nat.vnet',
  B: 'examples/b-bridge-gateway.vnet',
  C: 'examples/c-net1.vnet',
  D: 'examples/d-veth-pair.vnet',
  E: 'examples/e-bridge-three.vnet',
  F: 'examples/f-router.vnet',
  G: 'examples/g-two-hosts.vnet',
  H: 'examples/h-cni-chain.vnet',
};

/**
 * ssh control sockets, one directory per testbed host. Testbeds of test files running side by side give
 * their hosts the same addresses, and tests reuse an address for a fresh host: a control socket shared
 * by name would carry commands to another (or a dead) host.
 */
// Short paths: a Unix socket path has room for about 100 bytes, and ssh adds a long name to these.
const CONTROL_BASE = mkdtempSync(join(tmpdir(), 'vt-'));
process.on('exit', () => rmSync(CONTROL_BASE, { recursive: true, force: true }));
const controlDirs = new WeakMap<TestHost, string>();
let controlCount = 0;

export function controlDirFor(host: TestHost): string {
  let dir = controlDirs.get(host);
  if (!dir) {
    dir = join(CONTROL_BASE, String(++controlCount));
    mkdirSync(dir, { mode: 0o700 });
    controlDirs.set(host, dir);
  }
  return dir;
}

export function transportFor(host: TestHost): Transport {
  return createTransport(host.target, { sshOptions: host.sshOptions, controlDir: join(controlDirFor(host), 'vnet-ssh') });
}

/**
 * A fresh testbed host. Tests give fresh hosts an address an earlier host had: the LAN peer's neighbour
 * entry for it would still name the old host's MAC, and connections would stall until it went stale.
 */
export async function freshHost(bed: Testbed, options: HostOptions = {}): Promise<TestHost> {
  const host = await bed.addHost(options);
  await bed.peer.sh(`ip neigh flush to ${host.ip} 2>/dev/null; true`);
  return host;
}

/** What `vnet show --json` prints for a host. */
export async function show(transport: Transport): Promise<Topology> {
  return probeHost(transport);
}

export async function compileFile(file: string): Promise<Lab> {
  return compileText(await readFile(file, 'utf8'));
}

export function compileText(text: string): Lab {
  const result = compileVnet(text);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((e) => e.message), [], 'the file compiles without errors');
  assert.ok(result.lab, 'the file names a lab');
  return result.lab;
}

export const probe = (transport: Transport, options: { signal?: AbortSignal }) => probeSnapshot(transport, options);

/** Applies (or with an empty desired topology, destroys) a lab on testbed hosts through the engine. */
export async function convergeOn(lab: Lab, transports: Transport[], options: Partial<ConvergeOptions> = {}, desired?: (i: number) => Topology): Promise<HostResult[]> {
  const targets: HostTarget[] = lab.hosts.map((host, i) => ({ name: host.name, transport: transports[i], desired: desired ? desired(i) : host.topology }));
  return converge(targets, { lab: lab.name, probe, ...options });
}

export async function planSteps(lab: Lab, transport: Transport, hostIndex = 0, desired?: Topology): Promise<string[]> {
  const host = lab.hosts[hostIndex];
  const planned = await planHost({ name: host.name, transport, desired: desired ?? host.topology }, { lab: lab.name, probe });
  assert.deepEqual(planned.plan.conflicts, []);
  return planned.plan.steps.map((s) => s.description);
}

/**
 * A host's network as two hosts built the same way share it: no MACs, ifindexes, inodes, operational
 * states or ownership marks (comments, aliases, owners); lists sorted where order means nothing.
 */
export function normalize(topology: Topology): unknown {
  return topology.namespaces
    .filter((ns) => !ns.anonymous)
    .map((ns) => ({
      name: ns.name,
      root: ns.root,
      forwarding: ns.forwarding,
      forwardPolicy: ns.forwardPolicy,
      interfaces: ns.interfaces
        .map((i) => ({ name: i.name, kind: i.kind, state: i.state, mtu: i.mtu, addresses: [...i.addresses].sort(), master: i.master, peer: i.peer }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      routes: ns.routes.map((r) => `${r.to} via ${r.via ?? '-'} dev ${r.dev ?? '-'} proto ${r.protocol ?? '-'}`).sort(),
      natChains: [...ns.natChains].sort(),
      // Order within a chain matters; the comment carries the mark.
      nat: ns.nat.map((r) => natRuleKey(r)),
    }))
    .sort((a, b) => Number(b.root) - Number(a.root) || a.name.localeCompare(b.name));
}

/**
 * Runs the `vnet` command line as a user would (the TypeScript entry point, through tsx), against a
 * testbed host: its ssh control sockets go to that host's own directory, and a loaded machine gets more
 * time to answer than the default.
 */
export function vnet(args: string[], options: { host?: TestHost; timeoutMs?: number } = {}): Promise<RunResult> {
  const hostArgs = args.some((a) => a === '--host' || a === '--ssh-option') ? ['--timeout', '30'] : [];
  return new Promise((resolve, reject) => {
    const child = spawn('node', ['--import', 'tsx', 'src/cli/main.ts', ...args, ...hostArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XDG_RUNTIME_DIR: options.host ? controlDirFor(options.host) : CONTROL_BASE },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
    child.on('error', (error) => { clearTimeout(timer); reject(error); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code ?? (signal ? 128 : 1) });
    });
  });
}

export async function ping(host: TestHost, namespace: string | null, address: string): Promise<void> {
  const where = namespace ? `ip netns exec ${namespace} ` : '';
  const result = await host.sh(`${where}ping -c 1 -W 2 ${address}`);
  assert.equal(result.exitCode, 0, `${host.name}: ${namespace ?? 'host'} → ${address}: ${result.stdout}${result.stderr}`);
}

export async function cannotPing(host: TestHost, namespace: string | null, address: string): Promise<void> {
  const where = namespace ? `ip netns exec ${namespace} ` : '';
  const result = await host.sh(`${where}ping -c 1 -W 1 ${address}`);
  assert.notEqual(result.exitCode, 0, `${host.name}: ${namespace ?? 'host'} → ${address} should not answer`);
}

/** A ping from a namespace to the LAN peer must arrive from the host's LAN address: masqueraded. */
export async function pingPeerMasqueraded(bed: Testbed, host: TestHost, namespace: string): Promise<void> {
  const capture = bed.peer.spawn(`timeout 8 tcpdump -l -n -i lan0 -c 1 'icmp[icmptype] = icmp-echo and dst host ${host.peer}' 2>/dev/null`);
  let seen = '';
  capture.stdout?.on('data', (chunk: Buffer) => { seen += chunk.toString(); });
  const closed = new Promise<void>((resolve) => capture.on('close', () => resolve()));
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    await ping(host, namespace, host.peer);
    await closed;
    assert.match(seen, new RegExp(`IP ${host.ip.replace(/\./g, '\\.')} > ${host.peer.replace(/\./g, '\\.')}: ICMP echo request`), `the echo request leaves ${host.name} from its own LAN address: ${seen}`);
  } finally {
    capture.kill('SIGKILL');
  }
}

/** TCP from the LAN peer to host:port must reach a listener in the namespace on its port (DNAT). */
export async function tcpFromPeerReaches(bed: Testbed, host: TestHost, port: number, namespace: string, innerPort: number): Promise<void> {
  const file = `/run/vnet-test-${randomBytes(4).toString('hex')}`;
  await host.mustSh(`(setsid timeout 15 ip netns exec ${namespace} nc -l -p ${innerPort} > ${file} 2>/dev/null </dev/null &) ; sleep 0.3`);
  const word = `hello-${randomBytes(3).toString('hex')}`;
  let sent = { exitCode: 1, stdout: '', stderr: '' };
  for (let attempt = 0; attempt < 20 && sent.exitCode !== 0; attempt++) {
    sent = await bed.peer.sh(`printf '%s\\n' ${word} | nc -q 1 -w 2 ${host.ip} ${port}`);
    if (sent.exitCode !== 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(sent.exitCode, 0, `the LAN peer connects to ${host.ip}:${port}: ${sent.stderr}`);
  let got = '';
  for (let attempt = 0; attempt < 20 && !got.includes(word); attempt++) {
    got = (await host.sh(`cat ${file} 2>/dev/null`)).stdout;
    if (!got.includes(word)) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(got.includes(word), `the listener in ${namespace} on port ${innerPort} received what the peer sent to ${host.ip}:${port}`);
}

/** The traffic each scenario of shared/scenarios.md promises, checked for real. */
export async function checkConnectivity(id: string, bed: Testbed, hosts: TestHost[]): Promise<void> {
  const [h] = hosts;
  switch (id) {
    case 'A':
      // As the tutorial builds it only these work: veth1 and br0 share 172.16.0.0/24 in the host, and
      // the host answers that subnet through veth1, whose address came first.
      await ping(h, 'netns1', '172.16.0.1');
      await ping(h, null, '172.16.0.2');
      await ping(h, 'netns2', '172.16.0.103');
      await ping(h, 'netns3', '172.16.0.102');
      await cannotPing(h, 'netns2', h.peer);
      return;
    case 'B':
      await ping(h, 'red', '192.168.15.2');
      await ping(h, null, '192.168.15.2');
      await pingPeerMasqueraded(bed, h, 'blue');
      await tcpFromPeerReaches(bed, h, 80, 'blue', 80);
      return;
    case 'C':
      await ping(h, 'net1', '192.168.0.1');
      await pingPeerMasqueraded(bed, h, 'net1');
      await tcpFromPeerReaches(bed, h, 8088, 'net1', 80);
      return;
    case 'D':
      await ping(h, 'ns1', '192.168.1.2');
      await ping(h, 'ns2', '192.168.1.1');
      return;
    case 'E':
      for (const [from, to] of [[1, 2], [1, 3], [2, 3], [3, 1]]) await ping(h, `ns${from}`, `192.168.1.${to}`);
      return;
    case 'F':
      await ping(h, 'ns1', '192.168.2.2');
      await ping(h, 'ns2', '192.168.1.2');
      return;
    case 'G': {
      const [a, b] = hosts;
      await ping(a, 'ns1', '192.168.2.2');
      await ping(b, 'ns2', '192.168.1.2');
      const trace = await a.sh('ip netns exec ns1 traceroute -n -w 1 -q 1 192.168.2.2 2>/dev/null || ip netns exec ns1 ip route get 192.168.2.2');
      assert.match(trace.stdout, /192\.168\.1\.1/, `a's ns1 reaches b's ns1 through 192.168.1.1: ${trace.stdout}`);
      const hop = await a.sh('ip route get 192.168.2.2');
      assert.match(hop.stdout, /via 10\.0\.2\.16/, `host a sends it through 10.0.2.16: ${hop.stdout}`);
      return;
    }
    case 'H':
      await ping(h, 'myns', '10.85.0.1');
      await ping(h, 'myns', '127.0.0.1');
      await pingPeerMasqueraded(bed, h, 'myns');
      return;
    default:
      throw new Error(`no connectivity check for scenario ${id}`);
  }
}
