// Peers across namespaces when nsids are relative to the viewer and some namespaces have no name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linkRefKey, resolveVethPeers } from '../../src/host/veth-peers';
import type { RawLink } from '../../src/host/probe-raw';

function veth(index: number, link: number, linkNetnsid: number | null, name = `v${index}`): RawLink {
  return { index, name, kind: 'veth', slaveKind: null, loopback: false, up: true, operstate: 'UP', mtu: 1500, mac: null, master: null, link, linkNetnsid, alias: null, altNames: [] };
}

test('the same nsid means different namespaces to different viewers', () => {
  // Root (1) sees P (2) as nsid 0 and Q (3) as nsid 1; P and Q both see the root as nsid 0, and both
  // ends inside P and Q have ifindex 2.
  const peers = resolveVethPeers(new Map([
    [1, [veth(5, 2, 0), veth(6, 2, 1)]],
    [2, [veth(2, 5, 0)]],
    [3, [veth(2, 6, 0)]],
  ]));
  assert.deepEqual(peers.get(linkRefKey(1, 5)), { inode: 2, index: 2 });
  assert.deepEqual(peers.get(linkRefKey(1, 6)), { inode: 3, index: 2 });
  assert.deepEqual(peers.get(linkRefKey(2, 2)), { inode: 1, index: 5 });
  assert.deepEqual(peers.get(linkRefKey(3, 2)), { inode: 1, index: 6 });
});

test('an index pair that two namespaces share is told apart by the other veths of the same nsid', () => {
  // X (1) has two veths into Y (2) under nsid 4. Z (3) also has an interface 7 whose peer is 9 — but in
  // another namespace (W, 5) — so only Y matches both of X's veths.
  const peers = resolveVethPeers(new Map([
    [1, [veth(9, 7, 4), veth(10, 8, 4)]],
    [2, [veth(7, 9, 0), veth(8, 10, 0)]],
    [3, [veth(7, 9, 2)]],
    [5, [veth(9, 7, 1)]],
  ]));
  assert.deepEqual(peers.get(linkRefKey(1, 9)), { inode: 2, index: 7 });
  assert.deepEqual(peers.get(linkRefKey(1, 10)), { inode: 2, index: 8 });
  assert.deepEqual(peers.get(linkRefKey(3, 7)), { inode: 5, index: 9 });
  assert.deepEqual(peers.get(linkRefKey(5, 9)), { inode: 3, index: 7 });
});

test('a mirror image that cannot be told apart gets no peer rather than a guess', () => {
  // A↔B and C↔D with identical indexes and nsids: from A, both B and D look the same.
  const peers = resolveVethPeers(new Map([
    [1, [veth(2, 3, 0)]],
    [2, [veth(3, 2, 0)]],
    [3, [veth(2, 3, 0)]],
    [4, [veth(3, 2, 0)]],
  ]));
  assert.equal(peers.get(linkRefKey(1, 2)), undefined);
  assert.equal(peers.get(linkRefKey(2, 3)), undefined);
});

test('both ends in one namespace, and a peer in a namespace nobody found', () => {
  const peers = resolveVethPeers(new Map([[1, [veth(3, 4, null), veth(4, 3, null), veth(5, 9, 7)]]]));
  assert.deepEqual(peers.get(linkRefKey(1, 3)), { inode: 1, index: 4 });
  assert.deepEqual(peers.get(linkRefKey(1, 4)), { inode: 1, index: 3 });
  assert.equal(peers.get(linkRefKey(1, 5)), undefined);
});
