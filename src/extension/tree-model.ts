// The Hosts tree as plain data: what each row says, its icon and colour, its tooltip, the menus it gets
// (contextValue) and its children, built from a HostView. Pure and free of vscode, so that it is tested
// directly; hosts-tree-provider.ts only copies these fields onto TreeItems.
//
// Everything a host reports is untrusted: every label, description and tooltip goes through plainText, and
// tooltips are plain strings (never markdown), so a name with markup or control characters shows as written.
//
//   host
//   ├─ Namespaces ─ namespace ─ interface ─ address
//   │                         ├─ Routes ─ route
//   │                         ├─ Firewall ─ iptables table ─ chain ─ rule      (firewall-tree.ts; read-only)
//   │                         │           └─ nft table (by owner) ─ chain ─ rule
//   │                         └─ forwarding
//   ├─ Bridges ─ bridge ─ port
//   ├─ Links ─ veth pair ─ its two ends
//   └─ NAT ─ namespace ─ chain ─ rule

import { describeRoute } from '../model/route';
import { describeImpairment, isEmptyImpairment, shortImpairment } from '../model/impairment';
import type { ElementRef } from '../model/protocol';
import { ROOT_NAMESPACE, type Namespace, type NatRule, type NetInterface, type Route, type Topology } from '../model/topology';
import { hostTitle, type HostView } from './host-state';
import { natRuleFacts } from './rule-facts';
import { wordNatRule } from '../model/nat-wording';
import { BUILTIN_CHAINS } from '../model/iptables';
import { INTERFACE_KINDS, PEER_OUTSIDE_HOST, interfaceKindName } from '../model/interface-kinds';
import { clip, plainLines, plainText } from './text-safety';
import { namespaceLabel as modelNamespaceLabel, holderLabel } from '../model/namespace-label';
import { firewallNode, hasFirewall } from './firewall-tree';

export type NodeKind =
  | 'host' | 'message' | 'action' | 'group' | 'namespace' | 'interface' | 'address' | 'route' | 'forwarding'
  | 'link' | 'natNamespace' | 'natChain' | 'natRule'
  | 'firewall' | 'firewallTable' | 'firewallChain' | 'firewallRule' | 'nftTable' | 'nftChain' | 'nftRule';

export type GroupKind = 'namespaces' | 'bridges' | 'links' | 'nat' | 'routes';

export interface NodeIcon {
  /** A codicon id (`server`, `loading~spin`). */
  id: string;
  /** A theme colour id (`charts.green`), or none for the default foreground. */
  color?: string;
}

export interface NodeCommand {
  command: string;
  title: string;
  /** The node itself is passed when arguments is absent. */
  arguments?: unknown[];
}

export type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface TreeNode {
  /** Unique in the whole tree and stable across refreshes, so VS Code keeps expansion and selection. */
  readonly id: string;
  readonly kind: NodeKind;
  /** The host's destination (its identity in the extension). */
  readonly host: string;
  readonly label: string;
  readonly description?: string;
  readonly tooltip: string;
  readonly icon: NodeIcon;
  /** Space-separated tokens the menus' `when` clauses match (`viewItem =~ /\bvnet-namespace\b/`). */
  readonly contextValue: string;
  readonly collapsible: Collapsible;
  readonly command?: NodeCommand;
  readonly group?: GroupKind;
  /** The element, as the topology panel names it. */
  readonly ref?: ElementRef;
  /** Where the element lives, for the commands (`host` for the root namespace). */
  readonly namespace?: string;
  /** True when the namespace can be changed by name (the root one or one under /run/netns). */
  readonly editable?: boolean;
  readonly interfaceName?: string;
  readonly address?: string;
  readonly route?: Route;
  readonly rule?: NatRule;
  /** What "Copy name" copies. */
  readonly copyName?: string;
  /** What "Copy address" copies. */
  readonly copyAddress?: string;
  children(): TreeNode[];
}

export const NO_CHILDREN = (): TreeNode[] => [];

export function nodeId(host: string, ...path: string[]): string {
  return JSON.stringify([host, ...path]);
}

