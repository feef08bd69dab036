import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameNamespaces, parseNsfsMounts, unescapeMountPath } from '../../src/host/namespace-names';

test('mountinfo paths are unescaped; only network namespaces count', () => {
  const mounts = parseNsfsMounts([
    '66 65 0:4 net:[4026532249] /run/netns/a\\040b\\134c rw shared:2 - nsfs nsfs rw',
    '67 65 0:4 mnt:[4026532250] /run/some-mnt-ns rw - nsfs nsfs rw',
    '68 65 0:4 net:[4026532251] /tmp/x rw - tmpfs tmpfs rw',
  ]);
  assert.deepEqual(mounts, [{ inode: 4026532249, path: '/run/netns/a b\\c' }]);
  assert.equal(unescapeMountPath('/x\\012y'), '/x\ny');
});

test('names: root, /run/netns, other bind mounts, then the lowest pid', () => {
  const { identities } = nameNamespaces(1, [1, 2, 3, 4, 5], [
    { inode: 2, path: '/run/netns/red' },
    { inode: 2, path: '/run/docker/netns/x' },
    { inode: 3, path: '/var/run/docker/netns/abc' },
    { inode: 5, path: '/run/netns/deep/er' },
  ], [{ pid: 90, inode: 4 }, { pid: 12, inode: 4 }, { pid: 7, inode: 3 }]);
  assert.deepEqual(identities.get(1), { inode: 1, name: 'host', root: true, anonymous: false, path: null });
  assert.deepEqual(identities.get(2), { inode: 2, name: 'red', root: false, anonymous: false, path: '/run/netns/red' });
  assert.deepEqual(identities.get(3), { inode: 3, name: '/var/run/docker/netns/abc', root: false, anonymous: true, path: '/var/run/docker/netns/abc' });
  assert.deepEqual(identities.get(4), { inode: 4, name: 'pid:12', root: false, anonymous: true, path: '/proc/12/ns/net' });
  assert.equal(identities.get(5)!.anonymous, true, 'a file below a subdirectory of /run/netns is no ip-netns name');
});

test('a namespace file called "host" does not take the root namespace\'s name', () => {
  const { identities, warnings } = nameNamespaces(1, [7, 1], [{ inode: 7, path: '/run/netns/host' }], []);
  assert.equal(identities.get(1)!.name, 'host');
  assert.equal(identities.get(7)!.name, 'host#7');
  assert.match(warnings[0], /host#7/);
});
