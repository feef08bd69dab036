// Finds the other end of every veth across namespaces. Pure.
//
// The kernel tells each end only (a) the peer's ifindex and (b) an nsid for the peer's namespace, and an
// nsid means something only inside the namespace that assigned it, for namespaces with or without names.
// So we solve for each namespace X the map nsid → namespace: X's veths with nsid n all live in one
// namespace Y, and each such veth v must have, in Y, a veth w with w.index = v.link and w.link = v.index
// whose own nsid points back at X. Matches that are unique are taken, and each one fixes the reverse map
// in Y too, which narrows the remaining ones; we repeat until nothing changes. A pair that stays
// ambiguous (mirror-image anonymous namespaces) gets no peer rather than a guessed one.

import type { RawLink } from './probe-raw';

export interface LinkRef {
  inode: number;
  index: number;
}

const key = (index: number, link: number) => `${index}:${link}`;

export function resolveVethPeers(namespaces: ReadonlyMap<number, readonly RawLink[]>): Map<string, LinkRef> {
  const peers = new Map<string, LinkRef>();
  const refKey = (inode: number, index: number) => `${inode}/${index}`;

  // veth ends by (own index, peer index), for candidate lookups.
  const byPair = new Map<string, { inode: number; link: RawLink }[]>();
  for (const [inode, links] of namespaces) {
    for (const link of links) {
      if (link.kind !== 'veth' || link.link === null) continue;
      if (link.linkNetnsid === null) {
        const peer = links.find((l) => l.index === link.link && l.kind === 'veth');
        if (peer) peers.set(refKey(inode, link.index), { inode, index: peer.index });
        continue;
      }
      const k = key(link.index, link.link);
      const list = byPair.get(k) ?? [];
      list.push({ inode, link });
      byPair.set(k, list);
    }
  }

  // Groups to solve: X's veths that share an nsid.
  const nsidMap = new Map<number, Map<number, number>>();
  /** Per namespace, the namespaces its nsids already stand for (an nsid names one namespace). */
  const taken = new Map<number, Set<number>>();
  const groups: { inode: number; nsid: number; links: RawLink[] }[] = [];
  for (const [inode, links] of namespaces) {
    nsidMap.set(inode, new Map());
    taken.set(inode, new Set());
    const byNsid = new Map<number, RawLink[]>();
    for (const link of links) {
      if (link.kind !== 'veth' || link.link === null || link.linkNetnsid === null) continue;
      const group = byNsid.get(link.linkNetnsid);
      if (group) group.push(link);
      else byNsid.set(link.linkNetnsid, [link]);
    }
    for (const [nsid, group] of byNsid) groups.push({ inode, nsid, links: group });
  }
  const assign = (x: number, nsid: number, y: number) => {
    nsidMap.get(x)!.set(nsid, y);
    taken.get(x)!.add(y);
  };
  const endIn = (v: RawLink, y: number): RawLink | undefined => byPair.get(key(v.link!, v.index))?.find((e) => e.inode === y)?.link;

  const candidatesFor = (group: (typeof groups)[number]): number[] => {
    const assigned = taken.get(group.inode)!;
    let candidates: Set<number> | undefined;
    for (const v of group.links) {
      const matches = new Set<number>();
      for (const { inode: y, link: w } of byPair.get(key(v.link!, v.index)) ?? []) {
        if (y === group.inode || assigned.has(y)) continue;
        const back = nsidMap.get(y)!.get(w.linkNetnsid!);
        if (back !== undefined && back !== group.inode) continue;
        matches.add(y);
      }
      const previous: Set<number> | undefined = candidates;
      candidates = previous === undefined ? matches : new Set([...previous].filter((y) => matches.has(y)));
      if (candidates.size === 0) break;
    }
    return [...(candidates ?? [])];
  };

  let pending = groups;
  for (let progress = true; progress && pending.length; ) {
    progress = false;
    const next: typeof groups = [];
    for (const group of pending) {
      if (nsidMap.get(group.inode)!.has(group.nsid)) continue;
      const candidates = candidatesFor(group);
      if (candidates.length !== 1) { next.push(group); continue; }
      const y = candidates[0];
      assign(group.inode, group.nsid, y);
      for (const v of group.links) {
        const w = endIn(v, y);
        if (w && !nsidMap.get(y)!.has(w.linkNetnsid!)) assign(y, w.linkNetnsid!, group.inode);
      }
      progress = true;
    }
    pending = next;
  }

  for (const group of groups) {
    const y = nsidMap.get(group.inode)!.get(group.nsid);
    if (y === undefined) continue;
    for (const v of group.links) {
      const w = endIn(v, y);
      if (w) peers.set(refKey(group.inode, v.index), { inode: y, index: w.index });
    }
  }
  return peers;
}

export function linkRefKey(inode: number, index: number): string {
  return `${inode}/${index}`;
}
