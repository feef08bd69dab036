// How plans and the Hosts tree word what they do to a host, in one place: the plan's step descriptions
// (`delete bridge br0 in host`), the elements a conflict names, and the sentences of a removal dialog
// (`Its other end veth1 in host is deleted too…`) name the same elements the same way.

import { describeRoute } from '../model/route';
import { describeImpairment, type Impairment } from '../model/impairment';
import type { NetInterface, PeerRef, Route } from '../model/topology';

// ── elements ─────────────────────────────────────────────────────────────────────────────────────

/** `in host` or `in netns1`, the way descriptions name a namespace. */
export function inNamespace(namespace: string): string {
  return `in ${namespace}`;
}

export function namespacePhrase(name: string): string {
  return `namespace ${name}`;
}

/** `bridge br0 in host`, or `interface eth0 in host` for any other kind. */
export function interfacePhrase(name: string, namespace: string, kind: NetInterface['kind'] | null = null): string {
  return `${kind === 'bridge' ? 'bridge' : 'interface'} ${name} ${inNamespace(namespace)}`;
}

/** `veth pair veth1 (host) -- veth1-peer (netns1)`. */
function vethPairPhrase(a: PeerRef, b: PeerRef): string {
  return `veth pair ${a.interface} (${a.namespace}) -- ${b.interface} (${b.namespace})`;
}

/** `route 10.0.0.0/24 via 10.1.0.1 in netns1`. */
export function routePhrase(route: Route, namespace: string): string {
  return `route ${describeRoute(route)} ${inNamespace(namespace)}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

// ── plan steps ───────────────────────────────────────────────────────────────────────────────────

/** One line per step, as plans print them (`+ add address 172.16.0.1/24 to veth1 in host`). */
export const stepText = {
  createNamespace: (name: string) => `create ${namespacePhrase(name)}`,
  adoptNamespace: (name: string) => `adopt ${namespacePhrase(name)}`,
  /** `pairs`: the veth pairs whose other end, in the root namespace, goes with the namespace. */
  deleteNamespace: (name: string, pairs: readonly [inside: string, outside: string][] = []) => {
    const also = pairs.length
      ? ` with its veth pair${pairs.length > 1 ? 's' : ''} ${pairs.map(([inside, outside]) => `${inside} -- ${outside}`).join(', ')}`
      : '';
    return `delete ${namespacePhrase(name)}${also}`;
  },
  createVethPair: (a: PeerRef, b: PeerRef) => `create ${vethPairPhrase(a, b)}`,
  deleteVethPair: (a: PeerRef, b: PeerRef) => `delete ${vethPairPhrase(a, b)}`,
  /** `create bridge br0 in host`, `create dummy d0 in netns1`. */
  createLink: (kind: string, name: string, namespace: string) => `create ${kind} ${name} ${inNamespace(namespace)}`,
  deleteLink: (kind: NetInterface['kind'] | null, name: string, namespace: string) => `delete ${interfacePhrase(name, namespace, kind)}`,
  adoptInterface: (name: string, namespace: string) => `adopt ${interfacePhrase(name, namespace)}`,
  bringLink: (state: 'up' | 'down', name: string, namespace: string) => `bring ${state} ${name} ${inNamespace(namespace)}`,
  markLink: (name: string, namespace: string, lab: string) => `mark ${name} ${inNamespace(namespace)} as lab ${lab}'s`,
  /** `changes`: `attach to bridge br0`, `mtu 1400`, `up`… */
  setLink: (name: string, namespace: string, changes: readonly string[]) => `set ${name} ${inNamespace(namespace)}: ${changes.join(', ')}`,
  impair: (name: string, namespace: string, impairment: Impairment) => `impair ${name} ${inNamespace(namespace)}: ${describeImpairment(impairment)}`,
  changeImpairment: (name: string, namespace: string, from: Impairment, to: Impairment) =>
    `change the impairment of ${name} ${inNamespace(namespace)} from ${describeImpairment(from)} to ${describeImpairment(to)}`,
  clearImpairment: (name: string, namespace: string, was: Impairment) => `clear the impairment of ${name} ${inNamespace(namespace)} (${describeImpairment(was)})`,
  attachToBridge: (bridge: string) => `attach to bridge ${bridge}`,
  detachFromBridge: (bridge: string | null) => `detach from bridge ${bridge}`,
  addAddress: (address: string, name: string, namespace: string) => `add address ${address} to ${name} ${inNamespace(namespace)}`,
  removeAddress: (address: string, name: string, namespace: string) => `remove address ${address} from ${name} ${inNamespace(namespace)}`,
  addRoute: (route: Route, namespace: string) => `add ${routePhrase(route, namespace)}`,
  removeRoute: (route: Route, namespace: string) => `remove ${routePhrase(route, namespace)}`,
  reAddRoute: (route: Route, namespace: string) => `re-add ${routePhrase(route, namespace)} (an address it uses changed)`,
  changeRoute: (from: Route, to: Route, namespace: string) => `change route ${describeRoute(from)} to ${describeRoute(to)} ${inNamespace(namespace)}`,
  turnForwarding: (enable: boolean, namespace: string) => `turn forwarding ${onOff(enable)} ${inNamespace(namespace)}`,
  restoreForwarding: (value: boolean, namespace: string) => `restore forwarding ${onOff(value)} ${inNamespace(namespace)}`,
  leaveForwardingShared: (value: boolean, namespace: string, otherLab: string) =>
    `leave forwarding ${onOff(value)} ${inNamespace(namespace)} (lab ${otherLab} wants it too)`,
  leaveForwardingAsBefore: (value: boolean, namespace: string, lab: string) =>
    `leave forwarding ${onOff(value)} ${inNamespace(namespace)}, as it was before lab ${lab}`,
  /** `ruleKey`: the rule as natRuleKey spells it. */
  addNatRule: (namespace: string, ruleKey: string) => `add NAT rule ${inNamespace(namespace)}: ${ruleKey}`,
  removeNatRule: (namespace: string, ruleKey: string) => `remove NAT rule ${inNamespace(namespace)}: ${ruleKey}`,
  adoptNatRule: (namespace: string, ruleKey: string) => `adopt NAT rule ${inNamespace(namespace)}: ${ruleKey}`,
  createNatChain: (chain: string, namespace: string) => `create ${natChainPhrase(chain, namespace)}`,
  adoptNatChain: (chain: string, namespace: string) => `adopt ${natChainPhrase(chain, namespace)}`,
  deleteNatChain: (chain: string, namespace: string) => `delete ${natChainPhrase(chain, namespace)}`,
  setForwardPolicy: (policy: string, namespace: string) => `set FORWARD policy ${policy} ${inNamespace(namespace)}`,
  restoreForwardPolicy: (policy: string, namespace: string) => `restore FORWARD policy ${policy} ${inNamespace(namespace)}`,
  leaveForwardPolicyShared: (policy: string | null, namespace: string, otherLab: string) =>
    `leave FORWARD policy ${policy ?? 'as it is'} ${inNamespace(namespace)} (lab ${otherLab} wants it too)`,
};

