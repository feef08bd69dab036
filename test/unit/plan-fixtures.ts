// Builders for desired and live Topologies in plan tests: small, explicit, and independent of the
// language, so that the planner is tested on its own.

import { formatCidr, networkOf, parseCidr } from '../../src/model/cidr';
import type { LabState, OwnedRecord } from '../../src/model/lab-state';
import { parseNatRule, renderNatRule } from '../../src/model/nat';
import {
  ROOT_NAMESPACE, emptyTopology, emptyNamespace, type Namespace, type NetInterface, type Topology, type Route,
} from '../../src/model/topology';

export interface IfaceSpec {
  addresses?: string[];
  master?: string | null;
  state?: 'up' | 'down';
  mtu?: number | null;
  owner?: string | null;
}

export class TopologyBuilder {
  readonly topology: Topology;

  constructor(host = 'testhost') {
    this.topology = emptyTopology(host);
  }

  ns(name: string): Namespace {
    const found = this.topology.namespaces.find((n) => n.name === name);
    if (found) return found;
    const ns = emptyNamespace(name, name === ROOT_NAMESPACE);
    this.topology.namespaces.push(ns);
    return ns;
  }

  private iface(ns: string, name: string, kind: NetInterface['kind'], spec: IfaceSpec): NetInterface {
    const iface: NetInterface = {
      name, kind, state: spec.state ?? 'up', mtu: spec.mtu ?? null, mac: null,
      addresses: spec.addresses ?? [], master: spec.master ?? null, peer: null,
    };
    if (spec.owner !== undefined) iface.owner = spec.owner;
    this.ns(ns).interfaces.push(iface);
    return iface;
  }

  bridge(ns: string, name: string, spec: IfaceSpec = {}): this {
    this.iface(ns, name, 'bridge', spec);
    return this;
  }

  other(ns: string, name: string, spec: IfaceSpec = {}): this {
    this.iface(ns, name, 'other', spec);
    return this;
  }

  loopback(ns: string, spec: IfaceSpec = {}): this {
    this.iface(ns, 'lo', 'loopback', spec);
    return this;
  }

  veth(nsA: string, a: string, nsB: string, b: string, specA: IfaceSpec = {}, specB: IfaceSpec = {}): this {
    const left = this.iface(nsA, a, 'veth', specA);
    const right = this.iface(nsB, b, 'veth', specB);
    left.peer = { namespace: nsB, interface: b };
    right.peer = { namespace: nsA, interface: a };
    return this;
  }

  route(ns: string, to: string, via: string | null, dev: string | null = null, extra: Partial<Route> = {}): this {
    this.ns(ns).routes.push({ to, via, dev, ...extra });
    return this;
  }

  forwarding(ns: string, on = true): this {
    this.ns(ns).forwarding = on;
    return this;
  }

  policy(ns: string, policy: 'ACCEPT' | 'DROP' | null): this {
    this.ns(ns).forwardPolicy = policy;
    return this;
  }

  chain(ns: string, name: string): this {
    this.ns(ns).natChains.push(name);
    return this;
  }

  /** A rule as iptables-save prints it (`-A POSTROUTING …`). */
  nat(ns: string, rule: string): this {
    const parsed = parseNatRule(rule);
    if (!parsed) throw new Error(`bad rule ${rule}`);
    this.ns(ns).nat.push(parsed);
    return this;
  }

  owner(ns: string, lab: string | null): this {
    this.ns(ns).owner = lab;
    return this;
  }
}

/** Scenario A of shared/scenarios.md as a desired topology. */
export function desiredScenarioA(): Topology {
  const b = new TopologyBuilder();
  b.ns('netns1'); b.ns('netns2'); b.ns('netns3');
  b.veth('host', 'veth1', 'netns1', 'veth1-peer', { addresses: ['172.16.0.1/24'] }, { addresses: ['172.16.0.2/24'] });
  b.bridge('host', 'br0', { addresses: ['172.16.0.100/24'] });
  b.veth('netns2', 'veth2-peer', 'host', 'veth2', { addresses: ['172.16.0.102/24'] }, { master: 'br0' });
  b.route('netns2', 'default', '172.16.0.100');
  b.veth('netns3', 'veth3-peer', 'host', 'veth3', { addresses: ['172.16.0.103/24'] }, { master: 'br0' });
  b.forwarding('host');
  b.nat('host', '-A POSTROUTING -s 172.16.0.0/24 ! -o br0 -j MASQUERADE');
  b.nat('host', '-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 -j DNAT --to-destination 172.16.0.102:80');
  return b.topology;
}

