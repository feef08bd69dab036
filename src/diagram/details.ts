// What the details pane (and the hover text) says about an element, as plain label/value pairs. The
// webview puts them in the DOM as text; nothing here is markup.

import type { DiagramLayout } from './layout';
import { describeImpairment } from '../model/impairment';
import type { DiagramElement, DriftStatus, HostView } from './model';

export function isHostView(element: DiagramElement): element is HostView {
  return element.kind === 'host' && 'hostNat' in element;
}

export interface ElementDetails {
  title: string;
  kind: string;
  status: DriftStatus;
  fields: [string, string][];
  differences: string[];
}

const STATUS_WORDS: Record<DriftStatus, string> = {
  same: 'in sync',
  'only-file': 'only in the .vnet file (not on the host)',
  'only-host': 'only on the host (not in the .vnet file)',
  differs: 'differs between file and host',
};

export function statusWords(status: DriftStatus): string {
  return STATUS_WORDS[status];
}

/** The title, kind words and fields of one element, before its drift status is added. */
interface Described {
  title: string;
  kind: string;
  fields: [string, string][];
}

export function describeElement(element: DiagramElement): ElementDetails {
  const { title, kind, fields } = describeByKind(element);
  if (element.status !== 'same') fields.unshift(['drift', statusWords(element.status)]);
  return { title, kind, status: element.status, fields, differences: element.differences };
}

function describeByKind(element: DiagramElement): Described {
  switch (element.kind) {
    case 'host': case 'namespace': return describeNamespace(element);
    case 'bridge': {
      const fields: [string, string][] = [['state', element.state]];
      for (const a of element.addresses) fields.push(['address', a]);
      if (element.mtu !== null) fields.push(['mtu', String(element.mtu)]);
      fields.push(['ports', element.ports.map((p) => p.name).join(', ') || 'none']);
      return { title: `bridge ${element.name}`, kind: element.kind, fields };
    }
    case 'interface': return describePort(element);
    case 'link': return describeLink(element);
    case 'route':
      return { title: `route ${element.text}`, kind: element.kind, fields: element.ref.namespace ? [['namespace', element.ref.namespace]] : [] };
    case 'nat':
      return {
        title: `nat ${element.summary}`, kind: element.kind,
        fields: [['rule', element.rule], ...(element.ref.namespace ? [['namespace', element.ref.namespace] as [string, string]] : [])],
      };
    case 'outside':
      return { title: element.label, kind: 'everything beyond the host', fields: [] };
  }
}

function describeNamespace(ns: Extract<DiagramElement, { kind: 'host' | 'namespace' }>): Described {
  const fields: [string, string][] = [];
  const host = isHostView(ns) ? ns : null;
  if (!host && ns.label !== ns.name) fields.push(['name', ns.name]);
  if (ns.holder) fields.push(['held by', ns.holder]);
  fields.push(['forwarding', ns.forwarding ? 'on' : 'off']);
  if (ns.forwardPolicy) fields.push(['FORWARD policy', ns.forwardPolicy]);
  if (ns.anonymous) fields.push(['anonymous', 'yes (no name under /run/netns)']);
  if (ns.path) fields.push(['path', ns.path]);
  if (ns.owner) fields.push(['lab', ns.owner]);
  fields.push(['interfaces', String(ns.ports.length + ns.loopbacks.length + ns.bridges.reduce((n, b) => n + 1 + b.ports.length, 0))]);
  for (const route of ns.routes) fields.push(['route', route.text]);
  if (host) {
    for (const nat of host.hostNat) fields.push(['nat', nat.rule]);
    for (const warning of host.warnings) fields.push(['warning', warning]);
  }
  for (const nat of ns.nat) fields.push(['nat', nat.rule]);
  if (ns.firewall) {
    for (const policy of ns.firewall.dropPolicies) fields.push(['forwarding blocked', policy]);
    for (const rule of ns.firewall.forwardRules) fields.push([`forward ${rule.verdict}`, rule.rule]);
    fields.push(...ns.firewall.details);
  }
  return host
    ? { title: `host ${host.hostName}`, kind: 'host (root namespace)', fields }
    : { title: `namespace ${ns.label}`, kind: ns.kind, fields };
}

function describePort(element: Extract<DiagramElement, { kind: 'interface' }>): Described {
  const fields: [string, string][] = [];
  if (element.role === 'dnat') {
    for (const rule of element.rules ?? []) fields.push(['rule', rule]);
    return { title: element.lines.join(' '), kind: element.rules ? 'published ports (DNAT)' : 'published port (DNAT)', fields };
  }
  if (element.role === 'egress') return { title: 'egress', kind: 'the host\'s way out', fields };
  if (element.ref.namespace) fields.push(['namespace', element.ref.namespace]);
  fields.push(['state', element.operstate ? `${element.state} (${element.operstate})` : element.state]);
  for (const a of element.addresses) fields.push(['address', a]);
  if (element.ref.peer) fields.push(['peer', `${element.ref.peer.namespace}:${element.ref.peer.interface}`]);
  if (element.mtu !== null) fields.push(['mtu', String(element.mtu)]);
  if (element.mac) fields.push(['mac', element.mac]);
  if (element.impairment) fields.push(['impairment', describeImpairment(element.impairment)]);
  return { title: `${element.interfaceKind} ${element.name}`, kind: element.role === 'uplink' ? 'uplink interface' : element.kind, fields };
}

function describeLink(element: Extract<DiagramElement, { kind: 'link' }>): Described {
  const fields: [string, string][] = [];
  let title: string;
  if (element.linkKind === 'veth') {
    const ref = element.ref;
    title = `veth ${ref.namespace}:${ref.interface} ⇄ ${ref.peer?.namespace}:${ref.peer?.interface}`;
  } else if (element.linkKind === 'uplink') {
    title = `uplink ${element.ref.interface ?? ''}`.trim();
  } else {
    title = 'DNAT';
    if (element.ref.rule) fields.push(['rule', element.ref.rule]);
  }
  fields.push(['state', element.state]);
  for (const label of element.labels) fields.push([element.linkKind === 'uplink' ? 'masquerade' : 'label', label.text]);
  return { title, kind: element.kind, fields };
}

/** Every element a layout can select, by id: boxes, ports, links and the routes and rules listed in boxes. */
export function indexLayoutElements(layout: DiagramLayout): Map<string, DiagramElement> {
  const index = new Map<string, DiagramElement>();
  for (const box of layout.boxes) {
    index.set(box.id, box.element);
    const element = box.element;
    if (element.kind === 'host' || element.kind === 'namespace') {
      for (const route of element.routes) index.set(route.id, route);
      for (const lo of element.loopbacks) index.set(lo.id, lo);
      for (const nat of element.nat) index.set(nat.id, nat);
      if (isHostView(element)) for (const nat of element.hostNat) index.set(nat.id, nat);
    }
  }
  for (const port of layout.ports) index.set(port.id, port.element);
  for (const edge of layout.edges) index.set(edge.id, edge.element);
  return index;
}
