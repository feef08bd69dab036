// Drift: the desired view (from a .vnet file) merged with the live view (from the host), element by element,
// matched by id. Elements only in the file are `only-file` (drawn dashed), elements only on the host are
// `only-host` (highlighted), elements on both with other settings are `differs` (marked, with the
// differences in words). Where both exist the live values are drawn: the picture shows what is real.

import { describeImpairment, sameImpairment } from '../model/impairment';
import type {
  BridgeView, DriftStatus, ElementBase, HostView, LinkView, NamespaceView, NatView, PortView,
} from './model';

function listText(values: readonly string[]): string {
  return values.length ? values.join(', ') : 'none';
}

function differ(label: string, file: string, host: string): string {
  return `${label}: file ${file} · host ${host}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sorted = [...b].sort();
  return [...a].sort().every((v, i) => v === sorted[i]);
}

/** Merges two lists by id: desired order first, then what only the host has, in the host's order. */
function mergeById<T extends ElementBase>(
  desired: readonly T[],
  live: readonly T[],
  both: (d: T, l: T) => T,
  onlyFile: (d: T) => T,
  onlyHost: (l: T) => T,
): T[] {
  const liveById = new Map(live.map((e) => [e.id, e]));
  const desiredIds = new Set(desired.map((e) => e.id));
  const out: T[] = [];
  for (const d of desired) {
    const l = liveById.get(d.id);
    out.push(l ? both(d, l) : onlyFile(d));
  }
  for (const l of live) if (!desiredIds.has(l.id)) out.push(onlyHost(l));
  return out;
}

function withStatus<T extends ElementBase>(element: T, status: DriftStatus, differences: string[] = []): T {
  return { ...element, status, differences };
}

/** Marks an element and everything drawn inside it. */
function markNamespace<T extends NamespaceView>(ns: T, status: DriftStatus): T {
  return {
    ...withStatus(ns, status),
    ports: ns.ports.map((p) => withStatus(p, status)),
    loopbacks: ns.loopbacks.map((p) => withStatus(p, status)),
    bridges: ns.bridges.map((b) => ({ ...withStatus(b, status), ports: b.ports.map((p) => withStatus(p, status)) })),
    routes: ns.routes.map((r) => withStatus(r, status)),
    nat: ns.nat.map((n) => withStatus(n, status)),
  };
}

function comparePorts(d: PortView, l: PortView): string[] {
  const out: string[] = [];
  if (d.interfaceKind !== l.interfaceKind) out.push(differ('kind', d.interfaceKind, l.interfaceKind));
  if (d.state !== l.state) out.push(differ('state', d.state, l.state));
  if (!sameSet(d.addresses, l.addresses)) out.push(differ('addresses', listText(d.addresses), listText(l.addresses)));
  if (d.mtu !== null && d.mtu !== l.mtu) out.push(differ('mtu', String(d.mtu), String(l.mtu ?? 'unknown')));
  const dPeer = d.ref.peer ? `${d.ref.peer.namespace}:${d.ref.peer.interface}` : null;
  const lPeer = l.ref.peer ? `${l.ref.peer.namespace}:${l.ref.peer.interface}` : null;
  if (dPeer && dPeer !== lPeer) out.push(differ('peer', dPeer, lPeer ?? 'none'));
  if (!sameImpairment(d.impairment, l.impairment)) {
    const words = (impairment: PortView['impairment']) => (impairment ? describeImpairment(impairment) : 'none');
    out.push(differ('impairment', words(d.impairment), words(l.impairment)));
  }
  return out;
}

function compareBridges(d: BridgeView, l: BridgeView): string[] {
  const out: string[] = [];
  if (d.state !== l.state) out.push(differ('state', d.state, l.state));
  if (!sameSet(d.addresses, l.addresses)) out.push(differ('addresses', listText(d.addresses), listText(l.addresses)));
  if (d.mtu !== null && d.mtu !== l.mtu) out.push(differ('mtu', String(d.mtu), String(l.mtu ?? 'unknown')));
  return out;
}

function compareNamespaces(d: NamespaceView, l: NamespaceView): string[] {
  const out: string[] = [];
  if (d.forwarding !== l.forwarding) out.push(differ('forwarding', d.forwarding ? 'on' : 'off', l.forwarding ? 'on' : 'off'));
  if (d.forwardPolicy !== null && d.forwardPolicy !== l.forwardPolicy) {
    out.push(differ('FORWARD policy', d.forwardPolicy, l.forwardPolicy ?? 'unknown'));
  }
  return out;
}

interface PlacedPort {
  port: PortView;
  /** Bridge id, LOOPBACK for a loopback line, or null for a port on the namespace box. */
  bridge: string | null;
}

const LOOPBACK = '#loopback';

function placedPorts(ns: NamespaceView): PlacedPort[] {
  return [
    ...ns.ports.map((port) => ({ port, bridge: null })),
    ...ns.loopbacks.map((port) => ({ port, bridge: LOOPBACK })),
    ...ns.bridges.flatMap((b) => b.ports.map((port) => ({ port, bridge: b.id }))),
  ];
}

function bridgeName(ns: NamespaceView, id: string | null): string {
  return id === null ? 'none' : ns.bridges.find((b) => b.id === id)?.name ?? 'none';
}

function mergeNamespaces<T extends NamespaceView>(d: T, l: T): T {
  const desiredPorts = placedPorts(d);
  const livePorts = placedPorts(l);
  const merged = mergeById(
    desiredPorts.map((p) => ({ ...p.port, placedOn: p.bridge })),
    livePorts.map((p) => ({ ...p.port, placedOn: p.bridge })),
    (dp, lp) => {
      const differences = dp.role === 'interface' ? comparePorts(dp, lp) : [];
      if (dp.placedOn !== lp.placedOn) differences.push(differ('bridge', bridgeName(d, dp.placedOn), bridgeName(l, lp.placedOn)));
      return withStatus(lp, differences.length ? 'differs' : 'same', differences);
    },
    (dp) => withStatus(dp, 'only-file'),
    // Every namespace has a loopback, and a host has its own ways out (eth0); a file that does not
    // mention them is not in drift: it neither creates nor removes them (export leaves them out too).
    (lp) => withStatus(lp, lp.interfaceKind === 'loopback' || lp.role === 'uplink' ? 'same' : 'only-host'),
  );
  const bridges = mergeById(
    d.bridges, l.bridges,
    (db, lb) => { const differences = compareBridges(db, lb); return { ...withStatus(lb, differences.length ? 'differs' : 'same', differences), ports: [] }; },
    (db) => ({ ...withStatus(db, 'only-file'), ports: [] }),
    (lb) => ({ ...withStatus(lb, 'only-host'), ports: [] }),
  );
  const ports: PortView[] = [];
  const loopbacks: PortView[] = [];
  for (const entry of merged) {
    const { placedOn, ...port } = entry;
    if (placedOn === LOOPBACK) { loopbacks.push(port); continue; }
    const bridge = placedOn === null ? undefined : bridges.find((b) => b.id === placedOn);
    if (bridge) bridge.ports.push(port);
    else ports.push(port);
  }
  const routes = mergeById(
    d.routes, l.routes,
    // A file that names no device leaves the choice to the kernel: only a named one must match.
    (dr, lr) => (dr.via === lr.via && (dr.dev === null || dr.dev === lr.dev)
      ? withStatus(lr, 'same')
      : withStatus(lr, 'differs', [differ('route', dr.text, lr.text)])),
    (dr) => withStatus(dr, 'only-file'),
    // The kernel adds a route for each address's subnet; a file need not declare it.
    (lr) => withStatus(lr, lr.kernelMade ? 'same' : 'only-host'),
  );
  const nat = mergeNat(d.nat, l.nat);
  const differences = compareNamespaces(d, l);
  return { ...l, status: differences.length ? 'differs' : 'same', differences, ports, loopbacks, bridges, routes, nat };
}

function mergeNat(d: readonly NatView[], l: readonly NatView[]): NatView[] {
  return mergeById(d, l, (_dn, ln) => withStatus(ln, 'same'), (dn) => withStatus(dn, 'only-file'), (ln) => withStatus(ln, 'only-host'));
}

export function mergeHosts(d: HostView, l: HostView): HostView {
  const root = mergeNamespaces(d, l);
  return {
    ...root,
    hostNat: mergeNat(d.hostNat, l.hostNat),
    children: mergeById(d.children, l.children, mergeNamespaces, (dn) => markNamespace(dn, 'only-file'), (ln) => markNamespace(ln, 'only-host')),
    warnings: l.warnings,
  };
}

export function mergeLinks(d: readonly LinkView[], l: readonly LinkView[]): LinkView[] {
  return mergeById(
    d, l,
    (dl, ll) => {
      const differences = dl.linkKind === 'veth' && dl.state !== ll.state ? [differ('state', dl.state, ll.state)] : [];
      // A veth's labels are its impairments (impairmentLabels): the live ones are drawn, the file's named.
      const labelText = (link: LinkView) => link.labels.map((label) => label.text).join(', ');
      if (dl.linkKind === 'veth' && labelText(dl) !== labelText(ll)) differences.push(differ('impairment', labelText(dl) || 'none', labelText(ll) || 'none'));
      const status = differences.length ? 'differs' : 'same';
      return { ...withStatus(ll, status, differences), labels: ll.labels.map((label) => ({ ...label, status })) };
    },
    (dl) => withStatus(dl, 'only-file'),
    (ll) => withStatus(ll, 'only-host'),
  );
}
