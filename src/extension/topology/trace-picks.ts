// What a person picks to trace a packet on a diagram: a source (unless "Trace from here…" gave it), a
// destination and a protocol. The choices come from the network the panel shows; free addresses and ports
// are checked as they are typed. Free of vscode: it asks through a Prompter (VS Code's, or a test's script).

import { parseIp } from '../../model/cidr';
import { validSinglePort } from '../../model/ports';
import type { Lab, Namespace, Topology } from '../../model/topology';
import type { TraceQuestion } from '../../trace/types';
import { iconSafe } from '../text-safety';
import type { PickItem, Prompter } from '../ui';

/** A namespace a trace can start or end at, named the way `vnet trace` takes it. */
export interface TraceEndpoint {
  /** `red`, `host`, or `HOST/NS` in a lab of several hosts. */
  name: string;
  /** Its first address that is not on lo, or null when it has none. */
  address: string | null;
}

const ANOTHER_ADDRESS = Symbol('another address');

function firstAddress(ns: Namespace): string | null {
  for (const iface of ns.interfaces) {
    if (iface.kind === 'loopback') continue;
    const cidr = iface.addresses[0];
    if (cidr) return cidr.slice(0, cidr.indexOf('/') < 0 ? undefined : cidr.indexOf('/'));
  }
  return null;
}

/** Every namespace of the network, in the order the network lists them. */
export function traceEndpoints(network: Topology | Lab): TraceEndpoint[] {
  if ('namespaces' in network) return network.namespaces.map((ns) => ({ name: ns.name, address: firstAddress(ns) }));
  const several = network.hosts.length > 1;
  return network.hosts.flatMap((host) => host.topology.namespaces.map((ns) => ({
    name: several ? `${host.name}/${ns.name}` : ns.name, address: firstAddress(ns),
  })));
}

/** The name a diagram element's namespace has in a trace question. */
export function endpointName(network: Topology | Lab, host: string, namespace: string): string {
  return 'hosts' in network && network.hosts.length > 1 ? `${host}/${namespace}` : namespace;
}

function validAddress(text: string): string | undefined {
  return parseIp(text.trim()) ? undefined : 'An IPv4 or IPv6 address, e.g. 10.0.1.26.';
}

function validPort(text: string): string | undefined {
  return validSinglePort(text.trim()) ? undefined : 'A port from 1 to 65535.';
}

async function pickEndpoint(prompter: Prompter, endpoints: readonly TraceEndpoint[], title: string, placeholder: string, needsAddress: boolean, except?: string): Promise<string | undefined> {
  const items: PickItem<string | typeof ANOTHER_ADDRESS>[] = endpoints
    .filter((e) => e.name !== except && (!needsAddress || e.address !== null))
    .map((e) => ({ label: iconSafe(e.name), description: e.address ?? 'no address', value: e.name }));
  items.push({ label: 'An address…', description: 'one outside the host, or any address', value: ANOTHER_ADDRESS });
  const picked = await prompter.pick(items, { title, placeholder });
  if (picked !== ANOTHER_ADDRESS) return picked;
  const typed = await prompter.input({ title, prompt: 'The address', placeholder: '10.0.1.26', validate: validAddress });
  return typed?.trim();
}

async function pickProtocol(prompter: Prompter, title: string): Promise<Pick<TraceQuestion, 'protocol' | 'port'> | undefined> {
  const protocol = await prompter.pick<TraceQuestion['protocol']>([
    { label: 'ICMP', description: 'an echo request (ping)', value: 'icmp' },
    { label: 'TCP…', description: 'a connection to a port', value: 'tcp' },
    { label: 'UDP…', description: 'a datagram to a port', value: 'udp' },
  ], { title, placeholder: 'Which protocol?' });
  if (!protocol) return undefined;
  if (protocol === 'icmp') return { protocol, port: null };
  const port = await prompter.input({ title, prompt: `The ${protocol.toUpperCase()} port`, placeholder: '80', validate: validPort });
  return port === undefined ? undefined : { protocol, port: Number(port.trim()) };
}

/** Asks for what `from` (when not given), the destination and the protocol; undefined when dismissed. */
export async function pickTraceQuestion(prompter: Prompter, network: Topology | Lab, from: string | null): Promise<TraceQuestion | undefined> {
  const endpoints = traceEndpoints(network);
  const source = from ?? await pickEndpoint(prompter, endpoints, 'Trace', 'From which namespace?', false);
  if (!source) return undefined;
  const title = `Trace from ${iconSafe(source)}`;
  const to = await pickEndpoint(prompter, endpoints, title, 'To which namespace or address?', true, source);
  if (!to) return undefined;
  const protocol = await pickProtocol(prompter, `${title} to ${iconSafe(to)}`);
  return protocol ? { from: source, to, ...protocol } : undefined;
}