/** Scenario H: a user chain and a jump to it. */
export function desiredScenarioH(): Topology {
  const b = new TopologyBuilder();
  b.bridge('host', 'cni0', { addresses: ['10.85.0.1/16'] });
  b.ns('myns');
  b.loopback('myns');
  b.veth('myns', 'myveth-myns', 'host', 'myveth-host', { addresses: ['10.85.0.254/16'] }, { master: 'cni0' });
  b.route('myns', 'default', '10.85.0.1');
  b.forwarding('host');
  b.chain('host', 'chain-myns');
  b.nat('host', '-A chain-myns -d 10.85.0.0/16 -j ACCEPT');
  b.nat('host', '-A chain-myns ! -d 224.0.0.0/4 -j MASQUERADE');
  b.nat('host', '-A POSTROUTING -s 10.85.0.254/32 -j chain-myns');
  return b.topology;
}

/** A live host with nothing but its own eth0 and lo. */
export function emptyHost(): Topology {
  const b = new TopologyBuilder();
  b.loopback('host', { addresses: ['127.0.0.1/8', '::1/128'] });
  b.other('host', 'eth0', { addresses: ['10.0.1.48/24'] });
  b.route('host', '10.0.1.0/24', null, 'eth0', { protocol: 'kernel' });
  b.policy('host', 'ACCEPT');
  return b.topology;
}

/**
 * What a host looks like after a lab was applied: the desired topology with the marks apply writes, the
 * kernel's own additions (lo, connected routes), and the lab's state file.
 */
export function liveAfterApply(desired: Topology, lab: string, base: Topology = emptyHost()): { live: Topology; state: LabState } {
  const live: Topology = JSON.parse(JSON.stringify(base));
  const records: OwnedRecord[] = [];
  for (const want of desired.namespaces) {
    let ns = live.namespaces.find((n) => n.name === want.name);
    if (!ns) {
      ns = emptyNamespace(want.name, false);
      ns.forwardPolicy = 'ACCEPT';
      ns.interfaces.push({ name: 'lo', kind: 'loopback', state: 'down', mtu: 65536, mac: null, addresses: [], master: null, peer: null });
      live.namespaces.push(ns);
      records.push({ kind: 'namespace', name: want.name });
    }
    for (const iface of want.interfaces) {
      if (iface.kind === 'loopback') {
        const lo = ns.interfaces.find((i) => i.name === 'lo')!;
        lo.state = iface.state;
        if (iface.state === 'up') lo.addresses = ['127.0.0.1/8', '::1/128'];
        continue;
      }
      ns.interfaces.push({ ...iface, mtu: iface.mtu ?? 1500, mac: '02:00:00:00:00:01', owner: lab, addresses: [...iface.addresses, 'fe80::1/64'] });
      if (want.root) records.push({ kind: 'interface', namespace: 'host', name: iface.name });
      if (iface.state === 'up') {
        for (const address of iface.addresses) {
          const cidr = parseCidr(address)!;
          ns.routes.push({ to: formatCidr(networkOf(cidr)), via: null, dev: iface.name, protocol: 'kernel' });
        }
      }
    }
    for (const route of want.routes) {
      ns.routes.push({ ...route, dev: route.dev ?? 'somedev', protocol: 'boot' });
      if (want.root) records.push({ kind: 'route', namespace: 'host', to: route.to, via: route.via, dev: route.dev });
    }
    if (want.forwarding && !ns.forwarding) {
      if (want.root) records.push({ kind: 'forwarding', namespace: 'host', previous: ns.forwarding });
      ns.forwarding = true;
    }
    for (const chain of want.natChains) {
      ns.natChains.push(chain);
      if (want.root) records.push({ kind: 'chain', namespace: 'host', table: 'nat', chain });
    }
    for (const rule of want.nat) {
      const text = renderNatRule({ ...rule, comment: `vnet:${lab}` });
      ns.nat.push(parseNatRule(text)!);
    }
    if (want.forwardPolicy) ns.forwardPolicy = want.forwardPolicy;
  }
  return { live, state: { lab, records } };
}
