// What is written inside each box and port, and so how big each one is. Used by the elk graph builder (to
// size nodes) and by the renderer (to draw the same lines), so the text always fits its box.

import type { BridgeView, DriftStatus, HostView, NamespaceView, OutsideView, PortView } from './model';
import { LINE_HEIGHT, displayText, linesWidth } from './text';

export type LineRole = 'title' | 'info' | 'route' | 'nat' | 'address' | 'warning' | 'firewall';

export interface ContentLine {
  text: string;
  role: LineRole;
  status: DriftStatus;
  /** Set when the line stands for its own element (a route, a NAT rule): it can be selected. */
  id?: string;
}

export const BOX_PAD = 10;
export const PORT_PAD_X = 6;
export const PORT_PAD_Y = 3;
export const MIN_BOX_WIDTH = 120;
export const OUTSIDE_SIZE = { width: 140, height: 40 };

function line(text: string, role: LineRole, status: DriftStatus = 'same', id?: string): ContentLine {
  return id === undefined ? { text: displayText(text, role === 'nat' || role === 'route' || role === 'firewall' ? 64 : undefined), role, status } : { text: displayText(text, 64), role, status, id };
}

function namespaceInfo(ns: NamespaceView): string | null {
  const facts: string[] = [];
  if (ns.forwarding) facts.push('forwarding on');
  // A firewall mark says it already, with where the policy is.
  if (ns.forwardPolicy === 'DROP' && !ns.firewall?.dropPolicies.length) facts.push('FORWARD DROP');
  if (ns.anonymous) facts.push('anonymous');
  if (ns.owner) facts.push(`lab ${ns.owner}`);
  return facts.length ? facts.join(' · ') : null;
}

/** A box lists at most this many routes and as many rules; the rest are counted (the details pane has all). */
export const MAX_LISTED = 8;

/** Lists items, the drifting ones first so that a cut never hides a difference. */
function listed<T extends { status: DriftStatus }>(items: readonly T[], toLine: (item: T) => ContentLine, what: string, role: LineRole, status: DriftStatus): ContentLine[] {
  if (items.length <= MAX_LISTED) return items.map(toLine);
  const ordered = [...items.filter((i) => i.status !== 'same'), ...items.filter((i) => i.status === 'same')];
  const shown = ordered.slice(0, MAX_LISTED - 1).map(toLine);
  return [...shown, line(`… ${items.length - shown.length} more ${what}`, role, status)];
}

/** Forward rules a box lists by their short wording; the rest are counted (the details pane has all). */
export const MAX_FORWARD_RULES = 4;

/**
 * The firewall mark's lines: each drop policy, the count of rules that accept or drop forwarded packets,
 * and the first of them in short words. Live-only facts: drawn with the box's own status, never as drift.
 */
export function firewallLines(ns: NamespaceView): ContentLine[] {
  const firewall = ns.firewall;
  if (!firewall) return [];
  const lines = firewall.dropPolicies.map((policy) => line(`⊘ ${policy}`, 'firewall', ns.status));
  const rules = firewall.forwardRules;
  if (rules.length) {
    const accepts = rules.filter((r) => r.verdict === 'accept').length;
    const counts = [accepts ? `${accepts} accept` : '', rules.length - accepts ? `${rules.length - accepts} drop` : ''].filter(Boolean);
    lines.push(line(`forward rules: ${counts.join(', ')}`, 'firewall', ns.status));
    const shown = rules.length <= MAX_FORWARD_RULES ? rules : rules.slice(0, MAX_FORWARD_RULES - 1);
    lines.push(...shown.map((r) => line(`  ${r.summary}`, 'firewall', ns.status)));
    if (shown.length < rules.length) lines.push(line(`  … ${rules.length - shown.length} more (details)`, 'firewall', ns.status));
  }
  return lines;
}

/** True when the box gets a firewall mark on its edge: forwarding is blocked or filtered there. */
export function hasFirewallMark(ns: NamespaceView): boolean {
  return !!ns.firewall && (ns.firewall.dropPolicies.length > 0 || ns.firewall.forwardRules.length > 0);
}

export function namespaceLines(ns: NamespaceView): ContentLine[] {
  const lines: ContentLine[] = [line(ns.label, 'title', ns.status)];
  const info = namespaceInfo(ns);
  if (info) lines.push(line(info, 'info', ns.status));
  lines.push(...firewallLines(ns));
  lines.push(...loopbackLines(ns));
  lines.push(...listed(ns.routes, (route) => line(`↳ ${route.text}`, 'route', route.status, route.id), 'routes', 'route', ns.status));
  lines.push(...listed(ns.nat, (nat) => line(`nat ${nat.summary}`, 'nat', nat.status, nat.id), 'NAT rules', 'nat', ns.status));
  return lines;
}

export function hostLines(host: HostView): ContentLine[] {
  const lines: ContentLine[] = [line(host.hostName === 'host' ? 'host' : `host ${host.hostName}`, 'title', host.status)];
  const info = namespaceInfo(host);
  if (info) lines.push(line(info, 'info', host.status));
  lines.push(...firewallLines(host));
  lines.push(...loopbackLines(host));
  lines.push(...listed(host.routes, (route) => line(`↳ ${route.text}`, 'route', route.status, route.id), 'routes', 'route', host.status));
  // DNAT and masquerade rules are drawn as arrows and marks; the others (jumps, ACCEPT…) are listed.
  const others = host.hostNat.filter((nat) => nat.action === 'other');
  lines.push(...listed(others, (nat) => line(`nat ${nat.summary}`, 'nat', nat.status, nat.id), 'NAT rules', 'nat', host.status));
  if (host.warnings.length) lines.push(line(`⚠ ${host.warnings.length} warning${host.warnings.length > 1 ? 's' : ''}`, 'warning', host.status));
  return lines;
}

/** `lo up 127.0.0.1/8`; a default loopback (up, the usual addresses) is one short line. */
function loopbackLines(ns: NamespaceView): ContentLine[] {
  return ns.loopbacks.map((lo) => {
    const usual = lo.addresses.every((a) => a === '127.0.0.1/8' || a === '::1/128');
    const text = [lo.name, lo.state === 'up' ? 'up' : 'DOWN', ...(usual ? [] : lo.addresses)].join(' ');
    return line(text, 'info', lo.status, lo.id);
  });
}

export function bridgeLines(bridge: BridgeView): ContentLine[] {
  return [
    line(`bridge ${bridge.name}`, 'title', bridge.status),
    ...bridge.addresses.map((a) => line(a, 'address', bridge.status)),
  ];
}

export function outsideLines(outside: OutsideView): ContentLine[] {
  return [line(outside.label, 'title', outside.status)];
}

export function blockHeight(lines: readonly unknown[]): number {
  return lines.length * LINE_HEIGHT;
}

export function blockWidth(lines: readonly ContentLine[]): number {
  return linesWidth(lines.map((l) => l.text));
}

export function portText(port: PortView): string[] {
  return port.lines.map((l, i) => displayText(l, i === 0 ? 24 : 44));
}

export function portSize(port: PortView): { width: number; height: number } {
  const text = portText(port);
  return { width: Math.max(36, Math.ceil(linesWidth(text)) + 2 * PORT_PAD_X), height: text.length * LINE_HEIGHT + 2 * PORT_PAD_Y };
}
