// Shared by the tests against software nobody here wrote (real-docker, real-cni): what the tools themselves
// report in a testbed host (iptables-save, sysctls, ip), and the check that a lab applied beside them leaves
// every rule of theirs untouched.

import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Namespace, Topology } from '../../src/model/topology';
import type { TestHost } from '../testbed/testbed';
import { vnet } from './show-support';

/** One table of `iptables-save`: chains with their policy (null for user chains) and `-A` lines in order. */
export interface SavedTable {
  chains: Map<string, string | null>;
  rules: string[];
}

/** Parses `iptables-save` output into its tables. */
export function parseIptablesSave(text: string): Map<string, SavedTable> {
  const tables = new Map<string, SavedTable>();
  let current: SavedTable | null = null;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      current = { chains: new Map(), rules: [] };
      tables.set(line.slice(1), current);
    } else if (current && line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(' ');
      current.chains.set(name, policy === '-' ? null : policy);
    } else if (current && line.startsWith('-A ')) {
      current.rules.push(line);
    }
  }
  return tables;
}

/** Rules grouped by chain, each chain's in order: show and iptables-save may list chains in another order. */
export function byChain(rules: string[]): Record<string, string[]> {
  const chains: Record<string, string[]> = {};
  for (const rule of rules) (chains[rule.split(' ')[1]] ??= []).push(rule);
  return chains;
}

export function userChains(table: SavedTable): string[] {
  return [...table.chains].filter(([, policy]) => policy === null).map(([name]) => name);
}

/** `iptables-save` of the host (or of a namespace of it, by path), parsed. */
export async function iptablesSave(host: TestHost, netnsPath?: string): Promise<Map<string, SavedTable>> {
  const enter = netnsPath ? `nsenter --net=${netnsPath} ` : '';
  return parseIptablesSave(await host.mustSh(`${enter}iptables-save`));
}

/** A sysctl as the host's kernel reports it, or null where it does not exist (e.g. br_netfilter not loaded). */
export async function sysctl(host: TestHost, path: string): Promise<string | null> {
  const result = await host.sh(`cat /proc/sys/${path}`);
  return result.exitCode === 0 ? result.stdout.trim() : null;
}

/** Asserts that the probe read a field, then checks it. */
export async function mustRead<K extends keyof Namespace>(
  namespace: Namespace, field: K, check: (value: NonNullable<Namespace[K]>) => void | Promise<void>,
): Promise<void> {
  const value = namespace[field];
  assert.ok(value !== undefined && value !== null, `Namespace.${String(field)} of ${namespace.name} is read`);
  await check(value as NonNullable<Namespace[K]>);
}

export function rootOf(topology: Topology): Namespace {
  const root = topology.namespaces.find((ns) => ns.root);
  assert.ok(root, 'the root namespace is reported');
  return root;
}

/** Every iptables rule and chain of the host, both backends, IPv4 and IPv6, minus one lab's own (by its comment). */
export async function foreignRules(host: TestHost, lab: string): Promise<string> {
  const dump = await host.mustSh([
    'for save in iptables-save ip6tables-save iptables-legacy-save ip6tables-legacy-save; do',
    '  command -v $save >/dev/null || continue',
    '  echo "## $save"; $save',
    'done',
  ].join('\n'));
  const mark = `vnet:${lab}`;
  return dump.split('\n')
    .filter((line) => !line.startsWith('#') || line.startsWith('## '))
    .filter((line) => !line.includes(mark))
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');
}

export const BESIDE_LAB = 'beside';

/** One namespace on its own bridge with a masquerade: the smallest lab that writes links, routes and a rule. */
const BESIDE_TEXT = `lab ${BESIDE_LAB}

host {
  forwarding on
  bridge vbr0 { address 10.123.0.1/24 }
  nat masquerade src 10.123.0.0/24 not-out vbr0
}

namespace lab1 {
  address v1-peer 10.123.0.2/24
  route default via 10.123.0.1
}

veth vbr0:v1 -- lab1:v1-peer
`;

/** Every iptables rule beside the lab's own is the same before, during and after it (see assertLabBeside). */
export async function assertLabBesideLeavesRules(host: TestHost): Promise<void> {
  await assertLabBeside(host, () => foreignRules(host, BESIDE_LAB), 'every rule not its own');
  assert.equal((await host.mustSh(`iptables-save | grep -c -- 'vnet:${BESIDE_LAB}' || true`)).trim(), '0', 'destroy removed the lab\'s rules');
}

/**
 * Applies the tiny lab beside whatever runs on the host, then destroys it, and asserts that `snapshot`
 * (what the other software wrote) reads the same before, during and after.
 */
export async function assertLabBeside(host: TestHost, snapshot: () => Promise<string>, what: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-real-'));
  try {
    const file = join(dir, `${BESIDE_LAB}.vnet`);
    await writeFile(file, BESIDE_TEXT);
    const before = await snapshot();
    const applied = await vnet(['apply', file, ...host.vnetArgs, '--yes']);
    assert.equal(applied.exitCode, 0, `apply: ${applied.stdout}\n${applied.stderr}`);
    const labRules = await host.mustSh(`iptables-save -t nat | grep -c -- 'vnet:${BESIDE_LAB}' || true`);
    assert.ok(Number(labRules.trim()) >= 1, 'the lab wrote its own masquerade rule');
    assert.equal(await snapshot(), before, `apply leaves ${what} untouched`);
    const destroyed = await vnet(['destroy', file, ...host.vnetArgs, '--yes']);
    assert.equal(destroyed.exitCode, 0, `destroy: ${destroyed.stdout}\n${destroyed.stderr}`);
    assert.equal(await snapshot(), before, `destroy leaves ${what} untouched`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
