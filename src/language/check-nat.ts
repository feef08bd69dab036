// NAT rules: well-formed matches and translations, IPv4 only (VNet manages iptables, not ip6tables),
// DNAT targets that some namespace actually answers at, one DNAT per protocol and host port, and the
// namespace settings NAT depends on (forwarding on, FORWARD policy not drop).

import { cidrContains, formatCidr, hasHostBits, networkOf, parseCidr, parseIp } from '../model/cidr';
import { checkInterfaceName, printable } from '../model/names';
import type { CheckContext, MachineFacts } from './check-context';
import { insertIntoPlace } from './edits';
import type { NatRuleModel, PlaceModel } from './model';
import { connectedAddresses, describeIface, ipKey } from './net';
import { resolveNatTo } from './nat-target';
import { PORT_PROTOCOLS, validPort } from '../model/ports';
import type { Matcher } from './syntax';

const TRANSLATING = new Set(['masquerade', 'snat', 'dnat']);

function checkAddressMatch(context: CheckContext, matcher: Matcher): void {
  const value = matcher.value;
  if (!value) return;
  const text = value.text;
  const ip = parseIp(text);
  const cidr = ip ? null : parseCidr(text);
  if (!ip && !cidr) {
    context.report(value.span, 'VN-ADDR-INVALID', `"${printable(text)}" is not an address or subnet. Write one like 192.168.0.0/24 or 10.85.0.254.`);
    return;
  }
  const family = ip ? ip.family : cidr!.family;
  if (family === 6) {
    context.report(value.span, 'VN-ADDR-FAMILY', `${text} is IPv6, but VNet's NAT rules are iptables (IPv4) rules. Use an IPv4 address or subnet.`);
    return;
  }
  if (cidr && hasHostBits(cidr)) {
    const fixed = formatCidr(networkOf(cidr));
    context.report(value.span, 'VN-ADDR-HOSTBITS',
      `${text} has host bits set; iptables matches the subnet ${fixed} and shows it that way. Write ${fixed}.`,
      [{ title: `Change to ${fixed}`, edits: [{ span: value.span, newText: fixed }] }], 'warning');
  }
}

function checkInterfaceMatch(context: CheckContext, matcher: Matcher): void {
  const value = matcher.value;
  if (!value) return;
  // iptables accepts a trailing + as "any interface starting with".
  const name = value.text.endsWith('+') ? value.text.slice(0, -1) || 'x' : value.text;
  const problem = checkInterfaceName(name);
  if (problem) context.report(value.span, problem.code, problem.message);
}

function checkPort(context: CheckContext, matcher: Matcher): void {
  const port = matcher.port;
  if (!port) return;
  if (!validPort(port.text, ':')) {
    context.report(port.span, 'VN-NAT-PORT', `Port "${printable(port.text)}" must be a number from 1 to 65535, or a range like 8000:8080.`);
  }
}

function checkMatchers(context: CheckContext, rule: NatRuleModel): void {
  const seen = new Map<string, Matcher>();
  for (const matcher of rule.node.matchers) {
    const earlier = seen.get(matcher.kind);
    if (earlier) {
      context.report(matcher.span, 'VN-SYNTAX-EXTRA', `This rule already matches ${matcher.kind === 'proto' ? 'a protocol' : matcher.kind} (${context.model.text.slice(earlier.span.start, earlier.span.end)}). iptables takes one: keep one.`);
      continue;
    }
    seen.set(matcher.kind, matcher);
    if (matcher.kind === 'src' || matcher.kind === 'dst') checkAddressMatch(context, matcher);
    else if (matcher.kind === 'in' || matcher.kind === 'out') checkInterfaceMatch(context, matcher);
    else checkPort(context, matcher);
  }
  const inMatch = seen.get('in');
  if (inMatch && rule.chain === 'POSTROUTING') {
    context.report(inMatch.keyword, 'VN-SYNTAX-CONTEXT', `${rule.action} rules run in POSTROUTING, where the incoming interface is unknown: match with \`out\`/\`not-out\` instead.`);
  }
  const outMatch = seen.get('out');
  if (outMatch && rule.chain === 'PREROUTING') {
    context.report(outMatch.keyword, 'VN-SYNTAX-CONTEXT', 'dnat rules run in PREROUTING, before the outgoing interface is known: match with `in`/`not-in` instead.');
  }
}

