// The checks behind every input box (validateInput): the same validators the language and the engine use
// (src/model/names.ts, src/model/cidr.ts), so what the box accepts is what apply accepts. Each returns a
// message saying what is wrong, or undefined. Pure.

import { parseCidr, parseIp } from '../model/cidr';
import { checkInterfaceName, checkNamespaceName } from '../model/names';
import { parseNatAddress } from '../model/nat-address';
import { PORT_RANGE_HINT, validPort, validSinglePort } from '../model/ports';
import { ROOT_NAMESPACE, type Namespace, type Topology } from '../model/topology';
import { LOCAL_TARGET, parseDestination } from '../host/ssh-destination';
import { plainText } from './text-safety';

export type Validator = (text: string) => string | undefined;

export function namespaceNameValidator(topology: Topology | null): Validator {
  return (text) => {
    const problem = checkNamespaceName(text);
    if (problem) return problem.message;
    if (text === ROOT_NAMESPACE) return `"${ROOT_NAMESPACE}" names the host's root namespace; choose another name.`;
    if (topology?.namespaces.some((ns) => !ns.root && ns.name === text)) return `Namespace ${plainText(text)} already exists.`;
    return undefined;
  };
}

/** An interface name that is free in `ns` (and not `taken`, e.g. the wizard's other end in the same namespace). */
export function interfaceNameValidator(ns: Namespace | null, taken: readonly string[] = []): Validator {
  return (text) => {
    const problem = checkInterfaceName(text);
    if (problem) return problem.message;
    if (ns?.interfaces.some((i) => i.name === text) || taken.includes(text)) {
      return `An interface ${plainText(text)} already exists in ${ns ? ns.name : 'that namespace'}.`;
    }
    return undefined;
  };
}

export const cidrValidator: Validator = (text) => {
  if (!parseCidr(text.trim())) return 'Write an address with its prefix length, like 10.0.0.1/24 or fd00::1/64.';
  return undefined;
};

/** An optional address: empty means none. */
export const optionalCidrValidator: Validator = (text) => (text.trim() === '' ? undefined : cidrValidator(text));

export const ipValidator: Validator = (text) => (parseIp(text.trim()) ? undefined : 'Write an IP address, like 10.0.0.1.');

export const optionalIpValidator: Validator = (text) => (text.trim() === '' ? undefined : ipValidator(text));

export const routeTargetValidator: Validator = (text) => {
  const value = text.trim();
  if (value === 'default' || parseCidr(value) || parseIp(value)) return undefined;
  return 'Write "default" or a destination like 192.168.2.0/24.';
};

/** A port or a range `8000:8100` (iptables' spelling; `8000-8100` is accepted too). */
export const portValidator: Validator = (text) => {
  const value = normalizePort(text);
  if (validPort(value, ':')) return undefined;
  const parts = value.split(':');
  if (parts.length === 2 && parts.every(validSinglePort)) return 'A range goes from the lower port to the higher one.';
  return `Write ${PORT_RANGE_HINT}.`;
};

/** iptables writes ranges with a colon. */
export function normalizePort(text: string): string {
  return text.trim().replace('-', ':');
}

/** Where a forwarded port goes: an IPv4 address (the nat table is iptables', not ip6tables'), optionally with a port. */
export const dnatTargetValidator: Validator = (text) => {
  const parsed = parseNatAddress(text.trim());
  if ('error' in parsed || parsed.first.family !== 4 || parsed.canonical.includes('-')) {
    return 'Write the IPv4 address to forward to, with an optional port: 172.16.0.102:80.';
  }
  return undefined;
};

/** A host for "Add host…": `[user@]host[:port]` or an ssh config alias. */
export const destinationValidator: Validator = (text) => {
  const value = text.trim();
  if (value === LOCAL_TARGET) return undefined;
  try {
    parseDestination(value);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

/** A capture filter for tcpdump (optional): one line of printable text. */
export const captureFilterValidator: Validator = (text) =>
  (/[\u0000-\u001f\u007f]/.test(text) ? 'A filter is one line of plain text, like "icmp or port 80".' : undefined);
