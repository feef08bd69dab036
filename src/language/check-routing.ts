// Routes and the mistakes that make traffic vanish: a destination with host bits, a gateway off every
// link of the namespace or behind a namespace that does not forward, two routes to one place, one subnet
// on two interfaces (replies leave by the wrong one), and masqueraded namespaces with no way out.

import { formatCidr, formatIp, networkOf, parseCidr, parseIp, type Cidr, type IpAddress } from '../model/cidr';
import { printable } from '../model/names';
import type { CheckContext, MachineFacts } from './check-context';
import { insertIntoPlace } from './edits';
import type { AddressModel, IfaceModel, PlaceModel, RouteModel } from './model';
import { addressText, connectedAddresses, describeIface, ipKey, networkKey, subnetsHolding } from './net';
import { fastContains, fastFormatNetwork, isNetworkAddress, networkKeyOf } from './fast-cidr';

function checkDestination(context: CheckContext, route: RouteModel): Cidr | 'default' | null {
  const node = route.node.to;
  if (!node) return null;
  if (route.to === 'default') return 'default';
  if (route.to === null) {
    const ip = parseIp(node.text);
    if (ip) {
      const bits = ip.family === 4 ? 32 : 128;
      context.report(node.span, 'VN-ADDR-INVALID',
        `Write the destination with its prefix length: ${node.text}/${bits} for this one address, or the subnet it is in.`,
        [{ title: `Add /${bits}`, edits: [{ span: { start: node.span.end, end: node.span.end }, newText: `/${bits}` }] }]);
    } else {
      context.report(node.span, 'VN-ADDR-INVALID', `"${printable(node.text)}" is not a destination. Write \`default\` or a subnet such as 192.168.2.0/24.`);
    }
    return null;
  }
  if (!isNetworkAddress(route.to)) {
    const fixed = fastFormatNetwork(route.to);
    context.report(node.span, 'VN-ADDR-HOSTBITS',
      `${node.text} has host bits set; a route goes to a subnet, and the kernel refuses this one. Write ${fixed}.`,
      [{ title: `Change to ${fixed}`, edits: [{ span: node.span, newText: fixed }] }]);
  }
  return route.to;
}

function checkGatewayText(context: CheckContext, route: RouteModel): IpAddress | null {
  const node = route.node.via;
  if (!node) return null;
  if (route.via) return route.via;
  const cidr = parseCidr(node.text);
  if (cidr) {
    const ip = formatIp({ family: cidr.family, value: cidr.address });
    context.report(node.span, 'VN-ADDR-INVALID', `A gateway is one address, without a prefix length: write ${ip}.`,
      [{ title: `Change to ${ip}`, edits: [{ span: node.span, newText: ip }] }]);
  } else {
    context.report(node.span, 'VN-ADDR-INVALID', `"${printable(node.text)}" is not an address. Write the gateway as an address such as 192.168.0.1.`);
  }
  return null;
}

/** Addresses on the far side of the place's links: the gateways it could use. */
function gatewayCandidates(facts: MachineFacts, place: PlaceModel, family: number | null): AddressModel[] {
  const mine = place.order.filter((i) => i.kind !== 'loopback');
  const out: AddressModel[] = [];
  for (const other of facts.machine.places.values()) {
    if (other === place) continue;
    for (const iface of other.order) {
      if (iface.kind === 'loopback' || !mine.some((m) => facts.links.sameLink(m, iface))) continue;
      for (const address of iface.addresses) if (address.cidr && (family === null || address.cidr.family === family)) out.push(address);
    }
  }
  return out;
}

