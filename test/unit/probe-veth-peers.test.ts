// Pairing veth ends from what each namespace's kernel said its nsids stand for: exact, never inferred from
// ifindexes (they repeat across namespaces).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkRefKey, pairVeths, type VethView } from '../../src/host/veth-peers';
import type { RawLink } from '../../src/host/probe-raw';

function veth(index: number, link: number, linkNetnsid: number | null): RawLink {
  return { index, name: `v${index}`, kind: 'veth', slaveKind: null, loopback: false, up: true, operstate: 'UP', mtu: 1500, mac: null, master: null, link, linkNetnsid, alias: null, altNames: [] };
}

function view(links: RawLink[], nsids: [number, number][] = []): VethView {
  return { links, nsidInodes: new Map(nsids) };
}

test('mirror-image pairs (identical ifindexes and nsids) pair exactly, from either end', () => {
  // a1↔b1, a2↔b2, a3↔b3: every end is ifindex 2 with peer ifindex 2 and nsid 0. The kernel named the
  // peer of b1 and a2 (whichever end the probe resolved), and of neither end of the third pair.
  const pairing = pairVeths(new Map([
    [11, view([veth(2, 2, 0)])],
    [21, view([veth(2, 2, 0)], [[0, 11]])],
    [12, view([veth(2, 2, 0)], [[0, 22]])],
    [22, view([veth(2, 2, 0)])],
    [13, view([veth(2, 2, 0)])],
    [23, view([veth(2, 2, 0)])],
  ]));
  assert.deepEqual(pairing.peers.get(linkRefKey(11, 2)), { inode: 21, index: 2 });
  assert.deepEqual(pairing.peers.get(linkRefKey(21, 2)), { inode: 11, index: 2 });
  assert.deepEqual(pairing.peers.get(linkRefKey(12, 2)), { inode: 22, index: 2 });
  assert.deepEqual(pairing.peers.get(linkRefKey(22, 2)), { inode: 12, index: 2 });
  assert.equal(pairing.peers.get(linkRefKey(13, 2)), undefined, 'not guessed');
  assert.equal(pairing.peers.get(linkRefKey(23, 2)), undefined, 'not guessed');
  assert.equal(pairing.outside.has(linkRefKey(13, 2)), false, 'a visible namespace could hold its peer: unknown, not outside');
});

test('the same nsid means different namespaces to different viewers', () => {
  const pairing = pairVeths(new Map([
    [1, view([veth(5, 2, 0), veth(6, 2, 1)], [[0, 2], [1, 3]])],
    [2, view([veth(2, 5, 0)])],
    [3, view([veth(2, 6, 0)])],
  ]));
  assert.deepEqual(pairing.peers.get(linkRefKey(1, 5)), { inode: 2, index: 2 });
  assert.deepEqual(pairing.peers.get(linkRefKey(1, 6)), { inode: 3, index: 2 });
  assert.deepEqual(pairing.peers.get(linkRefKey(2, 2)), { inode: 1, index: 5 });
  assert.deepEqual(pairing.peers.get(linkRefKey(3, 2)), { inode: 1, index: 6 });
  assert.equal(pairing.outside.size, 0);
});

test('a host whose eth0 is a veth: its peer is outside, and no namespace with a look-alike veth is taken for it', () => {
  // The root's eth0 (ifindex 2) has its peer at ifindex 7 in a namespace this host cannot see (nsid 0).
  // Namespace 5 has a veth at ifindex 7 whose peer is ifindex 2 too, but in namespace 6, as its kernel says.
  const pairing = pairVeths(new Map([
    [1, view([veth(2, 7, 0)])],
    [5, view([veth(7, 2, 0)], [[0, 6]])],
    [6, view([veth(2, 7, 3)])],
  ]));
  assert.equal(pairing.peers.get(linkRefKey(1, 2)), undefined);
  assert.ok(pairing.outside.has(linkRefKey(1, 2)));
  assert.deepEqual(pairing.peers.get(linkRefKey(6, 2)), { inode: 5, index: 7 });
  assert.equal(pairing.outside.size, 1);
});

test('an answer that the other end contradicts is not taken', () => {
  // Namespace 1 says nsid 0 is namespace 2, but 2's ifindex 4 does not point back at 1's ifindex 3.
  const pairing = pairVeths(new Map([[1, view([veth(3, 4, 0)], [[0, 2]])], [2, view([veth(4, 9, 0)])]]));
  assert.equal(pairing.peers.size, 0);
});

test('both ends in one namespace, and non-veth links are left alone', () => {
  const bridge: RawLink = { ...veth(7, 0, null), kind: 'bridge', link: null };
  const pairing = pairVeths(new Map([[1, view([veth(3, 4, null), veth(4, 3, null), bridge])]]));
  assert.deepEqual(pairing.peers.get(linkRefKey(1, 3)), { inode: 1, index: 4 });
  assert.deepEqual(pairing.peers.get(linkRefKey(1, 4)), { inode: 1, index: 3 });
  assert.equal(pairing.peers.has(linkRefKey(1, 7)), false);
  assert.equal(pairing.outside.size, 0);
});