export function context(...tokens: (string | false | null | undefined)[]): string {
  return tokens.filter((t): t is string => typeof t === 'string' && t.length > 0).join(' ');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

// ---- hosts ----

export function hostNode(view: HostView): TreeNode {
  const { entry, connection } = view;
  const host = entry.destination;
  const local = host === 'local';
  const base: HostBase = {
    id: nodeId(host),
    kind: 'host' as const,
    host,
    label: plainText(hostTitle(entry)),
    ref: { kind: 'host' as const, host },
    copyName: host,
  };
  const where = local ? 'this machine (the one the extension runs on)' : `over ssh to ${host}`;
  const headline = [`${hostTitle(entry)} — ${where}`];
  if (entry.identityFile) headline.push(`identity: ${entry.identityFile}`);
  const side = local ? 'local' : 'remote';
  switch (connection.state) {
    case 'idle':
    case 'connecting':
      return {
        ...base,
        description: 'connecting…',
        tooltip: plainLines([...headline, 'Connecting…']),
        icon: { id: 'loading~spin' },
        contextValue: context('vnet-host', 'connecting', side),
        // Expanded from the start: VS Code keeps a row's expansion by id, and the connected host should open.
        collapsible: 'expanded',
        children: () => [messageNode(host, 'connecting', 'Connecting…', 'Reading the host’s network (one probe).', { id: 'loading~spin' })],
      };
    case 'error': return failedHostNode(base, headline, connection, side);
    case 'connected': return connectedHostNode(base, headline, connection, side);
  }
}

type HostBase = Pick<TreeNode, 'id' | 'kind' | 'host' | 'label' | 'ref' | 'copyName'>;

function failedHostNode(base: HostBase, headline: string[], connection: Extract<HostView['connection'], { state: 'error' }>, side: string): TreeNode {
  const host = base.host;
  return {
    ...base,
    description: clip(plainText(firstLine(connection.message)), 120),
    tooltip: plainLines([...headline, `Error${connection.code ? ` [${connection.code}]` : ''}:`, ...connection.message.split('\n')]),
    icon: { id: 'error', color: 'errorForeground' },
    contextValue: context('vnet-host', 'error', side),
    collapsible: 'expanded',
    children: () => [
      messageNode(host, 'error', firstLine(connection.message), connection.message, { id: 'warning', color: 'errorForeground' }),
      actionNode(host, 'retry', 'Retry', 'Connect to the host again', 'vnet.retryHost', 'refresh'),
      actionNode(host, 'log', 'Show log', 'Open the VNet output channel: every command sent to the host, and its errors', 'vnet.showLog', 'output'),
    ],
  };
}

function connectedHostNode(base: HostBase, headline: string[], connection: Extract<HostView['connection'], { state: 'connected' }>, side: string): TreeNode {
  const topology = connection.topology;
  const named = topology.namespaces.filter((ns) => !ns.root).length;
  const facts = [plural(named, 'namespace')];
  if (connection.following === 'manual') facts.push('manual refresh');
  if (connection.stale) facts.push('may be out of date');
  const tooltip = [...headline, `Connected. ${plural(named, 'namespace')} besides the root one.`,
    `Read at ${new Date(connection.updatedAt).toLocaleTimeString()}; ${followingSentence(connection.following)}`];
  if (connection.stale) tooltip.push(`Not following changes: ${connection.stale}`);
  for (const warning of topology.warnings ?? []) tooltip.push(`Warning: ${warning}`);
  return {
    ...base,
    description: facts.join(' · '),
    tooltip: plainLines(tooltip),
    icon: { id: side === 'local' ? 'device-desktop' : 'server', color: connection.stale ? 'charts.yellow' : 'charts.green' },
    contextValue: context('vnet-host', 'connected', side),
    collapsible: 'expanded',
    children: () => hostChildren(base.host, topology, connection.stale),
  };
}

function followingSentence(mode: string): string {
  if (mode === 'live') return 'changes made on the host show up by themselves.';
  if (mode === 'poll') return 'read again every few seconds (vnet.refresh.mode is "poll").';
  return 'read again only with the refresh button (vnet.refresh.mode is "manual").';
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}

function messageNode(host: string, key: string, label: string, tooltip: string, icon: NodeIcon): TreeNode {
  return {
    id: nodeId(host, 'message', key),
    kind: 'message',
    host,
    label: clip(plainText(label), 200),
    tooltip: plainLines(tooltip.split('\n')),
    icon,
    contextValue: 'vnet-message',
    collapsible: 'none',
    children: NO_CHILDREN,
  };
}

function actionNode(host: string, key: string, label: string, tooltip: string, command: string, icon: string): TreeNode {
  return {
    id: nodeId(host, 'action', key),
    kind: 'action',
    host,
    label,
    tooltip,
    icon: { id: icon },
    contextValue: context('vnet-action', key),
    collapsible: 'none',
    command: { command, title: label, arguments: [{ host }] },
    children: NO_CHILDREN,
  };
}

function hostChildren(host: string, topology: Topology, stale: string | null): TreeNode[] {
  const nodes: TreeNode[] = [];
  if (stale) nodes.push(messageNode(host, 'stale', `Not following changes: ${stale}`, `${stale}\nUse the refresh button to read the host again.`, { id: 'warning', color: 'charts.yellow' }));
  topology.warnings?.forEach((warning, i) => nodes.push(messageNode(host, `warning-${i}`, warning, warning, { id: 'warning', color: 'charts.yellow' })));
  const namespaces = orderedNamespaces(topology);
  const bridges = namespaces.flatMap((ns) => ns.interfaces.filter((i) => i.kind === 'bridge').map((bridge) => ({ ns, bridge })));
  const links = vethPairs(topology);
  const natSpaces = namespaces.filter((ns) => ns.nat.length > 0 || ns.natChains.length > 0);
  const ruleCount = natSpaces.reduce((sum, ns) => sum + ns.nat.length, 0);
  nodes.push(
    groupNode(host, 'namespaces', 'Namespaces', String(topology.namespaces.length), 'symbol-namespace',
      () => namespaces.map((ns) => namespaceNode(host, ns, topology))),
    groupNode(host, 'bridges', 'Bridges', String(bridges.length), 'type-hierarchy-sub',
      () => bridges.map(({ ns, bridge }) => bridgeNode(host, ns, bridge, topology))),
    groupNode(host, 'links', 'Links', String(links.length), 'link',
      () => links.map((pair) => linkNode(host, pair, topology))),
    groupNode(host, 'nat', 'NAT', plural(ruleCount, 'rule'), 'shield',
      () => natSpaces.map((ns) => natNamespaceNode(host, ns))),
  );
  return nodes;
}

function groupNode(host: string, group: GroupKind, label: string, description: string, icon: string, children: () => TreeNode[], namespace?: Namespace): TreeNode {
  return {
    id: nodeId(host, 'group', group, ...(namespace ? [namespaceKey(namespace)] : [])),
    kind: 'group',
    group,
    host,
    label,
    description,
    tooltip: label,
    icon: { id: icon },
    contextValue: context('vnet-group', `group-${group}`, namespace && isEditable(namespace) && 'editable'),
    collapsible: 'collapsed',
    namespace: namespace?.name,
    editable: namespace ? isEditable(namespace) : true,
    children,
  };
}

// ---- namespaces ----

/** The root namespace first, then named ones by name, then anonymous ones (Docker's, Mininet's) by name. */
export function orderedNamespaces(topology: Topology): Namespace[] {
  const rank = (ns: Namespace) => (ns.root ? 0 : ns.anonymous ? 2 : 1);
  return [...topology.namespaces].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The root namespace, or one with a name under /run/netns: the ones operations can address by name. */
export function isEditable(ns: Namespace): boolean {
  return ns.root || !ns.anonymous;
}

export function namespaceKey(ns: Namespace): string {
  return ns.root ? ROOT_NAMESPACE : ns.inode !== undefined ? `${ns.name}#${ns.inode}` : ns.name;
}

/** What a row shows for a namespace: its holder (`docker web-1`) where known; the key stays ns.name. */
export function namespaceLabel(ns: Namespace): string {
  return ns.root ? ROOT_NAMESPACE : modelNamespaceLabel(ns);
}

function namespaceNode(host: string, ns: Namespace, topology: Topology): TreeNode {
  const facts: string[] = [];
  if (ns.root) facts.push('root');
  else if (ns.anonymous) facts.push('anonymous');
  facts.push(`forwarding ${ns.forwarding ? 'on' : 'off'}`);
  if (ns.forwardPolicy === 'DROP') facts.push('FORWARD drops');
  if (ns.owner) facts.push(`lab ${ns.owner}`);
  const tooltip = [
    ns.root ? 'host — the root network namespace of the host' : `Namespace ${ns.name}${ns.anonymous ? ' (anonymous: not under /run/netns)' : ''}`,
    ns.holder ? `held by ${holderLabel(ns.holder)}${ns.holder.id ? ` (id ${ns.holder.id})` : ''}` : null,
    ns.path ? `path: ${ns.path}` : null,
    ns.inode !== undefined ? `inode: ${ns.inode}` : null,
    `forwarding: ${ns.forwarding ? 'on' : 'off'}`,
    ns.forwardPolicy ? `FORWARD policy: ${ns.forwardPolicy}` : null,
    ns.iptablesBackends?.length ? `iptables: ${ns.iptablesBackends.join(', ')}` : null,
    `${plural(ns.interfaces.length, 'interface')}, ${plural(ns.routes.length, 'route')}, ${plural(ns.nat.length, 'NAT rule')}`,
    ns.owner ? `owned by lab ${ns.owner}` : null,
  ].filter((l): l is string => l !== null);
  const editable = isEditable(ns);
  return {
    id: nodeId(host, 'ns', namespaceKey(ns)),
    kind: 'namespace',
    host,
    label: plainText(namespaceLabel(ns)),
    description: plainText(facts.join(' · ')),
    tooltip: plainLines(tooltip),
    icon: { id: ns.root ? 'home' : ns.anonymous ? 'package' : 'symbol-namespace' },
    contextValue: context('vnet-namespace', ns.root ? 'root' : ns.anonymous ? 'anonymous' : 'named', editable && 'editable',
      ns.forwarding ? 'forwarding-on' : 'forwarding-off'),
    collapsible: ns.root ? 'expanded' : 'collapsed',
    ref: { kind: 'namespace', host, namespace: ns.name },
    namespace: ns.name,
    editable,
    copyName: ns.name,
    children: () => [
      ...ns.interfaces.map((iface) => interfaceNode(host, ns, iface, topology, 'ns')),
      groupNode(host, 'routes', 'Routes', String(ns.routes.length), 'list-tree', () => ns.routes.map((route, i) => routeNode(host, ns, route, i)), ns),
      ...(hasFirewall(ns) ? [firewallNode(host, ns)] : []),
      forwardingNode(host, ns),
    ],
  };
}

function forwardingNode(host: string, ns: Namespace): TreeNode {
  const editable = isEditable(ns);
  return {
    id: nodeId(host, 'forwarding', namespaceKey(ns)),
    kind: 'forwarding',
    host,
    label: `forwarding ${ns.forwarding ? 'on' : 'off'}`,
    description: ns.forwardPolicy && ns.forwardPolicy !== 'ACCEPT' ? `FORWARD policy ${ns.forwardPolicy}` : undefined,
    tooltip: plainLines([
      `IPv4 forwarding in ${namespaceLabel(ns)} is ${ns.forwarding ? 'on: it routes packets between its interfaces' : 'off: it does not route between its interfaces'}.`,
      ns.forwardPolicy ? `The filter table's FORWARD policy is ${ns.forwardPolicy}.` : 'The FORWARD policy is unknown (no iptables here).',
    ]),
    icon: ns.forwarding ? { id: 'arrow-swap', color: 'charts.green' } : { id: 'circle-slash', color: 'disabledForeground' },
    contextValue: context('vnet-forwarding', ns.forwarding ? 'forwarding-on' : 'forwarding-off', editable && 'editable'),
    collapsible: 'none',
    namespace: ns.name,
    editable,
    children: NO_CHILDREN,
  };
}

// ---- interfaces ----

/** Green when up and running, yellow when up without a carrier (the other end is down), grey when down. */
export function interfaceStateColor(iface: NetInterface): string {
  if (iface.state === 'down') return 'disabledForeground';
  const oper = iface.operstate?.toUpperCase();
  if (oper === undefined || oper === 'UP' || oper === 'UNKNOWN') return 'charts.green';
  return 'charts.yellow';
}

function interfaceFacts(iface: NetInterface, topology: Topology): string[] {
  const facts = [...iface.addresses];
  if (iface.peer) facts.push(`⇄ ${peerLabel(iface.peer.namespace, topology)}:${iface.peer.interface}`);
  else if (iface.peerOutside) facts.push(`⇄ ${PEER_OUTSIDE_HOST}`);
  if (iface.master) facts.push(`on ${iface.master}`);
  if (!isEmptyImpairment(iface.impairment)) facts.push(`impaired: ${shortImpairment(iface.impairment!)}`);
  return facts;
}

/** The peer's namespace as rows show it: by its holder where the namespace is in view. */
function peerLabel(namespace: string, topology: Topology): string {
  const ns = topology.namespaces.find((n) => n.name === namespace);
  return ns ? namespaceLabel(ns) : namespace;
}

function interfaceTooltip(ns: Namespace, iface: NetInterface, topology: Topology): string {
  const kind = interfaceKindName(iface);
  const lines = [
    `${iface.name} (${kind}) in ${namespaceLabel(ns)}`,
    `state: ${iface.state}${iface.operstate ? ` (kernel: ${iface.operstate})` : ''}`,
    iface.mtu !== null ? `mtu: ${iface.mtu}` : null,
    iface.mac ? `mac: ${iface.mac}` : null,
    iface.addresses.length ? `addresses: ${iface.addresses.join(', ')}` : 'no addresses',
    iface.peer ? `other end: ${iface.peer.interface} in ${iface.peer.namespace}` : iface.peerOutside ? `other end: ${PEER_OUTSIDE_HOST}` : iface.kind === 'veth' ? 'other end: unknown' : null,
    iface.master ? `port of bridge ${iface.master}` : null,
    iface.kind === 'bridge' ? `ports: ${ns.interfaces.filter((i) => i.master === iface.name).map((i) => i.name).join(', ') || 'none'}` : null,
    iface.altNames?.length ? `alternative names: ${iface.altNames.join(', ')}` : null,
    isEmptyImpairment(iface.impairment) ? null : `impairment (what it sends): ${describeImpairment(iface.impairment!)}`,
    iface.qdisc ? `root qdisc: ${iface.qdisc}` : null,
    iface.alias ? `alias: ${iface.alias}` : null,
    iface.owner ? `owned by lab ${iface.owner}` : null,
  ];
  if (iface.peer && !topology.namespaces.some((n) => n.name === iface.peer!.namespace)) lines.push('(the other end’s namespace is not in view)');
  return plainLines(lines.filter((l): l is string => l !== null));
}

/** `place` keeps ids unique where the same interface appears twice (under its namespace, a bridge, a link). */
function interfaceNode(host: string, ns: Namespace, iface: NetInterface, topology: Topology, place: string): TreeNode {
  const editable = isEditable(ns);
  const kind = iface.kind === 'bridge' ? 'bridge' : 'interface';
  return {
    id: nodeId(host, place, namespaceKey(ns), 'if', iface.name),
    kind: 'interface',
    host,
    label: plainText(iface.name),
    description: plainText(interfaceFacts(iface, topology).join(' · ')) || undefined,
    tooltip: interfaceTooltip(ns, iface, topology),
    icon: { id: INTERFACE_KINDS[iface.kind].icon, color: interfaceStateColor(iface) },
    contextValue: context('vnet-interface', `kind-${iface.kind}`, iface.state === 'up' ? 'state-up' : 'state-down',
      editable && 'editable', editable && iface.kind !== 'loopback' && 'removable', iface.addresses.length > 0 && 'has-address',
      !isEmptyImpairment(iface.impairment) && 'impaired'),
    collapsible: iface.addresses.length ? 'collapsed' : 'none',
    ref: { kind, host, namespace: ns.name, interface: iface.name },
    namespace: ns.name,
    editable,
    interfaceName: iface.name,
    copyName: iface.name,
    copyAddress: iface.addresses[0],
    children: () => iface.addresses.map((address) => addressNode(host, ns, iface, address, place)),
  };
}

function addressNode(host: string, ns: Namespace, iface: NetInterface, address: string, place: string): TreeNode {
  const editable = isEditable(ns);
  const bare = address.includes('/') ? address.slice(0, address.indexOf('/')) : address;
  return {
    id: nodeId(host, place, namespaceKey(ns), 'if', iface.name, 'addr', address),
    kind: 'address',
    host,
    label: plainText(address),
    tooltip: plainLines([`${address} on ${iface.name} in ${namespaceLabel(ns)}`]),
    icon: { id: 'location' },
    contextValue: context('vnet-address', editable && 'editable'),
    collapsible: 'none',
    ref: { kind: 'interface', host, namespace: ns.name, interface: iface.name },
    namespace: ns.name,
    editable,
    interfaceName: iface.name,
    address,
    copyName: address,
    copyAddress: bare,
    children: NO_CHILDREN,
  };
}

function routeNode(host: string, ns: Namespace, route: Route, index: number): TreeNode {
  const editable = isEditable(ns);
  const text = describeRoute(route);
  const facts = [route.protocol ? `proto ${route.protocol}` : null].filter((f): f is string => f !== null);
  return {
    id: nodeId(host, 'ns', namespaceKey(ns), 'route', String(index), text),
    kind: 'route',
    host,
    label: plainText(text),
    description: plainText(facts.join(' · ')) || undefined,
    tooltip: plainLines([`route ${text} in ${namespaceLabel(ns)}`, route.protocol ? `added by: ${route.protocol}` : '']),
    icon: { id: route.to === 'default' ? 'globe' : 'arrow-right' },
    contextValue: context('vnet-route', editable && 'editable'),
    collapsible: 'none',
    ref: { kind: 'route', host, namespace: ns.name, route: route.to },
    namespace: ns.name,
    editable,
    route,
    copyName: text,
    copyAddress: route.via ?? undefined,
    children: NO_CHILDREN,
  };
}

// ---- bridges ----

function bridgeNode(host: string, ns: Namespace, bridge: NetInterface, topology: Topology): TreeNode {
  const base = interfaceNode(host, ns, bridge, topology, 'bridges');
  const ports = ns.interfaces.filter((i) => i.master === bridge.name);
  const facts = [ns.root ? null : `in ${namespaceLabel(ns)}`, ...bridge.addresses, plural(ports.length, 'port')].filter((f): f is string => f !== null);
  return {
    ...base,
    description: plainText(facts.join(' · ')),
    collapsible: ports.length ? 'collapsed' : 'none',
    children: () => ports.map((port) => interfaceNode(host, ns, port, topology, `bridge:${bridge.name}`)),
  };
}

// ---- links ----

export interface VethPair {
  a: { ns: Namespace; iface: NetInterface };
  /** Null when the other end is not in view (unknown peer, or a namespace the probe could not enter). */
  b: { ns: Namespace; iface: NetInterface } | null;
}

/** Each veth pair once, the end in the root namespace (or the first by name) as `a`. */
export function vethPairs(topology: Topology): VethPair[] {
  const pairs: VethPair[] = [];
  const seen = new Set<string>();
  const key = (ns: string, iface: string) => JSON.stringify([ns, iface]);
  for (const ns of orderedNamespaces(topology)) {
    for (const iface of ns.interfaces) {
      if (iface.kind !== 'veth' || seen.has(key(ns.name, iface.name))) continue;
      seen.add(key(ns.name, iface.name));
      const peerNs = iface.peer ? topology.namespaces.find((n) => n.name === iface.peer!.namespace) : undefined;
      const peerIface = peerNs?.interfaces.find((i) => i.name === iface.peer!.interface);
      if (peerNs && peerIface) seen.add(key(peerNs.name, peerIface.name));
      pairs.push({ a: { ns, iface }, b: peerNs && peerIface ? { ns: peerNs, iface: peerIface } : null });
    }
  }
  return pairs;
}

function endName(ns: Namespace, iface: NetInterface): string {
  return `${namespaceLabel(ns)}:${iface.name}`;
}

/** What a link row says about one end: its addresses, else its bridge, else a dash. */
function endFacts(iface: NetInterface): string {
  if (iface.addresses.length) return iface.addresses.join(', ');
  return iface.master ? `on ${iface.master}` : '—';
}

function linkNode(host: string, pair: VethPair, topology: Topology): TreeNode {
  const { a, b } = pair;
  // A peer the probe could not place (e.g. the far end of a container's eth0, in a namespace not in view).
  const other = b ? endName(b.ns, b.iface) : a.iface.peer ? `${a.iface.peer.namespace}:${a.iface.peer.interface}` : '(not in view)';
  const label = `${endName(a.ns, a.iface)} ⇄ ${other}`;
  const editable = isEditable(a.ns);
  const up = a.iface.state === 'up' && (!b || b.iface.state === 'up');
  return {
    id: nodeId(host, 'link', namespaceKey(a.ns), a.iface.name),
    kind: 'link',
    host,
    label: plainText(label),
    description: plainText(`${endFacts(a.iface)} ⇄ ${b ? endFacts(b.iface) : '?'}`),
    tooltip: plainLines([`veth pair ${label}`, b ? `both ends ${up ? 'up' : 'not both up'}` : 'The other end is in a namespace this host does not show (another host’s, or one vnet cannot enter).']),
    icon: { id: 'link', color: up ? 'charts.green' : 'disabledForeground' },
    contextValue: context('vnet-link', editable && 'editable', editable && 'removable'),
    collapsible: 'collapsed',
    ref: {
      kind: 'link', host, namespace: a.ns.name, interface: a.iface.name,
      ...(a.iface.peer ? { peer: { namespace: a.iface.peer.namespace, interface: a.iface.peer.interface } } : {}),
    },
    namespace: a.ns.name,
    editable,
    interfaceName: a.iface.name,
    copyName: label,
    children: () => [a, ...(b ? [b] : [])].map((end) => interfaceNode(host, end.ns, end.iface, topology, `link:${namespaceKey(a.ns)}:${a.iface.name}`)),
  };
}

// ---- NAT ----

/** Chains in the order packets meet them, then the user chains in iptables-save's order. */
function natChainsOf(ns: Namespace): string[] {
  const builtIn = BUILTIN_CHAINS.nat;
  const used = new Set(ns.nat.map((r) => r.chain));
  return [...builtIn.filter((c) => used.has(c)), ...ns.natChains, ...[...used].filter((c) => !builtIn.includes(c) && !ns.natChains.includes(c))];
}

function natNamespaceNode(host: string, ns: Namespace): TreeNode {
  const editable = isEditable(ns);
  return {
    id: nodeId(host, 'nat', namespaceKey(ns)),
    kind: 'natNamespace',
    host,
    label: plainText(namespaceLabel(ns)),
    description: plural(ns.nat.length, 'rule'),
    tooltip: plainLines([`The nat table of ${namespaceLabel(ns)}`]),
    icon: { id: ns.root ? 'home' : 'symbol-namespace' },
    contextValue: context('vnet-nat-namespace', editable && 'editable'),
    collapsible: 'expanded',
    ref: { kind: 'namespace', host, namespace: ns.name },
    namespace: ns.name,
    editable,
    children: () => natChainsOf(ns).map((chain) => natChainNode(host, ns, chain)),
  };
}

function natChainNode(host: string, ns: Namespace, chain: string): TreeNode {
  const rules = ns.nat.filter((r) => r.chain === chain);
  const editable = isEditable(ns);
  const user = ns.natChains.includes(chain);
  return {
    id: nodeId(host, 'nat', namespaceKey(ns), 'chain', chain),
    kind: 'natChain',
    host,
    label: plainText(chain),
    description: `${plural(rules.length, 'rule')}${user ? ' · user chain' : ''}`,
    tooltip: plainLines([`${user ? 'user chain' : 'chain'} ${chain} of the nat table in ${namespaceLabel(ns)}`]),
    icon: { id: 'list-ordered' },
    contextValue: context('vnet-nat-chain', editable && 'editable'),
    collapsible: rules.length ? 'expanded' : 'none',
    namespace: ns.name,
    editable,
    copyName: chain,
    children: () => rules.map((rule, i) => natRuleNode(host, ns, rule, i)),
  };
}

function natRuleNode(host: string, ns: Namespace, rule: NatRule, index: number): TreeNode {
  const editable = isEditable(ns);
  return {
    id: nodeId(host, 'nat', namespaceKey(ns), 'rule', rule.chain, String(index), rule.rule),
    kind: 'natRule',
    host,
    label: plainText(wordNatRule(rule)),
    description: natRuleFacts(rule).join(' · ') || undefined,
    tooltip: plainLines([`iptables -t nat ${rule.rule}`, `in ${namespaceLabel(ns)}${rule.backend ? ` (iptables-${rule.backend})` : ''}`,
      ...(rule.extra?.length ? [`options shown but not modelled: ${rule.extra.join(' ')}`] : [])]),
    icon: { id: rule.target.kind === 'DNAT' ? 'arrow-right' : rule.target.kind === 'jump' ? 'debug-step-into' : 'symbol-operator' },
    contextValue: context('vnet-nat-rule', editable && 'editable'),
    collapsible: 'none',
    ref: { kind: 'nat', host, namespace: ns.name, rule: rule.rule },
    namespace: ns.name,
    editable,
    rule,
    copyName: rule.rule,
    children: NO_CHILDREN,
  };
}

/** Every node under `root`, depth first (tests, and finding an element for the topology panel). */
export function walk(root: TreeNode): TreeNode[] {
  const out: TreeNode[] = [];
  const visit = (node: TreeNode) => {
    out.push(node);
    for (const child of node.children()) visit(child);
  };
  visit(root);
  return out;
}
