// Hover: what the element under the cursor is, resolved. A namespace shows its links and routes, an
// interface its addresses with their subnets, its peer and bridge, and the gateway its namespace uses;
// an address its subnet and who else is on it; a gateway whose address it is; a keyword its syntax.

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { cidrContains, formatCidr, formatIp, ipOfCidr, networkOf, parseCidr, parseIp, type IpAddress } from '../model/cidr';
import { interfaceTitle } from '../language/interface-statements';
import { MATCHERS, anyStatementInfo } from '../language/keywords';
import { occurrenceAt, type IfaceModel, type PlaceModel, type VnetModel, type VnetSymbol } from '../language/model';
import { addressOwners, addressText, connectedAddresses, describeIface, ipKey } from '../language/net';
import { resolveNatTo } from '../language/nat-target';
import type { Span } from '../language/span';
import type { ImpairStatement, Statement, Word } from '../language/syntax';
import { IMPAIRMENT_FACTS, describeImpairment, isImpairmentSetting, parseImpairmentValue } from '../model/impairment';
import { modelOf, recentModelOf } from './analysis';
import { statementPath } from './cursor';
import { expectHover } from './expect-hover';

function within(span: Span | null | undefined, offset: number): span is Span {
  return !!span && offset >= span.start && offset <= span.end;
}

function subnetLine(cidrText: string): string {
  const cidr = parseCidr(cidrText);
  if (!cidr) return cidrText;
  return `\`${cidrText}\` — subnet ${formatCidr(networkOf(cidr))}`;
}

function routeLines(place: PlaceModel): string[] {
  return place.routes.map((route) => {
    const text = `route ${route.node.to?.text ?? '?'}${route.node.via ? ` via ${route.node.via.text}` : ''}${route.node.dev ? ` dev ${route.node.dev.text}` : ''}`;
    const gateway = route.via ? gatewayOwner(place, route.via) : null;
    return `- \`${text}\`${gateway ? ` — gateway is ${describeIface(gateway)}` : ''}`;
  });
}

function gatewayOwner(place: PlaceModel, via: IpAddress): IfaceModel | null {
  const owners = addressOwners(place.machine).get(ipKey(via)) ?? [];
  return owners.find((o) => o.iface.place !== place)?.iface ?? owners[0]?.iface ?? null;
}

function describePlace(place: PlaceModel): string {
  const lines = [`**${place.root ? 'host (root namespace)' : `namespace ${place.name}`}**${place.machine.statement ? ` on machine ${place.machine.name}` : ''}`, ''];
  lines.push(`forwarding ${place.forwarding ? 'on' : 'off'}${place.forwardPolicy ? `, FORWARD policy ${place.forwardPolicy.toLowerCase()}` : ''}`);
  if (place.order.length) {
    lines.push('', 'Interfaces:');
    for (const iface of place.order) {
      const addresses = iface.addresses.map((a) => a.node.text).join(', ');
      const link = iface.peer ? ` ⇄ ${describeIface(iface.peer)}` : iface.kind === 'bridge' ? ` (ports: ${iface.ports.map((p) => p.name).join(', ') || 'none'})` : '';
      lines.push(`- ${iface.kind} \`${iface.name}\`${addresses ? ` ${addresses}` : ''}${link}${iface.master ? ` on bridge ${iface.master.name}` : ''}`);
    }
  }
  const routes = routeLines(place);
  if (routes.length) lines.push('', 'Routes:', ...routes);
  if (place.nat.length) lines.push('', `${place.nat.length} NAT rule${place.nat.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}

function describeInterface(iface: IfaceModel): string {
  const where = iface.place.root ? 'host' : `namespace ${iface.place.name}`;
  const title = interfaceTitle(iface.kind, iface.name);
  const lines = [`**${title}** in ${where}`, ''];
  for (const address of iface.addresses) lines.push(`- ${subnetLine(address.node.text)}`);
  if (iface.peer) lines.push(`- peer: \`${describeIface(iface.peer)}\`${iface.peer.addresses.length ? ` (${iface.peer.addresses.map((a) => a.node.text).join(', ')})` : ''}`);
  if (iface.master) lines.push(`- port of bridge \`${iface.master.name}\`${iface.master.addresses.length ? ` (${iface.master.addresses.map((a) => a.node.text).join(', ')})` : ''}`);
  if (iface.kind === 'bridge') lines.push(`- ports: ${iface.ports.map((p) => `\`${p.name}\`${p.peer ? ` ⇄ ${describeIface(p.peer)}` : ''}`).join(', ') || 'none'}`);
  if (iface.mtu !== null) lines.push(`- mtu ${iface.mtu}`);
  if (iface.impairment) lines.push(`- sends with ${describeImpairment(iface.impairment)}`);
  lines.push(`- state ${iface.down ? 'down' : 'up'}`);
  // The gateway traffic from this interface's namespace takes, when it leaves through this interface.
  for (const route of iface.place.routes) {
    if (!route.via) continue;
    const onThis = iface.addresses.some((a) => a.cidr && cidrContains(a.cidr, route.via!));
    if (!onThis) continue;
    const owner = gatewayOwner(iface.place, route.via);
    lines.push(`- gateway for \`${route.node.to?.text}\`: ${formatIp(route.via)}${owner ? ` (${describeIface(owner)})` : ''}`);
  }
  return lines.join('\n');
}

