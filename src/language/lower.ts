// Lowering: the bound model becomes the shared Topology model, in exactly the shape the probe reads from a
// live host, so that a plan is the diff of the two. Pure. Parts a broken statement leaves unusable are
// left out rather than guessed.

import { connectedRoutesInApplyOrder } from '../model/connected-routes';
import type { Expectation } from '../model/expectation';
import { natTargetKindOf } from '../model/nat-targets';
import { fastFormatCidr, fastFormatIp } from './fast-cidr';
import { renderNatRule, type NatRuleFields } from '../model/nat';
import {
  STATE_SCHEMA, type AddressMatch, type Lab, type LabHost, type Namespace, type NatRule, type NatTarget, type NetInterface, type Route,
} from '../model/topology';
import type { IfaceModel, MachineModel, NatRuleModel, PlaceModel, VnetModel } from './model';
import { canonicalMatchAddress, resolveNatTo } from './nat-target';

function lowerInterface(iface: IfaceModel): NetInterface {
  const addresses: string[] = [];
  for (const address of iface.addresses) {
    if (!address.cidr) continue;
    const text = fastFormatCidr(address.cidr);
    if (!addresses.includes(text)) addresses.push(text);
  }
  return {
    name: iface.name,
    kind: iface.kind,
    state: iface.down ? 'down' : 'up',
    mtu: iface.mtu !== null && iface.mtu >= 68 && iface.mtu <= 65535 ? iface.mtu : null,
    mac: null,
    addresses,
    master: iface.master?.name ?? null,
    peer: iface.peer ? { namespace: iface.peer.place.name, interface: iface.peer.name } : null,
    ...(iface.impairment ? { impairment: { ...iface.impairment } } : {}),
  };
}

export function lowerRoute(route: PlaceModel['routes'][number]): Route | null {
  if (route.to === null || (route.node.via && !route.via)) return null;
  return {
    to: route.to === 'default' ? 'default' : fastFormatCidr(route.to),
    via: route.via ? fastFormatIp(route.via) : null,
    dev: route.node.dev?.text ?? null,
  };
}

function lowerMatch(rule: NatRuleModel, kind: 'src' | 'dst' | 'in' | 'out'): AddressMatch | null | undefined {
  const matcher = rule.node.matchers.find((m) => m.kind === kind);
  if (!matcher) return null;
  if (!matcher.value) return undefined;
  if (kind === 'in' || kind === 'out') return { value: matcher.value.text, negated: matcher.negated };
  const value = canonicalMatchAddress(matcher.value.text);
  return value === null ? undefined : { value, negated: matcher.negated };
}

/** The target of a rule's action (src/model/nat-targets.ts), with its chain or translated address. */
function lowerTarget(rule: NatRuleModel): NatTarget | null {
  const kind = natTargetKindOf(rule.action);
  if (kind === 'jump') return rule.node.chain ? { kind, chain: rule.node.chain.text } : null;
  if (kind === 'SNAT' || kind === 'DNAT') {
    const resolved = resolveNatTo(rule);
    return resolved?.kind === 'address' ? { kind, to: resolved.address.canonical } : null;
  }
  return kind === 'other' ? null : { kind };
}

export function lowerNatRule(rule: NatRuleModel): NatRule | null {
  const target = lowerTarget(rule);
  const source = lowerMatch(rule, 'src');
  const destination = lowerMatch(rule, 'dst');
  const inInterface = lowerMatch(rule, 'in');
  const outInterface = lowerMatch(rule, 'out');
  if (!target || source === undefined || destination === undefined || inInterface === undefined || outInterface === undefined) return null;
  const proto = rule.node.matchers.find((m) => m.kind === 'proto');
  const fields: NatRuleFields = {
    chain: rule.chain,
    source,
    destination,
    inInterface,
    outInterface,
    protocol: proto?.value?.text ?? null,
    dport: proto?.port?.text ?? null,
    target,
    comment: null,
  };
  return { ...fields, rule: renderNatRule(fields) };
}

function lowerPlace(place: PlaceModel): Namespace {
  const interfaces = [...place.order].sort((a, b) => Number(b.kind === 'loopback') - Number(a.kind === 'loopback')).map(lowerInterface);
  const routes = place.routes.map(lowerRoute).filter((r): r is Route => r !== null);
  const nat = place.nat.map(lowerNatRule).filter((r): r is NatRule => r !== null);
  const natChains = [...place.chains.values()].filter((c) => !c.builtin).map((c) => c.name);
  const namespace: Namespace = {
    name: place.name,
    root: place.root,
    forwarding: place.forwarding,
    interfaces,
    routes,
    nat,
    natChains,
    forwardPolicy: place.forwardPolicy,
  };
  // The connected routes in the order an apply makes them, as a probe of the applied host reads them: the
  // trace then knows which of two routes of one prefix the kernel uses (a file says it as surely as a host).
  const kernelRoutes = connectedRoutesInApplyOrder(namespace);
  if (kernelRoutes.length) namespace.kernelRoutes = kernelRoutes;
  return namespace;
}

function lowerMachine(machine: MachineModel): LabHost {
  const target = machine.ssh?.text ?? null;
  return {
    name: machine.name,
    target,
    topology: {
      schema: STATE_SCHEMA,
      host: target ?? machine.name,
      namespaces: [...machine.places.values()].map(lowerPlace),
    },
  };
}

/** The Lab a file describes, or null when it has no usable lab name (nothing could own what it creates). */
export function lower(model: VnetModel): Lab | null {
  if (!model.labName) return null;
  const lab: Lab = { name: model.labName, hosts: model.machines.map(lowerMachine) };
  // Only a file that states expectations carries the list, so that a lab without any stays as it was.
  const expectations = model.expectations.map((e) => e.expectation).filter((e): e is Expectation => e !== null);
  if (expectations.length) lab.expectations = expectations;
  return lab;
}
