// The arguments of every `ip` command a plan or an operation runs, built in one place: `diff` (apply,
// destroy) and `operationPlan` (the Hosts tree's one-off operations) create, change and delete the same
// things, and must say it to the kernel the same way. Names and addresses are validated upstream; the
// renderer quotes them.

import { canonicalCidr, canonicalIp } from '../model/cidr';
import { canonicalRouteTarget } from '../model/route';
import { INTERFACE_KINDS } from '../model/interface-kinds';
import { ROOT_NAMESPACE, type InterfaceKind, type PeerRef, type Route } from '../model/topology';
import { routeFamily } from '../model/kernel-made';

export function createNamespaceArgs(name: string): string[] {
  return ['netns', 'add', name];
}

/** The namespace a command made by createNamespaceArgs creates; null for any other command. */
export function namespaceCreatedBy(args: readonly string[]): string | null {
  return args[0] === 'netns' && args[1] === 'add' ? args[2] : null;
}

export function deleteNamespaceArgs(name: string): string[] {
  return ['netns', 'del', name];
}

/** `link add … netns NS`: a link is made from the root namespace, straight into its own namespace. */
function placedIn(namespace: string): string[] {
  return namespace === ROOT_NAMESPACE ? [] : ['netns', namespace];
}

/**
 * Creates a veth pair from the root namespace with each end placed directly in its namespace, so that no
 * end ever sits under its name in the wrong namespace, where it could collide with another. A root end
 * is named first: `ip` creates the first name where the command runs.
 */
export function createVethArgs(a: PeerRef, b: PeerRef): string[] {
  const [first, second] = b.namespace === ROOT_NAMESPACE && a.namespace !== ROOT_NAMESPACE ? [b, a] : [a, b];
  return [
    'link', 'add', 'name', first.interface, ...placedIn(first.namespace),
    'type', 'veth', 'peer', 'name', second.interface, ...placedIn(second.namespace),
  ];
}

/** Creates a link of a kind made alone (a bridge, a dummy) from the root namespace, straight into its namespace. */
export function createLinkArgs(namespace: string, name: string, kind: InterfaceKind): string[] {
  const args = INTERFACE_KINDS[kind].linkAddArgs;
  if (!args) throw new Error(`A ${kind} is not created alone with ip link add.`);
  return ['link', 'add', 'name', name, ...placedIn(namespace), ...args];
}

/** Deletes a link (a veth takes its other end with it); runs in the link's namespace. */
export function deleteLinkArgs(name: string): string[] {
  return ['link', 'del', 'dev', name];
}

/** What `link set` changes on one interface; a field left out is left alone. */
export interface LinkSettings {
  /** The owner's mark, written as the interface's alias. */
  alias?: string | null;
  /** A bridge to attach to; null detaches (`nomaster`). */
  master?: string | null;
  mtu?: number | null;
  state?: 'up' | 'down' | null;
}

/** `link set dev NAME …`, in the order alias, master, mtu, state; null when nothing is to change. */
export function setLinkArgs(name: string, settings: LinkSettings): string[] | null {
  const args: string[] = [];
  if (settings.alias) args.push('alias', settings.alias);
  if (settings.master !== undefined) args.push(...(settings.master === null ? ['nomaster'] : ['master', settings.master]));
  if (settings.mtu !== undefined && settings.mtu !== null) args.push('mtu', String(settings.mtu));
  if (settings.state) args.push(settings.state);
  return args.length ? ['link', 'set', 'dev', name, ...args] : null;
}

export function addAddressArgs(address: string, dev: string): string[] {
  return ['addr', 'add', canonicalCidr(address), 'dev', dev];
}

export function deleteAddressArgs(address: string, dev: string): string[] {
  return ['addr', 'del', canonicalCidr(address), 'dev', dev];
}

/**
 * `route VERB TO [via GATEWAY] [dev DEV]`. A default route is spelled `::/0` when it is IPv6: a bare
 * `default` is IPv4 to `ip route`, which would make an IPv4 default route through an IPv6 gateway.
 */
export function routeArgs(verb: 'add' | 'del' | 'replace', route: Pick<Route, 'to' | 'via' | 'dev'>, family: 4 | 6 = routeFamily(route)): string[] {
  const target = canonicalRouteTarget(route.to);
  const args = ['route', verb, target === 'default' && family === 6 ? '::/0' : target];
  if (route.via) args.push('via', canonicalIp(route.via));
  if (route.dev) args.push('dev', route.dev);
  return args;
}
