// A Topology as a readable tree of text (`vnet show`). Pure. Names come from hosts, so every one goes
// through printable(): a name can never move the cursor or colour a terminal.

import { holderLabel } from './namespace-label';
import { printable } from './names';
import { interfaceKindName } from './interface-kinds';
import { natRuleBody } from './nat-wording';
import { describeRoute } from './route';
import type { Namespace, NatRule, NetInterface, Topology } from './topology';

interface Node {
  label: string;
  children: Node[];
}

const node = (label: string, children: Node[] = []): Node => ({ label, children });

function describeInterface(iface: NetInterface): string {
  const parts = [printable(iface.name), printable(interfaceKindName(iface)), iface.state];
  if (iface.state === 'up' && iface.operstate && iface.operstate !== 'UP' && iface.operstate !== 'UNKNOWN') parts.push(`(${iface.operstate.toLowerCase()})`);
  if (iface.addresses.length) parts.push(iface.addresses.join(' '));
  if (iface.peer) {
    // place:ifname as in .vnet files; a place that itself holds ":" or blanks is quoted to stay readable.
    const place = /[:\s"]/.test(iface.peer.namespace) ? JSON.stringify(iface.peer.namespace) : iface.peer.namespace;
    parts.push(`⇄ ${printable(place)}:${printable(iface.peer.interface)}`);
  }
  if (iface.master) parts.push(`on ${printable(iface.master)}`);
  if (iface.mtu !== null && iface.mtu !== 1500 && iface.kind !== 'loopback') parts.push(`mtu ${iface.mtu}`);
  if (iface.owner) parts.push(`[lab ${printable(iface.owner)}]`);
  return parts.join('  ');
}

function describeRule(rule: NatRule): string {
  return `${printable(rule.chain)}  ${printable(natRuleBody(rule))}${rule.backend === 'legacy' ? '  (legacy)' : ''}`;
}

function namespaceNode(ns: Namespace): Node {
  const facts = [ns.root ? 'root' : ns.anonymous ? 'anonymous' : null, `forwarding ${ns.forwarding ? 'on' : 'off'}`];
  if (ns.forwardPolicy && ns.forwardPolicy !== 'ACCEPT') facts.push(`FORWARD ${ns.forwardPolicy}`);
  if (ns.owner) facts.push(`lab ${printable(ns.owner)}`);
  if (ns.holder) facts.push(printable(holderLabel(ns.holder)));
  const title = `${ns.root ? 'host' : printable(ns.name)}  (${facts.filter(Boolean).join(', ')})`;
  const children: Node[] = [];
  const ports = (bridge: string) => ns.interfaces.filter((i) => i.master === bridge).map((i) => printable(i.name));
  for (const iface of ns.interfaces) {
    const portList = iface.kind === 'bridge' ? ports(iface.name) : [];
    children.push(node(describeInterface(iface), portList.length ? [node(`ports: ${portList.join(', ')}`)] : []));
  }
  if (ns.routes.length) children.push(node('routes', ns.routes.map((r) => node(printable(describeRoute(r))))));
  if (ns.nat.length || ns.natChains.length) {
    const chains = ns.natChains.length ? [node(`user chains: ${ns.natChains.map(printable).join(', ')}`)] : [];
    children.push(node('nat', [...chains, ...ns.nat.map((r) => node(describeRule(r)))]));
  }
  return node(title, children);
}

function render(n: Node, prefix: string, last: boolean, root: boolean, out: string[]): void {
  out.push(root ? n.label : `${prefix}${last ? '└─ ' : '├─ '}${n.label}`);
  const childPrefix = root ? '' : `${prefix}${last ? '   ' : '│  '}`;
  n.children.forEach((child, i) => render(child, childPrefix, i === n.children.length - 1, false, out));
}

export function renderTopologyTree(topology: Topology): string {
  const tree = node(`${printable(topology.host)}  (${topology.namespaces.length} namespace${topology.namespaces.length === 1 ? '' : 's'})`,
    topology.namespaces.map(namespaceNode));
  const out: string[] = [];
  render(tree, '', true, true, out);
  for (const warning of topology.warnings ?? []) out.push(`warning: ${printable(warning)}`);
  return `${out.join('\n')}\n`;
}
