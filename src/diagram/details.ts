// What the details pane (and the hover text) says about an element, as plain label/value pairs. The
// webview puts them in the DOM as text; nothing here is markup.

import type { DiagramLayout } from './layout';
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

export function describeElement(element: DiagramElement): ElementDetails {
  const fields: [string, string][] = [];
  let title: string;
  let kind: string = element.kind;
  switch (element.kind) {
    case 'host':
    case 'namespace': {
      const ns = element;
      const host = isHostView(element) ? element : null;
      title = host ? `host ${host.hostName}` : `namespace ${ns.label}`;
      if (host) kind = 'host (root namespace)';
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
      break;
    }
    case 'bridge':
      title = `bridge ${element.name}`;
      fields.push(['state', element.state]);
      for (const a of element.addresses) fields.push(['address', a]);
      if (element.mtu !== null) fields.push(['mtu', String(element.mtu)]);
      fields.push(['ports', element.ports.map((p) => p.name).join(', ') || 'none']);
      break;
    case 'interface':
      if (element.role === 'dnat') {
        title = element.lines.join(' ');
        kind = element.rules ? 'published ports (DNAT)' : 'published port (DNAT)';
        for (const rule of element.rules ?? []) fields.push(['rule', rule]);
        break;
      }
      if (element.role === 'egress') {
        title = 'egress';
        kind = 'the host\'s way out';
        break;
      }
      title = `${element.interfaceKind} ${element.name}`;
      if (element.role === 'uplink') kind = 'uplink interface';
      if (element.ref.namespace) fields.push(['namespace', element.ref.namespace]);
      fields.push(['state', element.operstate ? `${element.state} (${element.operstate})` : element.state]);
      for (const a of element.addresses) fields.push(['address', a]);
      if (element.ref.peer) fields.push(['peer', `${element.ref.peer.namespace}:${element.ref.peer.interface}`]);
      if (element.mtu !== null) fields.push(['mtu', String(element.mtu)]);
      if (element.mac) fields.push(['mac', element.mac]);
      break;
    case 'link':
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
      break;
    case 'route':
      title = `route ${element.text}`;
      if (element.ref.namespace) fields.push(['namespace', element.ref.namespace]);
      break;
    case 'nat':
      title = `nat ${element.summary}`;
      fields.push(['rule', element.rule]);
      if (element.ref.namespace) fields.push(['namespace', element.ref.namespace]);
      break;
    case 'outside':
      title = element.label;
      kind = 'everything beyond the host';
      break;
  }
  if (element.status !== 'same') fields.unshift(['drift', statusWords(element.status)]);
  return { title, kind, status: element.status, fields, differences: element.differences };
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
