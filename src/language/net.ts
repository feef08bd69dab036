// Network facts derived from the bound model: which interfaces share a link, which subnets a namespace is
// connected to, and who owns an address. The checker, hover and completion ask the same questions.

import { ipOfCidr, type Cidr, type IpAddress } from '../model/cidr';
import { fastContains, fastFormatIp, ipKeyOf, networkKeyOf } from './fast-cidr';
import { interfaceTitle } from './interface-statements';
import type { AddressModel, IfaceModel, MachineModel, PlaceModel } from './model';

/** Union-find over the interfaces of a machine: a veth joins its ends, a bridge joins its ports. */
export class Links {
  private readonly parent = new Map<IfaceModel, IfaceModel>();

  constructor(machine: MachineModel) {
    for (const place of machine.places.values()) {
      for (const iface of place.order) {
        if (iface.peer) this.union(iface, iface.peer);
        if (iface.master) this.union(iface, iface.master);
      }
    }
  }

  find(iface: IfaceModel): IfaceModel {
    let root = iface;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    // Path compression keeps later lookups flat.
    let at = iface;
    while (at !== root) {
      const next = this.parent.get(at)!;
      this.parent.set(at, root);
      at = next;
    }
    return root;
  }

  private union(a: IfaceModel, b: IfaceModel): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }

  sameLink(a: IfaceModel, b: IfaceModel): boolean {
    return this.find(a) === this.find(b);
  }
}

export function ipKey(ip: IpAddress): string {
  return ipKeyOf(ip.family, ip.value);
}

export function networkKey(cidr: Cidr): string {
  return networkKeyOf(cidr);
}

/** Valid addresses of a place's interfaces, loopback left out (it connects nothing). */
export function connectedAddresses(place: PlaceModel): AddressModel[] {
  const out: AddressModel[] = [];
  for (const iface of place.order) {
    if (iface.kind === 'loopback') continue;
    for (const address of iface.addresses) if (address.cidr) out.push(address);
  }
  return out;
}

const ownersMemo = new WeakMap<MachineModel, Map<string, AddressModel[]>>();

/** Every valid address of a machine by IP, to answer "whose address is this gateway?" (memoised: a bound model never changes). */
export function addressOwners(machine: MachineModel): Map<string, AddressModel[]> {
  const known = ownersMemo.get(machine);
  if (known) return known;
  const owners = new Map<string, AddressModel[]>();
  ownersMemo.set(machine, owners);
  for (const place of machine.places.values()) {
    for (const iface of place.order) {
      for (const address of iface.addresses) {
        if (!address.cidr) continue;
        const key = ipKeyOf(address.cidr.family, address.cidr.address);
        const list = owners.get(key);
        if (list) list.push(address); else owners.set(key, [address]);
      }
    }
  }
  return owners;
}

/** The addresses of a place whose subnet holds `ip` (optionally only on one interface). */
export function subnetsHolding(place: PlaceModel, ip: IpAddress, dev: IfaceModel | null = null): AddressModel[] {
  return connectedAddresses(place).filter((a) => (!dev || a.iface === dev) && fastContains(a.cidr!, ip));
}

export function describeIface(iface: IfaceModel): string {
  const where = iface.place.root ? 'host' : iface.place.name;
  if (iface.declaration) return `${interfaceTitle(iface.kind, iface.name)} in ${where}`;
  if (iface.kind === 'loopback') return `lo in ${where}`;
  return `${where}:${iface.name}`;
}

export function addressText(address: AddressModel): string {
  return address.cidr ? fastFormatIp(ipOfCidr(address.cidr)) : address.node.text;
}
