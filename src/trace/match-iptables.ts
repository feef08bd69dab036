// Whether an iptables rule's conditions hold for a packet: the basic fields, the decoded matches, and
// anything unmodelled, which can never be told.

import type { RuleConditions, RuleMatch } from '../model/firewall';
import { markHolds } from './marks';
import { addressHolds, allHold, ctStateHolds, interfaceHolds, portHolds, type MatchContext, type Tri } from './match-context';

function protocolHolds(protocol: string | null, ctx: MatchContext): Tri {
  if (protocol === null || protocol === 'all') return true;
  const negated = protocol.startsWith('!');
  const name = negated ? protocol.slice(1).trim() : protocol;
  const mine = ctx.packet.protocol === 'icmp' && ctx.packet.family === 6 ? ['icmpv6', 'ipv6-icmp', '58'] : [ctx.packet.protocol, { icmp: '1', tcp: '6', udp: '17' }[ctx.packet.protocol]];
  return mine.includes(name) !== negated;
}

const ICMP_TYPES: Readonly<Record<string, string>> = { '8': 'echo-request', '0': 'echo-reply', 'echo-request': 'echo-request', 'echo-reply': 'echo-reply' };

function matchHolds(match: RuleMatch, ctx: MatchContext): Tri {
  const { packet } = ctx;
  switch (match.kind) {
    case 'ctstate': return ctStateHolds(match.states, match.negated, ctx.ct);
    case 'multiport': {
      if (packet.protocol === 'icmp') return false;
      const ports = match.which === 'dports' ? [packet.dport] : match.which === 'sports' ? [packet.sport] : [packet.dport, packet.sport];
      let held: Tri = false;
      for (const port of ports) {
        if (port === null) { if (held !== true) held = { unknown: 'a port is picked by the sender' }; continue; }
        if (match.ports.some((spec) => portHolds(spec, port) === true)) held = true;
      }
      return typeof held === 'object' ? held : held !== match.negated;
    }
    case 'sport': {
      const held = portHolds(match.value, packet.sport);
      return typeof held === 'object' ? held : held !== match.negated;
    }
    case 'addrtype': {
      if (match.type !== 'LOCAL' || match.limitIface !== null) return { unknown: `addrtype ${match.type}${match.limitIface ? ' with --limit-iface' : ''} is not evaluated` };
      const address = match.which === 'dst' ? packet.dst : packet.src;
      if (address === null) return { unknown: 'the address is not chosen yet' };
      return ctx.isLocal(address) !== match.negated;
    }
    case 'icmp-type': {
      if (packet.protocol !== 'icmp') return false;
      const type = ICMP_TYPES[match.value];
      if (!type && match.value !== 'any') return { unknown: `icmp type ${match.value} is not evaluated` };
      return (match.value === 'any' || type === packet.icmpType) !== match.negated;
    }
    case 'mark': return markHolds(match.value, match.mask, match.negated, packet.mark);
    case 'physdev': return { unknown: 'physdev (bridge port) matches are not evaluated' };
  }
}

/** Whether the rule's conditions hold for the packet at this hook. */
export function conditionsHold(rule: RuleConditions, ctx: MatchContext): Tri {
  if (rule.unmodelled?.length) return { unknown: `${rule.unmodelled.join(' ')} is not evaluated` };
  const { packet } = ctx;
  const dport = rule.dport === null ? true : packet.protocol === 'icmp' ? false : portHolds(rule.dport, packet.dport);
  return allHold([
    protocolHolds(rule.protocol, ctx),
    addressHolds(rule.source, packet.src),
    addressHolds(rule.destination, packet.dst),
    interfaceHolds(rule.inInterface, ctx.in),
    interfaceHolds(rule.outInterface, ctx.out),
    dport,
    ...(rule.matches ?? []).map((m) => matchHolds(m, ctx)),
  ]);
}
