// What a trace looks up again and again in one topology: namespaces by name, and who holds an address
// (who answers ARP for a next hop on a bridge of many ports). Made once per topology and kept while its
// namespaces and their interface lists are the same objects, so that many traces of one network (every
// pair, `vnet test`) do not rebuild them. A probe makes a new Topology each time; a caller that edits one
// in place (tests) changes states, which are read at each lookup, not the lists.

import type { Namespace, NetInterface, Topology } from '../model/topology';
import { cidrsOf, ipOf } from './addresses';

interface Holder {
  ns: Namespace;
  iface: NetInterface;
}

export interface TopologyIndex {
  /** The lists the index was made from, to see that it still stands. */
  namespaces: Namespace[];
  interfaceLists: NetInterface[][];
  lengths: number[];
  byName: Map<string, Namespace>;
  holders: Record<4 | 6, Map<bigint, Holder[]>> | null;
  /** Each namespace's interfaces by name, made when first asked. */
  interfaces: Map<Namespace, Map<string, NetInterface>>;
}

const indexes = new WeakMap<Topology, TopologyIndex>();

function stillStands(index: TopologyIndex, topology: Topology): boolean {
  if (index.namespaces !== topology.namespaces || index.namespaces.length !== index.lengths.length - 1) return false;
  if (index.lengths[0] !== topology.namespaces.length) return false;
  return topology.namespaces.every((ns, i) => ns.interfaces === index.interfaceLists[i] && ns.interfaces.length === index.lengths[i + 1]);
}

/** The topology's index, checked once (a walk asks it once per topology, then keeps it). */
export function indexOf(topology: Topology): TopologyIndex {
  const known = indexes.get(topology);
  if (known && stillStands(known, topology)) return known;
  const index: TopologyIndex = {
    namespaces: topology.namespaces,
    interfaceLists: topology.namespaces.map((ns) => ns.interfaces),
    lengths: [topology.namespaces.length, ...topology.namespaces.map((ns) => ns.interfaces.length)],
    byName: new Map(topology.namespaces.map((ns) => [ns.name, ns])),
    holders: null,
    interfaces: new Map(),
  };
  indexes.set(topology, index);
  return index;
}

function holdersOf(topology: Topology, index: TopologyIndex): Record<4 | 6, Map<bigint, Holder[]>> {
  if (index.holders) return index.holders;
  const holders: Record<4 | 6, Map<bigint, Holder[]>> = { 4: new Map(), 6: new Map() };
  for (const ns of topology.namespaces) {
    for (const iface of ns.interfaces) {
      if (iface.kind === 'loopback') continue;
      for (const cidr of cidrsOf(iface)) {
        const list = holders[cidr.family].get(cidr.address);
        if (list) list.push({ ns, iface });
        else holders[cidr.family].set(cidr.address, [{ ns, iface }]);
      }
    }
  }
  index.holders = holders;
  return holders;
}

/**
 * The namespaces that hold this address (lo's left out), by the rule of localInterfaceFor: an IPv4
 * address also on a link that is down, an IPv6 one only on a link that is up.
 */
export function addressOwners(topology: Topology, index: TopologyIndex, address: string): Namespace[] {
  const ip = ipOf(address);
  if (!ip) return [];
  const holders = holdersOf(topology, index)[ip.family].get(ip.value) ?? [];
  return holders.filter((h) => ip.family === 4 || h.iface.state === 'up').map((h) => h.ns);
}

/** A namespace's interface by name. */
export function interfaceNamed(index: TopologyIndex, ns: Namespace, name: string): NetInterface | undefined {
  let byName = index.interfaces.get(ns);
  if (!byName) {
    byName = new Map(ns.interfaces.map((i) => [i.name, i]));
    index.interfaces.set(ns, byName);
  }
  return byName.get(name);
}
