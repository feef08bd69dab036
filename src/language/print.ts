// printLab: a Lab (typically read from a live host, for `vnet export`) written as canonical .vnet
// source, such that compiling the text gives the same Lab back. What the language cannot express (a
// VXLAN tunnel, a veth whose peer is outside the namespaces shown, an iptables rule with options VNet
// does not model) is kept as a comment, so that nothing disappears silently.

import { parseCidr, parseIp } from '../model/cidr';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import { keywordOf } from './interface-statements';
import { DEFAULT_MACHINE, ROOT_NAMESPACE, type Lab, type LabHost, type Namespace, type NatRule, type NetInterface, type Topology } from '../model/topology';
import { isBuiltinChain } from '../model/iptables';
import { NAT_TARGETS, natTargetTo } from '../model/nat-targets';
import { PORT_PROTOCOLS } from '../model/ports';
import { printExpectation } from './print-expect';
import { formatName, formatTarget } from './quote';
import { isEmptyImpairment, printImpairment, sameImpairment } from '../model/impairment';

const RAW_VALUE = /^[A-Za-z0-9_.:[\]/-]+$/;

function comment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, ' ')}`;
}

class Writer {
  readonly lines: string[] = [];
  private depth = 0;

  line(text: string): void {
    this.lines.push(text === '' ? '' : `${'  '.repeat(this.depth)}${text}`);
  }

  blank(): void {
    if (this.lines.length && this.lines[this.lines.length - 1] !== '') this.lines.push('');
  }

  open(text: string): void {
    this.line(`${text} {`);
    this.depth++;
  }

  close(): void {
    this.depth--;
    this.line('}');
  }
}

function routeDestination(to: string): string {
  if (to === 'default' || parseCidr(to)) return to;
  const ip = parseIp(to);
  return ip ? `${to}/${ip.family === 4 ? 32 : 128}` : to;
}

function matchAddress(value: string): string {
  const cidr = parseCidr(value);
  if (cidr && cidr.prefix === (cidr.family === 4 ? 32 : 128)) return value.slice(0, value.indexOf('/'));
  return value;
}

/** A NAT rule as a statement (without the `nat ` prefix), or null when the language cannot express it. */
function printNatRule(rule: NatRule): string | null {
  if (rule.extra?.length) return null;
  const parts: string[] = [];
  const target = rule.target;
  const action = NAT_TARGETS[target.kind].action;
  if (action === null) return null;
  parts.push(action);
  if (target.kind === 'jump') parts.push(formatName(target.chain));
  const to = natTargetTo(target);
  if (rule.protocol) {
    if (rule.dport) {
      if (!PORT_PROTOCOLS.has(rule.protocol)) return null;
      parts.push(rule.protocol, rule.dport);
    } else {
      parts.push('proto', formatName(rule.protocol));
    }
  } else if (rule.dport) {
    return null;
  }
  if (to !== null) {
    if (!RAW_VALUE.test(to)) return null;
    parts.push('to', to);
  }
  const match = (keyword: string, m: NatRule['source'], address: boolean) => {
    if (!m) return true;
    if (address && !RAW_VALUE.test(m.value)) return false;
    parts.push(`${m.negated ? 'not-' : ''}${keyword}`, address ? matchAddress(m.value) : formatName(m.value));
    return true;
  };
  if (!match('src', rule.source, true) || !match('dst', rule.destination, true)) return null;
  if (!match('in', rule.inInterface, false) || !match('out', rule.outInterface, false)) return null;
  return parts.join(' ');
}

function writeNat(w: Writer, ns: Namespace): void {
  const byChain = new Map<string, NatRule[]>();
  for (const chain of ns.natChains) byChain.set(chain, []);
  for (const rule of ns.nat) {
    const list = byChain.get(rule.chain);
    if (list) list.push(rule); else byChain.set(rule.chain, [rule]);
  }
  for (const [chain, rules] of byChain) {
    const printed = rules.map((rule) => ({ rule, text: printNatRule(rule) }));
    const builtin = isBuiltinChain('nat', chain);
    const inline = builtin && printed.every((p) => p.text === null || NAT_TARGETS[p.rule.target.kind].defaultChain === chain);
    if (inline) {
      for (const p of printed) w.line(p.text === null ? comment(`not expressible in .vnet: ${p.rule.rule}`) : `nat ${p.text}`);
      continue;
    }
    if (printed.length === 0) { w.line(`nat chain ${formatName(chain)}`); continue; }
    w.open(`nat chain ${formatName(chain)}`);
    for (const p of printed) w.line(p.text ?? comment(`not expressible in .vnet: ${p.rule.rule}`));
    w.close();
  }
}

interface PlaceIndex {
  topology: Topology;
  namespaces: Map<string, Namespace>;
  /** Bridge name → namespaces that hold a bridge of that name. */
  bridges: Map<string, string[]>;
}

function indexTopology(topology: Topology): PlaceIndex {
  const namespaces = new Map(topology.namespaces.map((ns) => [ns.name, ns]));
  const bridges = new Map<string, string[]>();
  for (const ns of topology.namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.kind !== 'bridge') continue;
      bridges.set(iface.name, [...(bridges.get(iface.name) ?? []), ns.name]);
    }
  }
  return { topology, namespaces, bridges };
}

function placeName(ns: Namespace): string {
  return ns.root ? 'host' : formatName(ns.name);
}

/** Why a veth end cannot be written as a `veth` statement, or null when it can. */
function vethProblem(index: PlaceIndex, ns: Namespace, iface: NetInterface): string | null {
  if (!iface.peer) return 'its peer is not known';
  const peerNs = index.namespaces.get(iface.peer.namespace);
  const peer = peerNs?.interfaces.find((i) => i.name === iface.peer!.interface);
  if (!peerNs || !peer) return `its peer ${iface.peer.namespace}:${iface.peer.interface} is not among the namespaces read`;
  if (peer.kind !== 'veth' || peer.peer?.namespace !== ns.name || peer.peer.interface !== iface.name) return 'its peer does not point back at it';
  for (const [owner, end] of [[ns, iface], [peerNs, peer]] as const) {
    if (end.master && !owner.interfaces.some((i) => i.name === end.master && i.kind === 'bridge')) {
      return `${end.name} is a port of ${end.master}, which is not a bridge VNet can express`;
    }
  }
  return null;
}

function endpoint(index: PlaceIndex, ns: Namespace, iface: NetInterface): string {
  if (!iface.master) return `${placeName(ns)}:${formatName(iface.name)}`;
  const holders = index.bridges.get(iface.master) ?? [];
  const clash = holders.length > 1 || index.namespaces.has(iface.master) || iface.master === ROOT_NAMESPACE;
  const bridge = formatName(iface.master);
  return clash ? `${placeName(ns)}/${bridge}:${formatName(iface.name)}` : `${bridge}:${formatName(iface.name)}`;
}

function hasContent(ns: Namespace): boolean {
  return ns.forwarding || ns.forwardPolicy !== null || ns.routes.length > 0 || ns.nat.length > 0 || ns.natChains.length > 0
    || ns.interfaces.some((i) => i.kind !== 'veth' || i.addresses.length > 0 || i.mtu !== null || i.state === 'down');
}

/** An interface of a kind a statement declares (`bridge br0 { … }`, `dummy d0 { … }`), with its settings in its block. */
function writeDeclaration(w: Writer, iface: NetInterface, notes: string[]): void {
  const keyword = keywordOf(iface.kind);
  if (keyword === null) return;
  const settings = [
    ...(iface.addresses.length ? [`address ${iface.addresses.join(' ')}`] : []),
    ...(iface.mtu !== null ? [`mtu ${iface.mtu}`] : []),
    ...(iface.state === 'down' ? ['down'] : []),
    ...(iface.impairment && !isEmptyImpairment(iface.impairment) ? [printImpairment(iface.impairment)] : []),
  ];
  const name = `${keyword} ${formatName(iface.name)}`;
  if (settings.length === 0) w.line(name);
  else if (settings.length === 1) w.line(`${name} { ${settings[0]} }`);
  else { w.open(name); settings.forEach((s) => w.line(s)); w.close(); }
  if (iface.master) notes.push(`${keyword} ${iface.name} is a port of ${iface.master}; VNet cannot express that`);
}

function writePlace(w: Writer, index: PlaceIndex, ns: Namespace): void {
  if (!hasContent(ns)) {
    if (!ns.root) w.line(`namespace ${placeName(ns)}`);
    return;
  }
  w.open(ns.root ? 'host' : `namespace ${placeName(ns)}`);
  if (ns.forwarding) w.line('forwarding on');
  if (ns.forwardPolicy) w.line(`forward-policy ${ns.forwardPolicy.toLowerCase()}`);
  const notes: string[] = [];
  for (const iface of ns.interfaces) {
    if (iface.kind === 'loopback' && iface.name === 'lo') {
      w.line(`loopback ${iface.state}`);
      // Written as read (the kernel's own 127.0.0.1/8 and ::1/128 included), so that the file compiles
      // back to exactly this state.
      if (iface.addresses.length) w.line(`address lo ${iface.addresses.join(' ')}`);
      if (iface.mtu !== null) w.line(`link lo mtu ${iface.mtu}`);
    }
  }
  for (const iface of ns.interfaces) writeDeclaration(w, iface, notes);
  for (const iface of ns.interfaces) {
    if (iface.kind === 'veth') {
      const problem = vethProblem(index, ns, iface);
      if (problem) { notes.push(`veth ${iface.name}: ${problem}`); continue; }
      const name = formatName(iface.name);
      if (iface.addresses.length) w.line(`address ${name} ${iface.addresses.join(' ')}`);
      const settings = [...(iface.mtu !== null ? [`mtu ${iface.mtu}`] : []), ...(iface.state === 'down' ? ['down'] : [])];
      if (settings.length) w.line(`link ${name} ${settings.join(' ')}`);
    } else if (keywordOf(iface.kind) === null && !(iface.kind === 'loopback' && iface.name === 'lo')) {
      const what = iface.kind === 'other' && iface.linkKind ? `${iface.linkKind} interface` : INTERFACE_KINDS[iface.kind].label;
      notes.push(`${what} ${iface.name}${iface.addresses.length ? ` (${iface.addresses.join(' ')})` : ''}: not expressible in .vnet`);
    }
  }
  for (const route of ns.routes) {
    const parts = ['route', routeDestination(route.to)];
    if (route.via) parts.push('via', route.via);
    if (route.dev) parts.push('dev', formatName(route.dev));
    w.line(parts.join(' '));
  }
  writeNat(w, ns);
  for (const note of notes) w.line(comment(note));
  w.close();
}

function writeTopology(w: Writer, topology: Topology): void {
  const index = indexTopology(topology);
  const ordered = [...topology.namespaces].sort((a, b) => Number(b.root) - Number(a.root));
  for (const ns of ordered) {
    const before = w.lines.length;
    writePlace(w, index, ns);
    const multiLine = w.lines.length - before > 1;
    if (multiLine) w.blank();
  }
  w.blank();
  const done = new Set<string>();
  // Namespaces first, so that each pair reads from the namespace towards the host or its bridge.
  for (const ns of [...ordered.filter((n) => !n.root), ...ordered.filter((n) => n.root)]) {
    for (const iface of ns.interfaces) {
      if (iface.kind !== 'veth' || vethProblem(index, ns, iface)) continue;
      const key = `${ns.name}\u0000${iface.name}`;
      if (done.has(key)) continue;
      const peerNs = index.namespaces.get(iface.peer!.namespace)!;
      const peer = peerNs.interfaces.find((i) => i.name === iface.peer!.interface)!;
      done.add(key);
      done.add(`${peerNs.name}\u0000${peer.name}`);
      writeVeth(w, `veth ${endpoint(index, ns, iface)} -- ${endpoint(index, peerNs, peer)}`, iface, peer);
    }
  }
}

/** A veth line, with its impairments in its block: one line for both ends when they agree, else `->` and `<-`. */
function writeVeth(w: Writer, line: string, left: NetInterface, right: NetInterface): void {
  const leftText = isEmptyImpairment(left.impairment) ? null : printImpairment(left.impairment!);
  const rightText = isEmptyImpairment(right.impairment) ? null : printImpairment(right.impairment!);
  if (leftText === null && rightText === null) { w.line(line); return; }
  if (leftText !== null && rightText !== null && sameImpairment(left.impairment, right.impairment) && leftText === rightText) {
    w.line(`${line} { ${leftText} }`);
    return;
  }
  w.open(line);
  if (leftText !== null) w.line(`-> ${leftText}`);
  if (rightText !== null) w.line(`<- ${rightText}`);
  w.close();
}

function trimBlankEnd(lines: string[]): void {
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
}

export function printLab(lab: Lab): string {
  const w = new Writer();
  const single = lab.hosts.length === 1 && lab.hosts[0].name === DEFAULT_MACHINE;
  const target = single ? lab.hosts[0].target : null;
  w.line(`lab ${formatName(lab.name)}${target ? ` ssh ${formatTarget(target)}` : ''}`);
  w.blank();
  if (single) {
    writeTopology(w, lab.hosts[0].topology);
  } else {
    for (const host of lab.hosts) writeMachine(w, host);
  }
  if (lab.expectations?.length) {
    trimBlankEnd(w.lines);
    w.blank();
    for (const expectation of lab.expectations) w.line(printExpectation(expectation));
  }
  trimBlankEnd(w.lines);
  return `${w.lines.join('\n')}\n`;
}

function writeMachine(w: Writer, host: LabHost): void {
  w.open(`machine ${formatName(host.name)}${host.target ? ` ssh ${formatTarget(host.target)}` : ''}`);
  writeTopology(w, host.topology);
  trimBlankEnd(w.lines);
  w.close();
  w.blank();
}