function describeSymbol(symbol: VnetSymbol, model: VnetModel): string {
  switch (symbol.kind) {
    case 'namespace': return describePlace(symbol.place!);
    case 'interface': return describeInterface(symbol.iface!);
    case 'chain': {
      const chain = symbol.chain!;
      const rules = chain.place.nat.filter((r) => r.chain === chain.name);
      const jumps = chain.place.nat.filter((r) => r.jump === chain);
      return [`**nat chain ${chain.name}** in ${chain.place.name}`, '', `${rules.length} rule${rules.length === 1 ? '' : 's'}; jumped to from ${jumps.length} rule${jumps.length === 1 ? '' : 's'} (${[...new Set(jumps.map((j) => j.chain))].join(', ') || 'none'})`].join('\n');
    }
    case 'machine': {
      const machine = symbol.machine!;
      return `**machine ${machine.name}**${machine.ssh ? ` reached with \`ssh ${machine.ssh.text}\`` : ''}\n\n${machine.places.size - 1} namespaces, ${machine.veths.length} veth pairs`;
    }
    case 'lab': {
      const machines = model.machines;
      return `**lab ${symbol.name}**\n\nEverything apply creates is marked \`vnet:${symbol.name}\`, so that destroy removes only that.\n\n${machines.length} machine${machines.length === 1 ? '' : 's'}, ${machines.reduce((n, m) => n + m.places.size - 1, 0)} namespaces`;
    }
  }
}

function placeOf(model: VnetModel, path: Statement[]): PlaceModel | null {
  const statement = [...path].reverse().find((s) => s.kind === 'root-namespace' || s.kind === 'namespace');
  if (!statement) return null;
  for (const machine of model.machines) for (const place of machine.places.values()) if ((place.statements as Statement[]).includes(statement)) return place;
  return null;
}

function describeAddressWord(place: PlaceModel | null, word: Word): string | null {
  const cidr = parseCidr(word.text);
  if (!cidr) return null;
  const network = networkOf(cidr);
  const lines = [`**${word.text}**`, '', `subnet ${formatCidr(network)}${cidr.family === 4 && cidr.prefix <= 30 ? `, ${2 ** (32 - cidr.prefix) - 2} host addresses` : ''}`];
  if (place) {
    const others: string[] = [];
    for (const p of place.machine.places.values()) {
      for (const a of connectedAddresses(p)) {
        if (a.node === word || !cidrContains(network, ipOfCidr(a.cidr!))) continue;
        others.push(`\`${addressText(a)}\` ${describeIface(a.iface)}`);
      }
    }
    if (others.length) lines.push('', `Also on this subnet: ${others.join(', ')}`);
  }
  return lines.join('\n');
}

function describeGateway(place: PlaceModel, text: string): string | null {
  const ip = parseIp(text);
  if (!ip) return null;
  const owner = gatewayOwner(place, ip);
  const via = connectedAddresses(place).find((a) => cidrContains(a.cidr!, ip));
  return [`**gateway ${text}**`, '', owner ? `is ${describeIface(owner)}` : 'is not an address of this lab', via ? `reached over \`${via.iface.name}\` (${formatCidr(networkOf(via.cidr!))})` : `on none of ${place.name}'s subnets`].join('\n\n');
}

