// Stable element ids. The same element gets the same id in a desired and a live view (that is how drift is
// found) and across refreshes (that is how positions are kept). Names are untrusted and may contain any
// character, so every part is percent-encoded: no name can forge a separator and collide with another id.

const part = (text: string) => encodeURIComponent(text);

export const OUTSIDE_ID = 'outside';

export function hostId(host: string): string {
  return `host:${part(host)}`;
}

export function namespaceId(host: string, namespace: string): string {
  return `ns:${part(host)}/${part(namespace)}`;
}

export function interfaceId(host: string, namespace: string, name: string): string {
  return `if:${part(host)}/${part(namespace)}/${part(name)}`;
}

export function bridgeId(host: string, namespace: string, name: string): string {
  return `br:${part(host)}/${part(namespace)}/${part(name)}`;
}

export function routeId(host: string, namespace: string, to: string): string {
  return `route:${part(host)}/${part(namespace)}/${part(to)}`;
}

export function natId(host: string, namespace: string, key: string): string {
  return `nat:${part(host)}/${part(namespace)}/${part(key)}`;
}

/** The host port a DNAT rule publishes, named after the rule's own id. */
export function dnatPortId(ruleId: string): string {
  return `dnat:${ruleId}`;
}

/** The host port that stands for many DNAT rules reaching one element (`key`: its id, or where they point). */
export function dnatGroupPortId(host: string, key: string): string {
  return `dnat-group:${part(host)}/${part(key)}`;
}

export function egressPortId(host: string): string {
  return `egress:${part(host)}`;
}

/** A link's id does not depend on which end was met first. */
export function linkId(endA: string, endB: string): string {
  return endA < endB ? `link:${endA}|${endB}` : `link:${endB}|${endA}`;
}