/** `NAT chain chain-myns in host`: a user chain of the nat table, in steps and conflicts. */
export function natChainPhrase(chain: string, namespace: string): string {
  return `NAT chain ${chain} ${inNamespace(namespace)}`;
}

/** `NAT rule in host: -A POSTROUTING …`: a rule in conflicts. */
export function natRulePhrase(namespace: string, ruleKey: string): string {
  return `NAT rule ${inNamespace(namespace)}: ${ruleKey}`;
}

function onOff(value: boolean): string {
  return value ? 'on' : 'off';
}

// ── what else a removal takes ────────────────────────────────────────────────────────────────────

/** The sentences of a removal's confirmation: what else goes when an element is removed. */
export const removalText = {
  namespaceOwned: (name: string, lab: string) => `Namespace ${name} belongs to lab ${lab}; its next apply would create it again.`,
  elementOwned: (lab: string) => `It belongs to lab ${lab}; its next apply would create it again.`,
  ruleOwned: (lab: string) => `The rule belongs to lab ${lab}; its next apply would add it again.`,
  /** A veth inside a namespace being removed, whose other end is outside it. */
  vethLeavesNamespace: (name: string, otherEnd: PeerRef) =>
    `veth ${name} and its other end ${otherEnd.interface} ${inNamespace(otherEnd.namespace)} are deleted.`,
  linkInside: (kind: NetInterface['kind'], name: string) => `${kind === 'bridge' ? 'Bridge' : 'Interface'} ${name} inside it is deleted.`,
  /** `2 routes inside it go with it.` */
  countInside: (count: number, noun: 'route' | 'NAT rule') => `${plural(count, noun)} inside it go${count === 1 ? 'es' : ''} with it.`,
  forwardingInside: () => 'Its forwarding setting goes with it.',
  otherEndToo: (otherEnd: PeerRef) =>
    `Its other end ${otherEnd.interface} ${inNamespace(otherEnd.namespace)} is deleted too (a veth pair lives and dies together).`,
  otherEndAddresses: (addresses: readonly string[]) => `The other end's addresses go with it: ${addresses.join(', ')}.`,
  ownAddresses: (addresses: readonly string[]) => `Its addresses go with it: ${addresses.join(', ')}.`,
  routeGoes: (route: Route, namespace: string) => `R${routePhrase(route, namespace).slice(1)} goes with it.`,
  portsStay: (ports: readonly string[]) => `Its ports ${ports.join(', ')} stay, detached from any bridge.`,
  routesMayStop: (name: string, routes: readonly Route[]) => `Routes through ${name} may stop working: ${routes.map(describeRoute).join('; ')}.`,
};