/** A setting of an impairment line: what it does; its value: what it means in the model's units. */
function describeImpairmentWord(statement: ImpairStatement, offset: number): string | null {
  for (const setting of statement.settings) {
    const word = setting.keyword.text;
    if (!isImpairmentSetting(word)) continue;
    const facts = IMPAIRMENT_FACTS[word];
    if (within(setting.keyword.span, offset)) return `\`${facts.syntax}\`\n\n${facts.summary}`;
    if (setting.value && within(setting.value.span, offset)) {
      const parsed = parseImpairmentValue(word, setting.value.text);
      if ('error' in parsed) return parsed.error;
      return `**${describeImpairment({ [facts.field]: parsed.value })}** on every packet the interface sends`;
    }
  }
  return null;
}

function describeWord(model: VnetModel, offset: number): string | null {
  const path = statementPath(model.syntax.statements, offset);
  const statement = path[path.length - 1];
  if (!statement) return null;
  const place = placeOf(model, path);
  if (within(statement.keyword, offset)) {
    const keyword = model.text.slice(statement.keyword.start, statement.keyword.end);
    const info = anyStatementInfo(keyword);
    if (info) return `\`${info.syntax}\`\n\n${info.summary}`;
  }
  const rule = statement.kind === 'nat' ? statement.rule : statement.kind === 'nat-rule' ? statement : null;
  if (rule) {
    if (within(rule.keyword, offset)) {
      const info = anyStatementInfo(model.text.slice(rule.keyword.start, rule.keyword.end));
      if (info) return `\`${info.syntax}\`\n\n${info.summary}`;
    }
    for (const matcher of rule.matchers) {
      if (within(matcher.keyword, offset)) {
        const info = MATCHERS.find((m) => m.keyword === model.text.slice(matcher.keyword.start, matcher.keyword.end));
        if (info) return `\`${info.syntax}\`\n\n${info.summary}`;
      }
      if ((matcher.kind === 'src' || matcher.kind === 'dst') && within(matcher.value?.span, offset)) {
        return describeAddressWord(place, { span: matcher.value!.span, text: matcher.value!.text });
      }
    }
    if (within(rule.to?.span, offset) && place) {
      const natRule = place.nat.find((r) => r.node === rule);
      const resolved = natRule ? resolveNatTo(natRule) : null;
      if (resolved?.kind === 'address') {
        const owner = addressOwners(place.machine).get(ipKey(resolved.address.first))?.[0];
        return `**to ${resolved.address.canonical}**${owner ? `\n\n${describeIface(owner.iface)}` : ''}`;
      }
    }
  }
  if (statement.kind === 'impair') {
    const text = describeImpairmentWord(statement, offset);
    if (text) return text;
  }
  if (statement.kind === 'address') {
    const word = statement.cidrs.find((c) => within(c.span, offset));
    if (word) return describeAddressWord(place, word);
  }
  if (statement.kind === 'route' && place) {
    if (within(statement.via?.span, offset)) return describeGateway(place, statement.via!.text);
    if (within(statement.to?.span, offset) && statement.to!.text !== 'default') return describeAddressWord(place, statement.to!);
  }
  return null;
}

export function hoverAt(document: TextDocument, position: Position): Hover | null {
  // The latest analysis answers when the cursor is outside what changed since; otherwise analyse now.
  let recent = recentModelOf(document);
  let offset = recent.toModel(document.offsetAt(position));
  if (offset === null) {
    const model = modelOf(document);
    recent = { model, toModel: (o) => o, fromModel: (s) => s, unchangedBefore: model.text.length, fresh: true };
    offset = document.offsetAt(position);
  }
  const model = recent.model;
  const occurrence = occurrenceAt(model, offset);
  if (!occurrence) {
    // An expectation's verdict comes from the current text, never from a stale analysis.
    const current = modelOf(document);
    const top = statementPath(current.syntax.statements, document.offsetAt(position))[0];
    if (top?.kind === 'expect') return { contents: { kind: MarkupKind.Markdown, value: expectHover(document, top) } };
  }
  if (occurrence) {
    const span = recent.fromModel(occurrence.span);
    return {
      contents: { kind: MarkupKind.Markdown, value: describeSymbol(occurrence.symbol, model) },
      ...(span ? { range: { start: document.positionAt(span.start), end: document.positionAt(span.end) } } : {}),
    };
  }
  const text = describeWord(model, offset);
  return text ? { contents: { kind: MarkupKind.Markdown, value: text } } : null;
}
