// Pairs the two ends of every veth across namespaces, from what the kernel said exactly. Pure.
//
// Each end knows its peer's ifindex and an nsid for the peer's namespace, and an nsid means something only
// inside the namespace that reports it. The probe asks each namespace's kernel what its nsids stand for
// (probe-netlink-perl.ts; `ip netns list` in the ip method, for namespaces with a name), so an end
// whose nsid is known gives an exact pair: (that namespace, peer ifindex). A pair is known when either end
// is. Nothing is inferred from ifindexes: they repeat across namespaces.
//
// An end left without a peer is "outside" when no visible namespace holds an end that could be its peer
// (a veth at the peer's ifindex, pointing back at this ifindex from another namespace, and not paired
// already): then its peer is in a namespace this host cannot see, e.g. a container host's own eth0.
// Otherwise its peer is unknown (an nsid the ip method could not name), never guessed.

import type { RawLink } from './probe-raw';

export interface LinkRef {
  inode: number;
  index: number;
}

/** One namespace's links, and what its nsids stand for (another namespace's inode). */
export interface VethView {
  links: readonly RawLink[];
  nsidInodes: ReadonlyMap<number, number>;
}

export interface VethPairing {
  /** The other end of each paired veth, by linkRefKey. */
  peers: Map<string, LinkRef>;
  /** veths (by linkRefKey) whose other end is in a namespace this host cannot see. */
  outside: Set<string>;
}

export function linkRefKey(inode: number, index: number): string {
  return `${inode}/${index}`;
}

const isVeth = (link: RawLink): boolean => link.kind === 'veth' && link.link !== null;

export function pairVeths(namespaces: ReadonlyMap<number, VethView>): VethPairing {
  const peers = new Map<string, LinkRef>();
  const veths = new Map([...namespaces].map(([inode, view]) => [inode, new Map(view.links.filter(isVeth).map((l) => [l.index, l]))]));
  const vethAt = (inode: number, index: number): RawLink | undefined => veths.get(inode)?.get(index);
  const pair = (a: LinkRef, b: LinkRef) => {
    peers.set(linkRefKey(a.inode, a.index), b);
    peers.set(linkRefKey(b.inode, b.index), a);
  };
  for (const [inode, view] of namespaces) {
    for (const link of view.links) {
      if (!isVeth(link)) continue;
      const peerInode = link.linkNetnsid === null ? inode : view.nsidInodes.get(link.linkNetnsid);
      if (peerInode === undefined) continue;
      const peer = vethAt(peerInode, link.link!);
      // The kernel's own answer, checked against the other end: it points back at this one.
      if (peer && peer.link === link.index) pair({ inode, index: link.index }, { inode: peerInode, index: peer.index });
    }
  }
  return { peers, outside: unpairedOutside(namespaces, peers) };
}

function unpairedOutside(namespaces: ReadonlyMap<number, VethView>, peers: ReadonlyMap<string, LinkRef>): Set<string> {
  // Unpaired ends in another namespace than their peer, by "ifindex:peer ifindex", for candidate lookups.
  const unpaired = new Map<string, number[]>();
  const ends: { inode: number; link: RawLink }[] = [];
  for (const [inode, view] of namespaces) {
    for (const link of view.links) {
      if (!isVeth(link) || link.linkNetnsid === null || peers.has(linkRefKey(inode, link.index))) continue;
      ends.push({ inode, link });
      const key = `${link.index}:${link.link}`;
      unpaired.set(key, [...(unpaired.get(key) ?? []), inode]);
    }
  }
  const outside = new Set<string>();
  for (const { inode, link } of ends) {
    const candidates = (unpaired.get(`${link.link}:${link.index}`) ?? []).filter((other) => other !== inode);
    if (candidates.length === 0) outside.add(linkRefKey(inode, link.index));
  }
  return outside;
}