function checkTarget(context: CheckContext, facts: MachineFacts, rule: NatRuleModel): void {
  const node = rule.node;
  const needsTo = rule.action === 'snat' || rule.action === 'dnat';
  if (!node.to) {
    if (needsTo) {
      const example = rule.action === 'dnat' ? 'dnat tcp 8080 to 192.168.0.2:80' : 'snat to 10.0.0.5 src 192.168.0.0/24';
      context.report(node.action!.span, 'VN-NAT-TO', `${rule.action} needs \`to\`: where to translate to, as in \`${example}\`.`);
    }
    return;
  }
  if (!needsTo) {
    context.report(node.to.span, 'VN-NAT-TO', `${rule.action} translates nothing, so it takes no \`to\`. Remove it, or use dnat/snat.`);
    return;
  }
  const resolved = resolveNatTo(rule);
  if (!resolved) return;
  if (resolved.kind === 'error') {
    if (resolved.message) context.report(node.to.span, resolved.code, resolved.message);
    return;
  }
  const { address } = resolved;
  if (address.first.family === 6) {
    context.report(node.to.span, 'VN-ADDR-FAMILY', `${node.to.text} is IPv6, but VNet's NAT rules are iptables (IPv4) rules. Translate to an IPv4 address.`);
    return;
  }
  const protocol = node.matchers.find((m) => m.kind === 'proto')?.value?.text;
  if (address.port !== null && (!protocol || !PORT_PROTOCOLS.has(protocol))) {
    context.report(node.to.span, 'VN-NAT-PORT', `Translating to a port needs a protocol: add \`tcp\` or \`udp\` (e.g. \`${rule.action} tcp 8080 to ${node.to.text}\`).`);
  }
  if (rule.action !== 'dnat' || node.to.namespace) return;
  if ((facts.owners.get(ipKey(address.first)) ?? []).length > 0) return;
  const inSubnet = [...facts.machine.places.values()].flatMap(connectedAddresses).find((a) => cidrContains(a.cidr!, address.first));
  if (inSubnet) {
    context.report(node.to.span, 'VN-NAT-TARGET-UNUSED',
      `No interface has ${address.canonical.split(':')[0]}, though it is in ${formatCidr(networkOf(inSubnet.cidr!))} (${describeIface(inSubnet.iface)}). Translated traffic would find nobody: use the address of the namespace that serves it.`);
  } else {
    context.report(node.to.span, 'VN-NAT-TARGET-SUBNET',
      `${address.canonical.split(':')[0]} is in no subnet this lab declares, so translated traffic goes out the default route instead of to a namespace. Use a namespace's address, or \`to NAMESPACE:PORT\`.`);
  }
}

function checkDuplicatePorts(context: CheckContext, place: PlaceModel): void {
  const seen = new Map<string, NatRuleModel>();
  for (const rule of place.nat) {
    if (rule.action !== 'dnat') continue;
    const proto = rule.node.matchers.find((m) => m.kind === 'proto');
    if (!proto?.port || !proto.value) continue;
    const match = (kind: string) => {
      const m = rule.node.matchers.find((x) => x.kind === kind);
      return m?.value ? `${m.negated ? '!' : ''}${m.value.text}` : '';
    };
    const key = [rule.chain, proto.value.text, proto.port.text, match('in'), match('dst')].join('\u0000');
    const earlier = seen.get(key);
    if (earlier) {
      context.report(proto.span, 'VN-NAT-DUPLICATE-PORT',
        `${proto.value.text} port ${proto.port.text} is already forwarded on line ${context.lineOf(earlier.node.span)}; only the first rule ever matches. Remove one, or use another host port.`);
    } else {
      seen.set(key, rule);
    }
  }
}

function checkPlaceSettings(context: CheckContext, place: PlaceModel): void {
  const translating = place.nat.find((r) => TRANSLATING.has(r.action));
  if (translating && !place.forwarding) {
    context.report(translating.node.keyword, 'VN-FORWARDING-OFF',
      `${place.name} translates traffic between its links, but forwarding is off there, so the kernel drops that traffic. Add \`forwarding on\`.`,
      [{ title: `Turn forwarding on in ${place.name}`, edits: [insertIntoPlace(context.model, place, 'forwarding on')] }]);
  }
  if (place.forwardPolicy === 'DROP' && (place.forwarding || translating)) {
    const node = place.statements.flatMap((s) => s.body?.statements ?? []).find((s) => s.kind === 'forward-policy');
    if (node) {
      context.report(node.span, 'VN-FORWARD-POLICY-DROP',
        `FORWARD policy drop blocks everything ${place.name} forwards, and VNet does not write filter rules. Use \`forward-policy accept\`, or add the ACCEPT rules yourself.`);
    }
  }
}

export function checkNat(context: CheckContext): void {
  for (const facts of context.facts) {
    for (const place of facts.machine.places.values()) {
      for (const rule of place.nat) {
        checkMatchers(context, rule);
        checkTarget(context, facts, rule);
      }
      checkDuplicatePorts(context, place);
      checkPlaceSettings(context, place);
    }
  }
}