function checkGateway(context: CheckContext, facts: MachineFacts, route: RouteModel, via: IpAddress): void {
  const place = route.place;
  const node = route.node.via!;
  const self = connectedAddresses(place).find((a) => a.cidr!.family === via.family && a.cidr!.address === via.value);
  if (self) {
    context.report(node.span, 'VN-ROUTE-GATEWAY-SELF',
      `${node.text} is ${place.name}'s own address (on ${self.iface.name}); a gateway is the next hop on another machine or namespace. Use the address at the other end of the link.`);
    return;
  }
  const holding = subnetsHolding(place, via, route.dev);
  if (holding.length === 0) {
    if (place.root && !route.dev) {
      context.report(node.span, 'VN-ROUTE-GATEWAY-EXTERNAL',
        `${node.text} is on none of the subnets this lab gives the host; it must be reachable through one of the host's own interfaces (e.g. its LAN on eth0).`);
      return;
    }
    const subnets = connectedAddresses(place).filter((a) => !route.dev || a.iface === route.dev)
      .map((a) => `${formatCidr(networkOf(a.cidr!))} on ${a.iface.name}`);
    const candidates = gatewayCandidates(facts, place, via.family).map(addressText);
    const scope = route.dev ? `${route.dev.name}'s` : `${place.name}'s`;
    context.report(node.span, 'VN-ROUTE-GATEWAY',
      `Gateway ${node.text} is on none of ${scope} subnets (${subnets.length ? subnets.join(', ') : 'it has no addresses'}), so the kernel refuses the route. ` +
      (candidates.length ? `Use an address at the other end of one of its links: ${[...new Set(candidates)].slice(0, 3).join(', ')}.` : 'Give the namespace an address on the gateway\'s subnet.'),
      candidates.length === 1 ? [{ title: `Change to ${candidates[0]}`, edits: [{ span: node.span, newText: candidates[0] }] }] : undefined);
    return;
  }
  const owners = (facts.owners.get(ipKey(via)) ?? []).filter((o) => o.iface.place !== place);
  if (owners.length === 0) return;
  const reachable = owners.filter((o) => holding.some((h) => facts.links.sameLink(h.iface, o.iface)));
  if (reachable.length === 0) {
    context.report(node.span, 'VN-ROUTE-GATEWAY',
      `${node.text} belongs to ${describeIface(owners[0].iface)}, which is not on the same link as ${holding.map((h) => h.iface.name).join(' or ')}, so it never answers. Use the address at the other end of ${holding[0].iface.name}'s link, or connect them.`);
    return;
  }
  const owner = reachable[0].iface.place;
  if (!owner.forwarding && owner !== place) {
    context.report(node.span, 'VN-FORWARDING-OFF',
      `${place.name} routes through ${owner.name} (${node.text}), but forwarding is off in ${owner.name}, so it drops the traffic. Add \`forwarding on\` to ${owner.root ? 'the host block' : owner.name}.`,
      [{ title: `Turn forwarding on in ${owner.name}`, edits: [insertIntoPlace(context.model, owner, 'forwarding on')] }]);
  }
}

function checkSharedSubnets(context: CheckContext, place: PlaceModel): void {
  const first = new Map<string, AddressModel>();
  for (const address of connectedAddresses(place)) {
    if (address.iface.master) continue;
    const key = networkKey(address.cidr!);
    const earlier = first.get(key);
    if (!earlier) { first.set(key, address); continue; }
    if (earlier.iface === address.iface) continue;
    const subnet = fastFormatNetwork(address.cidr!);
    context.report(address.node.span, 'VN-ROUTE-SUBNET-SHARED',
      `${subnet} is on both ${earlier.iface.name} (line ${context.lineOf(earlier.node.span)}) and ${address.iface.name} in ${place.name}. ` +
      `${place.name} then has two routes to ${subnet} and uses only the first, so replies to the other side leave by the wrong interface and never arrive. ` +
      'Give each link its own subnet, or put both sides on one bridge.');
  }
}

function routeFamily(to: Cidr | 'default' | null, via: IpAddress | null): number {
  if (to && to !== 'default') return to.family;
  return via?.family ?? 4;
}

