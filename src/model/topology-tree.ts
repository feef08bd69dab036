// A Topology as a readable tree of text (`vnet show`). Pure. Names come from hosts, so every one goes
// through printable(): a name can never move the cursor or colour a terminal.

import { holderLabel } from './namespace-label';
import { printable } from './names';
import { PEER_OUTSIDE_HOST, interfaceKindName } from './interface-kinds';
import { natRuleBody } from './nat-wording';
import { describeRoute } from './route';
import { describeImpairment, isEmptyImpairment } from './impairment';
import type { Namespace, NatRule, NetInterface, Topology } from './topology';
import type { IptablesTableState } from './firewall';
import type { NftTable } from './nftables';
import type { NamespaceSysctls, PolicyRule, RouteTable } from './routing';
import { wordChain } from './filter-wording';
import { wordNftChainHead } from './nft-wording';

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
  } else if (iface.peerOutside) {
    parts.push(`⇄ ${PEER_OUTSIDE_HOST}`);
  }
  if (iface.master) parts.push(`on ${printable(iface.master)}`);
  if (iface.mtu !== null && iface.mtu !== 1500 && iface.kind !== 'loopback') parts.push(`mtu ${iface.mtu}`);
  if (!isEmptyImpairment(iface.impairment)) parts.push(`impaired: ${describeImpairment(iface.impairment!)}`);
  if (iface.qdisc) parts.push(`qdisc ${printable(iface.qdisc)}`);
  if (iface.owner) parts.push(`[lab ${printable(iface.owner)}]`);
  return parts.join('  ');
}

function describeRule(rule: NatRule): string {
  return `${printable(rule.chain)}  ${printable(natRuleBody(rule))}${rule.backend === 'legacy' ? '  (legacy)' : ''}`;
}

/** The filter, mangle and raw tables: each chain with its policy, its rules as iptables-save writes them. */
function firewallNode(tables: readonly IptablesTableState[]): Node {
  return node('firewall', tables.map((table) => node(`${table.table}${table.backend === 'legacy' ? '  (legacy)' : ''}`,
    table.chains.map((chain) => node(printable(wordChain(chain)),
      table.rules.filter((r) => r.chain === chain.name).map((r) => node(printable(natRuleBody(r)))))))));
}

/** Native nftables tables: family, name and owner; chains with type, hook, priority, policy; rules in nft text. */
function nftNode(tables: readonly NftTable[]): Node {
  return node('nft', tables.map((table) => node(`${table.family} ${printable(table.name)}${table.owner ? `  (${table.owner})` : ''}`,
    table.chains.map((chain) => node(`${printable(chain.name)}  ${wordNftChainHead(chain)}`,
      chain.rules.map((rule) => node(printable(rule.text))))))));
}

/** `ip rule` in priority order, one line each; IPv6 rules say so. */
function policyRulesNode(rules: readonly PolicyRule[]): Node {
  return node('rules', rules.map((rule) => node(`${printable(rule.text.replace(/\s+/g, ' ').trim())}${rule.family === 6 ? '  (ipv6)' : ''}`)));
}

function routeTableNodes(tables: readonly RouteTable[]): Node[] {
  return tables.map((table) => node(`routes table ${printable(table.table)}`, table.routes.map((r) => node(printable(describeRoute(r))))));
}

/** The sysctls that change what is forwarded: IPv6 forwarding, rp_filter where on, bridged traffic through iptables. */
function sysctlLines(sysctls: NamespaceSysctls): string[] {
  const lines: string[] = [];
  if (sysctls.ipv6Forwarding !== null) lines.push(`ipv6 forwarding ${sysctls.ipv6Forwarding ? 'on' : 'off'}`);
  const rp = sysctls.rpFilter;
  if (rp) {
    const set = [['all', rp.all], ['default', rp.default], ...Object.entries(rp.interfaces)].filter(([, v]) => v !== 0);
    if (set.length) lines.push(`rp_filter ${set.map(([k, v]) => `${printable(String(k))}=${v}`).join(' ')}`);
  }
  if (sysctls.bridgeNfCallIptables !== null) lines.push(`bridge-nf-call-iptables ${sysctls.bridgeNfCallIptables ? 1 : 0}`);
  if (sysctls.bridgeNfCallIp6tables !== null) lines.push(`bridge-nf-call-ip6tables ${sysctls.bridgeNfCallIp6tables ? 1 : 0}`);
  return lines;
}

/** What decides forwarding beyond interfaces, routes and NAT; live only, so a desired tree has none. */
function decidingNodes(ns: Namespace): Node[] {
  const nodes: Node[] = [];
  if (ns.iptables?.length) nodes.push(firewallNode(ns.iptables));
  if (ns.nftTables?.length) nodes.push(nftNode(ns.nftTables));
  if (ns.policyRules?.length) nodes.push(policyRulesNode(ns.policyRules));
  nodes.push(...routeTableNodes(ns.routeTables ?? []));
  const sysctls = ns.sysctls ? sysctlLines(ns.sysctls) : [];
  if (sysctls.length) nodes.push(node('sysctls', sysctls.map((l) => node(l))));
  return nodes;
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
  children.push(...decidingNodes(ns));
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
