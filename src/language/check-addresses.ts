// Addresses on interfaces: that they parse and carry a prefix, are not a subnet's network or broadcast
// address, appear once per namespace and link, and that the ends of a link share an address family.
// MTUs are checked here too, since the IPv6 minimum depends on the addresses.

import { formatCidr, parseIp } from '../model/cidr';
import { ipKeyOf, v4Bounds } from './fast-cidr';
import { printable } from '../model/names';
import type { CheckContext } from './check-context';
import type { AddressModel, IfaceModel } from './model';
import { describeIface } from './net';

function checkAddressText(context: CheckContext, address: AddressModel): void {
  const text = address.node.text;
  if (address.cidr) return;
  const ip = parseIp(text);
  if (ip) {
    const prefix = ip.family === 4 ? 24 : 64;
    context.report(address.node.span, 'VN-ADDR-INVALID',
      `${text} has no prefix length. Write the address with its subnet, e.g. ${text}/${prefix}, so that the kernel knows which addresses are on the link.`,
      [{ title: `Add /${prefix}`, edits: [{ span: { start: address.node.span.end, end: address.node.span.end }, newText: `/${prefix}` }] }]);
    return;
  }
  context.report(address.node.span, 'VN-ADDR-INVALID',
    `"${printable(text)}" is not an address with a prefix length. Write one like 192.168.0.2/24 or fd00::2/64.`);
}

function checkNetworkAddress(context: CheckContext, address: AddressModel): void {
  const cidr = address.cidr!;
  if (cidr.family !== 4 || cidr.prefix > 30) return;
  const { network, broadcast, address: value } = v4Bounds(cidr);
  if (value !== network && value !== broadcast) return;
  const inside = formatCidr({ ...cidr, address: BigInt(network + 1) });
  context.report(address.node.span, 'VN-ADDR-NETWORK', value === network
    ? `${formatCidr(cidr)} is the network address of its subnet, not a host address. Use an address inside it, e.g. ${inside}.`
    : `${formatCidr(cidr)} is the broadcast address of its subnet. Use an address inside it, e.g. ${inside}.`);
}

function checkMtu(context: CheckContext, iface: IfaceModel): void {
  if (iface.mtu === null || !iface.mtuNode) return;
  if (iface.mtu < 68 || iface.mtu > 65535) {
    context.report(iface.mtuNode.span, 'VN-LINK-MTU', `MTU ${iface.mtu} is outside what Linux accepts (68–65535). Use 1500 unless you know better.`);
  } else if (iface.mtu < 1280 && iface.addresses.some((a) => a.cidr?.family === 6)) {
    context.report(iface.mtuNode.span, 'VN-LINK-MTU',
      `${iface.name} has IPv6 addresses, and IPv6 needs an MTU of at least 1280; the kernel drops them at ${iface.mtu}. Raise the MTU.`);
  }
}

export function checkAddresses(context: CheckContext): void {
  for (const { machine, links } of context.facts) {
    // IP → first address seen, per namespace and per link.
    const perLink = new Map<string, AddressModel>();
    const linkIds = new Map<IfaceModel, number>();
    const familiesByLink = new Map<IfaceModel, { iface: IfaceModel; families: Set<number> }[]>();
    for (const place of machine.places.values()) {
      const perPlace = new Map<string, AddressModel>();
      for (const iface of place.order) {
        checkMtu(context, iface);
        const families = new Set<number>();
        for (const address of iface.addresses) {
          checkAddressText(context, address);
          if (!address.cidr) continue;
          families.add(address.cidr.family);
          checkNetworkAddress(context, address);
          const key = ipKeyOf(address.cidr.family, address.cidr.address);
          const earlier = perPlace.get(key);
          if (earlier) {
            context.report(address.node.span, 'VN-ADDR-DUPLICATE', earlier.iface === iface
              ? `${address.node.text} is already on ${iface.name} (line ${context.lineOf(earlier.node.span)}). Remove one.`
              : `${formatCidr(address.cidr).split('/')[0]} is already on ${earlier.iface.name} in ${place.name} (line ${context.lineOf(earlier.node.span)}). An address belongs on one interface: remove one.`);
            continue;
          }
          perPlace.set(key, address);
          if (iface.kind === 'loopback') continue;
          const root = links.find(iface);
          let id = linkIds.get(root);
          if (id === undefined) { id = linkIds.size; linkIds.set(root, id); }
          const linkKey = `${id}/${key}`;
          const onLink = perLink.get(linkKey);
          if (onLink) {
            context.report(address.node.span, 'VN-ADDR-DUPLICATE',
              `${formatCidr(address.cidr).split('/')[0]} is also on ${describeIface(onLink.iface)}, on the same link (line ${context.lineOf(onLink.node.span)}). Two hosts with one address break ARP: change one.`);
          } else {
            perLink.set(linkKey, address);
          }
        }
        if (families.size > 0 && iface.kind !== 'loopback') {
          const root = links.find(iface);
          const list = familiesByLink.get(root) ?? [];
          list.push({ iface, families });
          familiesByLink.set(root, list);
        }
      }
    }
    for (const members of familiesByLink.values()) {
      for (let i = 1; i < members.length; i++) {
        const current = members[i];
        const disjoint = members.slice(0, i).find((m) => ![...m.families].some((f) => current.families.has(f)));
        if (!disjoint) continue;
        const mine = [...current.families].map((f) => `IPv${f}`).join('/');
        const theirs = [...disjoint.families].map((f) => `IPv${f}`).join('/');
        const at = current.iface.addresses.find((a) => a.cidr)!.node.span;
        context.report(at, 'VN-ADDR-FAMILY',
          `${describeIface(current.iface)} has only ${mine} addresses but ${describeIface(disjoint.iface)} on the same link has only ${theirs}: they cannot talk. Give both an address of the same family.`);
      }
    }
  }
}
