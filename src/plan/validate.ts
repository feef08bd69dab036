// Checks a desired Topology before anything is planned from it. The language checks files already, but a
// Topology can also come from the extension or a JSON file, and every name here ends up in a command on
// a host: it is checked again at the door.

import { PORT_RANGE_HINT, validPort } from '../model/ports';
import { impairmentProblem, isEmptyImpairment } from '../model/impairment';
import { parseCidr, parseIp } from '../model/cidr';
import { VnetError } from '../model/errors';
import { checkChainName, checkInterfaceName, checkLabName, checkNamespaceName } from '../model/names';
import { ROOT_NAMESPACE, type Topology } from '../model/topology';

export function assertLabName(lab: string): void {
  const problem = checkLabName(lab);
  if (problem) throw new VnetError('VN-PLAN-NAME', problem.message);
}

export function assertInterfaceName(name: string, where: string): void {
  const problem = checkInterfaceName(name);
  if (problem) throw new VnetError('VN-PLAN-NAME', `${problem.message} (${where})`);
}

export function assertNamespaceName(name: string): void {
  const problem = checkNamespaceName(name);
  if (problem) throw new VnetError('VN-PLAN-NAME', problem.message);
  if (name === ROOT_NAMESPACE) {
    throw new VnetError('VN-PLAN-NAME', `A namespace cannot be called "${ROOT_NAMESPACE}": that name means the host's root namespace.`);
  }
}

export function assertCidr(text: string, where: string): void {
  if (!parseCidr(text)) throw new VnetError('VN-PLAN-ADDRESS', `"${text}" is not an address with a prefix length, like 10.0.0.1/24 (${where}).`);
}

export function assertRouteTarget(text: string, where: string): void {
  if (text === 'default' || parseCidr(text) || parseIp(text)) return;
  throw new VnetError('VN-PLAN-ADDRESS', `Route destination "${text}" is neither "default" nor an address (${where}).`);
}

export function assertIp(text: string, where: string): void {
  if (!parseIp(text)) throw new VnetError('VN-PLAN-ADDRESS', `"${text}" is not an IP address (${where}).`);
}

/** Throws a VnetError naming the first name or address that cannot safely reach a host. */
export function validateDesired(topology: Topology): void {
  const roots = topology.namespaces.filter((ns) => ns.root);
  if (roots.length > 1) throw new VnetError('VN-PLAN-INVALID', 'A desired topology has one root namespace per host.');
  const names = new Set<string>();
  for (const ns of topology.namespaces) {
    if (!ns.root) assertNamespaceName(ns.name);
    if (names.has(ns.name)) throw new VnetError('VN-PLAN-INVALID', `Namespace ${ns.name} is declared twice.`);
    names.add(ns.name);
    const ifaces = new Set<string>();
    for (const iface of ns.interfaces) {
      const where = `in ${ns.name}`;
      assertInterfaceName(iface.name, where);
      if (ifaces.has(iface.name)) throw new VnetError('VN-PLAN-INVALID', `Interface ${iface.name} is declared twice ${where}.`);
      ifaces.add(iface.name);
      for (const address of iface.addresses) assertCidr(address, `${iface.name} ${where}`);
      if (iface.master !== null) assertInterfaceName(iface.master, `bridge of ${iface.name} ${where}`);
      if (iface.mtu !== null && (!Number.isInteger(iface.mtu) || iface.mtu < 68 || iface.mtu > 65535)) {
        throw new VnetError('VN-PLAN-INVALID', `MTU ${iface.mtu} of ${iface.name} ${where} must be a whole number from 68 to 65535.`);
      }
      const impairmentError = iface.impairment ? impairmentProblem(iface.impairment) : null;
      if (impairmentError && !isEmptyImpairment(iface.impairment)) {
        throw new VnetError('VN-PLAN-INVALID', `The impairment of ${iface.name} ${where}: ${impairmentError}`);
      }
      if (iface.kind === 'veth') {
        if (!iface.peer) throw new VnetError('VN-PLAN-INVALID', `veth ${iface.name} ${where} has no other end.`);
        if (iface.peer.namespace !== ROOT_NAMESPACE) assertNamespaceName(iface.peer.namespace);
        assertInterfaceName(iface.peer.interface, `peer of ${iface.name} ${where}`);
      }
    }
    for (const route of ns.routes) {
      const where = `route in ${ns.name}`;
      assertRouteTarget(route.to, where);
      if (route.via !== null) assertIp(route.via, where);
      if (route.dev !== null) assertInterfaceName(route.dev, where);
    }
    for (const chain of ns.natChains) {
      const problem = checkChainName(chain);
      if (problem) throw new VnetError('VN-PLAN-NAME', `${problem.message} (in ${ns.name})`);
    }
    for (const rule of ns.nat) {
      const where = `NAT rule in ${ns.name}`;
      for (const m of [rule.source, rule.destination]) if (m && !parseCidr(m.value) && !parseIp(m.value)) assertCidr(m.value, where);
      for (const m of [rule.inInterface, rule.outInterface]) if (m) assertInterfaceName(m.value.replace(/\+$/, 'x'), where);
      if (rule.protocol !== null && !/^[a-z0-9]+$/.test(rule.protocol)) {
        throw new VnetError('VN-PLAN-INVALID', `Protocol "${rule.protocol}" of a ${where} is not a protocol name.`);
      }
      if (rule.dport !== null && !validPort(rule.dport, ':')) {
        throw new VnetError('VN-PLAN-INVALID', `Port "${rule.dport}" of a ${where} must be ${PORT_RANGE_HINT}.`);
      }
    }
  }
}
