// "Trace to…" on a namespace or interface row of the Hosts tree: quick picks for the destination and the
// protocol, then the trace drawn on the host's topology panel. From an interface row the packet is sent
// from that interface's address (its namespace sends from it).

import { VnetError } from '../model/errors';
import type { Topology } from '../model/topology';
import { trace, type TraceQuestion } from '../trace/index';
import { pickTraceQuestion } from './topology/trace-picks';
import type { TreeNode } from './tree-model';
import type { Prompter } from './ui';

export interface TraceToHost {
  /** The host's network as the session holds it. */
  read(destination: string): Promise<Topology>;
  /** Opens (or reveals) the host's topology panel with the trace drawn on it. */
  showTrace(destination: string, question: TraceQuestion): Promise<void>;
}

function addressOf(topology: Topology, namespace: string, iface: string): string | null {
  const found = topology.namespaces.find((n) => n.name === namespace)?.interfaces.find((i) => i.name === iface);
  const cidr = found?.addresses[0];
  return cidr ? cidr.split('/')[0] : null;
}

/** The question a tree row starts: from its namespace, or from its interface's address. */
export function traceSourceOf(node: TreeNode, topology: Topology): string {
  if (!node.namespace) throw new VnetError('VN-USAGE-TRACE', 'Trace to… starts at a namespace or an interface: run it on one of their rows in the Hosts view.');
  if (!topology.namespaces.some((n) => n.name === node.namespace)) {
    throw new VnetError('VN-USAGE-TRACE', `${node.namespace} is no longer on ${node.host}. Refresh the Hosts view and try again.`);
  }
  return (node.kind === 'interface' && node.interfaceName ? addressOf(topology, node.namespace, node.interfaceName) : null) ?? node.namespace;
}

export async function traceToFromTree(host: TraceToHost, prompter: Prompter, arg: unknown): Promise<void> {
  const node = arg as TreeNode | undefined;
  if (!node || typeof node.host !== 'string') throw new VnetError('VN-USAGE-TRACE', 'Trace to… starts at a namespace or an interface: run it on one of their rows in the Hosts view.');
  const topology = await host.read(node.host);
  const question = await pickTraceQuestion(prompter, topology, traceSourceOf(node, topology));
  if (!question) return;
  // Traced once here so that a question the network cannot answer is said now, as this command's failure.
  trace(topology, question);
  await host.showTrace(node.host, question);
}
