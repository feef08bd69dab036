// Shared by the trace accuracy gate (trace-gate, trace-real): a host read once by the probe, the trace of
// every check on it (in-process, so a variant costs one probe), and the same checks as real traffic, all
// of one host's at once: ICMP as `ping -c1 -W1` from inside the source namespace, TCP as a connect from the
// LAN peer to a short-lived listener in the namespace where the port should land. Every process it starts
// is bounded in time and ended by its id. Traffic goes only to testbed addresses.

import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import type { Transport } from '../../src/host/transport';
import { shellQuote } from '../../src/model/shell';
import type { Lab, Topology } from '../../src/model/topology';
import { trace, type TraceResult } from '../../src/trace/index';
import type { Testbed, TestHost } from '../testbed/testbed';

/** One question asked of both the trace and the real network. */
export interface Check {
  /** `host`, a namespace, `HOST/NS` in a lab; or `peer` (the LAN peer, for a published port). */
  from: string;
  /** A namespace name, an address, or `peer` (the LAN peer's address). */
  to: string;
  protocol: 'icmp' | 'tcp';
  port: number | null;
  /** For TCP: the namespace and port where the connection should land (the listener goes there). */
  lands?: { namespace: string; port: number };
  /** For TCP: something already listens there (a container's server): start no listener. */
  listening?: boolean;
  /** Where the real packet is sent from, when `from` is an address: a netns path (a container's). */
  sendsFrom?: string;
}

/** A testbed host as the gate uses it: its name in the lab (or `host`), and a transport for the probe. */
export interface GateHost {
  name: string;
  host: TestHost;
  transport: Transport;
}

export function gateHost(name: string, host: TestHost): GateHost {
  return { name, host, transport: createTransport(host.target, { sshOptions: host.sshOptions }) };
}

/** The network as the probe reads it: one host's Topology, or a lab of several. */
export async function probeNetwork(hosts: readonly GateHost[]): Promise<Topology | Lab> {
  const topologies = await Promise.all(hosts.map((h) => probeHost(h.transport, { timeoutMs: 60_000 })));
  if (hosts.length === 1) return topologies[0];
  return { name: 'gate', hosts: hosts.map((h, i) => ({ name: h.name, target: null, topology: topologies[i] })) };
}

/** Every node: the host and its namespaces (`HOST/NS` in a lab). */
export function nodesOf(network: Topology | Lab): string[] {
  if ('namespaces' in network) return network.namespaces.map((n) => n.name);
  return network.hosts.flatMap((h) => h.topology.namespaces.map((n) => `${h.name}/${n.name}`));
}

export function orderedPairs(nodes: readonly string[]): [string, string][] {
  return nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to): [string, string] => [from, to]));
}

/** Where a node runs its traffic: which gate host, and which namespace (null for the root one). */
function placeOf(hosts: readonly GateHost[], node: string): { gate: GateHost; namespace: string | null } {
  const slash = node.indexOf('/');
  const [hostName, ns] = hosts.length > 1 && slash > 0 ? [node.slice(0, slash), node.slice(slash + 1)] : [hosts[0].name, node];
  const gate = hosts.find((h) => h.name === hostName);
  if (!gate) throw new Error(`no gate host ${hostName}`);
  return { gate, namespace: ns === 'host' ? null : ns };
}

/** A command run in a namespace: by name (`ip netns exec`), or by the path of its bind mount (`nsenter`). */
function inside(namespace: string | null, command: string): string {
  if (namespace === null) return command;
  return namespace.startsWith('/') ? `nsenter --net=${shellQuote(namespace)} ${command}` : `ip netns exec ${shellQuote(namespace)} ${command}`;
}

