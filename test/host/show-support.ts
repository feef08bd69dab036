// Shared by the show/watch/transport host tests: run the built `vnet` against a testbed host, and compare
// what it reports with what a scenario says exactly.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { natRuleKey, parseNatRule } from '../../src/model/nat';
import { findNamespace, type Namespace, type Topology } from '../../src/model/topology';
import { run, type RunResult } from '../testbed/run';
import type { TestHost } from '../testbed/testbed';

export const CLI = join(__dirname, '../../dist/cli.js');

export function assertBuilt(): void {
  if (!existsSync(CLI)) throw new Error('dist/cli.js is missing: run "npm run build" before the host tests.');
}

/** `vnet show --json` against a testbed host over real ssh. */
export async function showJson(host: TestHost, extra: string[] = []): Promise<Topology> {
  const result = await vnet(['show', '--json', ...host.vnetArgs, ...extra]);
  assert.equal(result.exitCode, 0, `vnet show failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Topology;
}

export function vnet(args: string[], timeoutMs = 90_000): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { timeoutMs });
}

/** vnet arguments for a host with our own ssh options first: OpenSSH keeps the first value of each. */
export function argsWith(host: TestHost, first: Record<string, string>, target = host.target): string[] {
  const options = { ...host.sshOptions };
  for (const key of Object.keys(first)) delete options[key];
  return ['--host', target, ...Object.entries({ ...first, ...options }).flatMap(([k, v]) => ['--ssh-option', `${k}=${v}`])];
}

export interface ExpectedInterface {
  kind: string;
  addresses?: string[];
  master?: string | null;
  /** `namespace:interface`, or null. */
  peer?: string | null;
  state?: 'up' | 'down';
}

export interface ExpectedHost {
  /** Namespaces besides the root one. */
  namespaces: string[];
  /** Interfaces per namespace, lo and the host's LAN eth0 left out (they are checked on their own). */
  interfaces: Record<string, Record<string, ExpectedInterface>>;
  /** Routes per namespace; a namespace not listed has none. */
  routes?: Record<string, { to: string; via: string | null; dev: string | null }[]>;
  /** Namespaces with forwarding on; all others must have it off. */
  forwarding?: string[];
  /** NAT rules per namespace as the tutorial types them; a namespace not listed has none. */
  nat?: Record<string, string[]>;
  natChains?: Record<string, string[]>;
  forwardPolicy?: Record<string, 'ACCEPT' | 'DROP'>;
}

function ns(topology: Topology, name: string): Namespace {
  const found = findNamespace(topology, name);
  assert.ok(found, `namespace "${name}" is reported (have: ${topology.namespaces.map((n) => n.name).join(', ')})`);
  return found;
}

/** Asserts that the topology holds exactly what `expected` says: no more namespaces, links, routes or rules. */
export function assertExactly(topology: Topology, expected: ExpectedHost, lanAddress: string): void {
  assert.deepEqual(topology.namespaces.map((n) => n.name).sort(), ['host', ...expected.namespaces].sort(), 'namespaces');
  const root = ns(topology, 'host');
  assert.equal(root.root, true);
  assert.deepEqual(root.interfaces.find((i) => i.name === 'eth0')?.addresses, [lanAddress], 'the LAN address');
  for (const namespace of topology.namespaces) {
    assert.equal(namespace.anonymous, undefined, `${namespace.name} has a name`);
    const wanted = expected.interfaces[namespace.name] ?? {};
    const seen = namespace.interfaces.filter((i) => i.name !== 'lo' && !(namespace.root && i.name === 'eth0'));
    assert.deepEqual(seen.map((i) => i.name).sort(), Object.keys(wanted).sort(), `interfaces of ${namespace.name}`);
    assert.ok(namespace.interfaces.some((i) => i.name === 'lo' && i.kind === 'loopback'), `${namespace.name} has lo`);
    for (const iface of seen) {
      const want = wanted[iface.name];
      const where = `${namespace.name}:${iface.name}`;
      assert.equal(iface.kind, want.kind, `${where} kind`);
      assert.deepEqual(iface.addresses, want.addresses ?? [], `${where} addresses`);
      assert.equal(iface.master, want.master ?? null, `${where} master`);
      assert.equal(iface.peer ? `${iface.peer.namespace}:${iface.peer.interface}` : null, want.peer ?? null, `${where} peer`);
      assert.equal(iface.state, want.state ?? 'up', `${where} state`);
    }
    const routes = namespace.routes.map(({ to, via, dev }) => ({ to, via, dev }));
    assert.deepEqual(routes, expected.routes?.[namespace.name] ?? [], `routes of ${namespace.name}`);
    assert.equal(namespace.forwarding, (expected.forwarding ?? []).includes(namespace.name), `forwarding of ${namespace.name}`);
    const rules = (expected.nat?.[namespace.name] ?? []).map((typed) => {
      const parsed = parseNatRule(typed);
      assert.ok(parsed, `expected rule parses: ${typed}`);
      return natRuleKey(parsed);
    });
    assert.deepEqual(namespace.nat.map((r) => natRuleKey(r)), rules, `NAT rules of ${namespace.name}`);
    assert.deepEqual(namespace.natChains, expected.natChains?.[namespace.name] ?? [], `NAT chains of ${namespace.name}`);
    if (expected.forwardPolicy?.[namespace.name]) assert.equal(namespace.forwardPolicy, expected.forwardPolicy[namespace.name]);
  }
}

/**
 * A Topology's namespaces without the interfaces' operational state, for comparing two reads taken moments
 * apart: a bridge's operstate may move on between them (UNKNOWN, then UP or DOWN as its ports settle).
 */
export function namespacesBesideOperstate(topology: Topology): Namespace[] {
  return topology.namespaces.map((ns) => ({
    ...ns, interfaces: ns.interfaces.map(({ operstate: _operstate, ...iface }) => iface),
  }));
}