/** Subnets whose traffic a place masquerades or source-NATs; null in the list means "any source". */
function masqueradedSources(place: PlaceModel): { cidr: Cidr | null; line: number }[] {
  const out: { cidr: Cidr | null; line: number }[] = [];
  const translating = (chain: string) => place.nat.some((r) => r.chain === chain && (r.action === 'masquerade' || r.action === 'snat'));
  for (const rule of place.nat) {
    const applies = rule.action === 'masquerade' || rule.action === 'snat' || (rule.action === 'jump' && rule.jump !== null && translating(rule.jump.name));
    if (!applies || rule.chainModel && !rule.chainModel.builtin) continue;
    const src = rule.node.matchers.find((m) => m.kind === 'src');
    if (src?.negated) continue;
    const text = src?.value?.text;
    const cidr = text ? parseCidr(text) ?? (parseIp(text) ? parseCidr(`${text}/${text.includes(':') ? 128 : 32}`) : null) : null;
    if (text && !cidr) continue;
    out.push({ cidr, line: rule.node.span.start });
  }
  return out;
}

function checkEgress(context: CheckContext, facts: MachineFacts): void {
  const warned = new Set<PlaceModel>();
  for (const masquerader of facts.machine.places.values()) {
    const sources = masqueradedSources(masquerader);
    if (sources.length === 0) continue;
    // The masquerading namespace's addresses by link, to find each namespace's gateway in one lookup.
    const byLink = new Map<IfaceModel, AddressModel[]>();
    for (const iface of masquerader.order) {
      if (iface.kind === 'loopback') continue;
      const root = facts.links.find(iface);
      const list = byLink.get(root) ?? [];
      list.push(...iface.addresses.filter((a) => a.cidr));
      byLink.set(root, list);
    }
    for (const place of facts.machine.places.values()) {
      if (place === masquerader || place.root || warned.has(place)) continue;
      if (place.routes.some((r) => r.to === 'default')) continue;
      let hit: { address: AddressModel; line: number } | null = null;
      for (const address of connectedAddresses(place)) {
        const ip = { family: address.cidr!.family, value: address.cidr!.address };
        const source = sources.find((s) => (s.cidr ? fastContains(s.cidr, ip) : byLink.has(facts.links.find(address.iface))));
        if (source) { hit = { address, line: source.line }; break; }
      }
      if (!hit) continue;
      warned.add(place);
      const target = hit.address.cidr!;
      const gateway = (byLink.get(facts.links.find(hit.address.iface)) ?? [])
        .find((a) => a.cidr!.family === target.family && fastContains(a.cidr!, { family: target.family, value: target.address }));
      const declaration = place.statements[0]?.name?.span ?? place.statements[0]?.keyword;
      if (!declaration) continue;
      const via = gateway ? addressText(gateway) : null;
      context.report(declaration, 'VN-ROUTE-NO-EGRESS',
        `Traffic from ${place.name} (${addressText(hit.address)}) is masqueraded by ${masquerader.name} (line ${context.model.lines.lineOf(hit.line) + 1}), but ${place.name} has no default route, so it never sends any out. ` +
        (via ? `Add \`route default via ${via}\`.` : `Add a default route via ${masquerader.name}'s address on its link.`),
        via ? [{ title: `Add route default via ${via}`, edits: [insertIntoPlace(context.model, place, `route default via ${via}`)] }] : undefined);
    }
  }
}

export function checkRouting(context: CheckContext): void {
  for (const facts of context.facts) {
    for (const place of facts.machine.places.values()) {
      const seen = new Map<string, RouteModel>();
      for (const route of place.routes) {
        const to = checkDestination(context, route);
        const via = checkGatewayText(context, route);
        if (to && to !== 'default' && via && to.family !== via.family) {
          context.report(route.node.via!.span, 'VN-ADDR-FAMILY',
            `The destination is IPv${to.family} but the gateway ${route.node.via!.text} is IPv${via.family}. Use a gateway of the same family.`);
          continue;
        }
        if (to) {
          const key = `${routeFamily(to, via)}:${to === 'default' ? 'default' : networkKeyOf(to)}`;
          const earlier = seen.get(key);
          if (earlier) {
            context.report(route.node.to!.span, 'VN-ROUTE-DUPLICATE',
              `${place.name} already has a route to ${route.node.to!.text} (line ${context.lineOf(earlier.node.span)}); the kernel refuses a second one. Keep one.`);
          } else {
            seen.set(key, route);
          }
        }
        if (via) checkGateway(context, facts, route, via);
      }
      checkSharedSubnets(context, place);
    }
    checkEgress(context, facts);
  }
}