/** ICMP checks of one host, all at once; true where the echo reply came back within a second. */
async function pingAll(gate: GateHost, checks: { namespace: string | null; address: string }[], waitSeconds: number): Promise<boolean[]> {
  if (!checks.length) return [];
  const lines = checks.map((c, i) => `( ${inside(c.namespace, `ping -n -c1 -W${waitSeconds} ${shellQuote(c.address)}`)} >/dev/null 2>&1; echo "${i} $?" ) &`);
  const result = await gate.host.direct(`${lines.join('\n')}\nwait\n`, { timeoutMs: 30_000 });
  const codes = new Map(result.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ').map(Number) as [number, number]));
  return checks.map((_, i) => {
    if (!codes.has(i)) throw new Error(`ping ${i} did not run on ${gate.name}: ${result.stderr}`);
    return codes.get(i) === 0;
  });
}

/**
 * TCP checks from the LAN peer: a listener (busybox nc, ended by its id, bounded by `timeout`) in each
 * landing namespace, confirmed listening before the peer connects; true where the connection opened.
 */
async function connectAll(bed: Testbed, hosts: readonly GateHost[], checks: { gate: GateHost; address: string; port: number; lands: { namespace: string; port: number }; listening: boolean }[]): Promise<boolean[]> {
  if (!checks.length) return [];
  const pids: { gate: GateHost; pid: string }[] = [];
  try {
    for (const c of checks.filter((check) => !check.listening)) {
      const ns = c.lands.namespace === 'host' ? null : c.lands.namespace;
      const port = String(c.lands.port);
      const started = await c.gate.host.direct(`${inside(ns, `timeout 20 busybox nc -l -p ${port}`)} </dev/null >/dev/null 2>&1 &
echo "pid $!"
i=0; while [ $i -lt 40 ]; do ${inside(ns, `ss -Hltn sport = :${port}`)} | grep -q . && { echo listening; break; }; sleep 0.05; i=$((i+1)); done
`, { timeoutMs: 10_000 });
      const pid = /pid (\d+)/.exec(started.stdout)?.[1];
      if (pid) pids.push({ gate: c.gate, pid });
      if (!started.stdout.includes('listening')) throw new Error(`no listener on ${c.lands.namespace}:${port}: ${started.stderr}`);
    }
    const lines = checks.map((c, i) => `( nc -z -w 1 ${shellQuote(c.address)} ${c.port} >/dev/null 2>&1; echo "${i} $?" ) &`);
    const result = await bed.peer.sh(`${lines.join('\n')}\nwait\n`, { timeoutMs: 30_000 });
    const codes = new Map(result.stdout.trim().split('\n').filter(Boolean).map((l) => l.split(' ').map(Number) as [number, number]));
    return checks.map((_, i) => codes.get(i) === 0);
  } finally {
    for (const host of hosts) {
      const mine = pids.filter((p) => p.gate === host).map((p) => p.pid);
      if (mine.length) await host.host.direct(`kill ${mine.join(' ')} 2>/dev/null; true`);
    }
  }
}

export interface Compared {
  check: Check;
  verdict: TraceResult;
  real: boolean;
}

/** The LAN peer's address as the first host sees it. */
function peerAddress(hosts: readonly GateHost[]): string {
  return hosts[0].host.peer;
}

function traced(network: Topology | Lab, hosts: readonly GateHost[], check: Check): TraceResult {
  const from = check.from === 'peer' ? peerAddress(hosts) : check.from;
  const to = check.to === 'peer' ? peerAddress(hosts) : check.to;
  return trace(network, { from, to, protocol: check.protocol, port: check.port });
}

/** Traces every check on the network as read, then sends the real traffic; the pairs of answers. */
export async function compareChecks(bed: Testbed, hosts: readonly GateHost[], network: Topology | Lab, checks: readonly Check[]): Promise<Compared[]> {
  const verdicts = checks.map((check) => traced(network, hosts, check));
  const real = new Array<boolean>(checks.length).fill(false);
  const icmp = checks.map((c, i) => ({ c, i })).filter(({ c }) => c.protocol === 'icmp');
  const tcp = checks.map((c, i) => ({ c, i })).filter(({ c }) => c.protocol === 'tcp');
  const pingsOf = async (waitSeconds: number, which: { c: Check; i: number }[]) => Promise.all(hosts.map(async (gate) => {
    const mine = which.filter(({ c }) => placeOf(hosts, c.from).gate === gate);
    const answers = await pingAll(gate, mine.map(({ c, i }) => ({ namespace: c.sendsFrom ?? placeOf(hosts, c.from).namespace, address: verdicts[i].question.toAddress })), waitSeconds);
    mine.forEach(({ i }, k) => { real[i] = answers[k]; });
  }));
  const connects = async () => {
    const answers = await connectAll(bed, hosts, tcp.map(({ c, i }) => ({ gate: hosts[0], address: verdicts[i].question.toAddress, port: c.port!, lands: c.lands!, listening: c.listening ?? false })));
    tcp.forEach(({ i }, k) => { real[i] = answers[k]; });
  };
  await Promise.all([pingsOf(1, icmp), connects()]);
  // A lost echo on a loaded machine is not a verdict: where the trace says it gets through and the one
  // ping did not, ask again with more patience before calling it a disagreement.
  const unsure = icmp.filter(({ i }) => verdicts[i].reachable && !real[i]);
  if (unsure.length) await pingsOf(3, unsure);
  return checks.map((check, i) => ({ check, verdict: verdicts[i], real: real[i] }));
}

/** Uncertainty that is honest here: what the outside network does with a reply is not in any model. */
const UNKNOWABLE = /assumed nothing outside the host routes the reply back/;

export function describeVerdict(verdict: TraceResult): string {
  const what = verdict.reachable
    ? `reachable${verdict.deliveredTo ? ` (lands in ${verdict.deliveredTo.namespace} ${verdict.deliveredTo.address}${verdict.deliveredTo.port !== null ? `:${verdict.deliveredTo.port}` : ''})` : ''}`
    : verdict.drop ? `dropped${verdict.drop.direction === 'reply' ? ' on the way back' : ''} in ${verdict.drop.host}/${verdict.drop.namespace}: ${verdict.drop.reason}` : 'not reachable';
  return `${what}${verdict.uncertain ? ` (uncertain: ${verdict.assumptions.map((a) => `${a.rule} → ${a.assumed}`).join('; ')})` : ''}`;
}

/** Where the trace and the real traffic disagree, or the trace is unsure where it could know; one line each. */
export function disagreements(label: string, compared: readonly Compared[]): string[] {
  const lines: string[] = [];
  for (const { check, verdict, real } of compared) {
    const what = `${label}: ${check.protocol}${check.port !== null ? ` ${check.port}` : ''} ${check.from} → ${check.to} (${verdict.question.toAddress})`;
    const unknowable = verdict.assumptions.every((a) => UNKNOWABLE.test(a.assumed));
    if (verdict.reachable !== real) lines.push(`${what}: real traffic ${real ? 'gets through' : 'does not'}, the trace says ${describeVerdict(verdict)}`);
    else if (verdict.uncertain && !unknowable) lines.push(`${what}: agrees (${real ? 'through' : 'not through'}), but uncertain where it could know: ${describeVerdict(verdict)}`);
    else if (real && check.lands && verdict.deliveredTo?.namespace !== check.lands.namespace) lines.push(`${what}: lands in ${check.lands.namespace}, the trace says ${describeVerdict(verdict)}`);
  }
  return lines;
}

/** A node's IPv4 addresses, lo's left out, in the probe's order (the first is what the node's name means). */
function addressesOf(network: Topology | Lab, node: string): string[] {
  const slash = node.indexOf('/');
  const [topology, name] = 'namespaces' in network ? [network, node] : [network.hosts.find((h) => h.name === node.slice(0, slash))!.topology, node.slice(slash + 1)];
  const ns = topology.namespaces.find((n) => n.name === name)!;
  return ns.interfaces.filter((i) => i.kind !== 'loopback').flatMap((i) => i.addresses).filter((a) => !a.includes(':')).map((a) => a.split('/')[0]);
}

/**
 * ICMP between every ordered pair of nodes (to the node by name, meaning its first address, and to each
 * of its other addresses), and from each node to the LAN peer.
 */
export function icmpChecks(network: Topology | Lab): Check[] {
  const nodes = nodesOf(network);
  return [
    ...orderedPairs(nodes).flatMap(([from, to]): Check[] => [
      { from, to, protocol: 'icmp', port: null },
      ...addressesOf(network, to).slice(1).map((address): Check => ({ from, to: address, protocol: 'icmp', port: null })),
    ]),
    ...nodes.map((from): Check => ({ from, to: 'peer', protocol: 'icmp', port: null })),
  ];
}
