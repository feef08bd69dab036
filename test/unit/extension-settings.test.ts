// The extension's settings: read, checked, defaults for bad values (each reported), and the hosts list as
// "Add host…" and "Remove host" write it back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, readSettings, visibleHosts, withHostAdded, withHostRemoved } from '../../src/extension/settings';

const read = (values: Record<string, unknown>) => readSettings((key) => values[key]);

test('nothing set: the defaults, no problems, and `local` as the only host', () => {
  const { settings, problems } = read({});
  assert.deepEqual(settings, DEFAULT_SETTINGS);
  assert.deepEqual(problems, []);
  assert.deepEqual(visibleHosts(settings).map((h) => h.destination), ['local']);
});

test('hosts as strings and objects; duplicates once; local first', () => {
  const { settings, problems } = read({
    hosts: ['root@10.0.1.48', { destination: 'lab', label: 'Lab box', identityFile: '/keys/lab' }, 'root@10.0.1.48', 'local'],
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(settings.hosts, [
    { destination: 'root@10.0.1.48', label: null, identityFile: null },
    { destination: 'lab', label: 'Lab box', identityFile: '/keys/lab' },
    { destination: 'local', label: null, identityFile: null },
  ]);
  assert.deepEqual(visibleHosts(settings).map((h) => h.destination), ['local', 'root@10.0.1.48', 'lab']);
  assert.deepEqual(visibleHosts({ ...settings, showLocalHost: false, hosts: settings.hosts.slice(0, 2) }).map((h) => h.destination), ['root@10.0.1.48', 'lab']);
});

test('a bad host entry is left out with a problem that names it; the others stay', () => {
  const { settings, problems } = read({ hosts: ['-oProxyCommand=evil', 42, { label: 'x' }, 'good@host'] });
  assert.deepEqual(settings.hosts.map((h) => h.destination), ['good@host']);
  assert.equal(problems.length, 3);
  assert.match(problems[0], /starts with "-"/);
  assert.match(problems[2], /no "destination"/);
});

test('ssh options are KEY=VALUE; a bad one is reported and skipped', () => {
  const { settings, problems } = read({ 'ssh.options': ['ProxyJump=bastion', 'nonsense', 'Port=2222'], 'ssh.configFile': '/tmp/cfg', 'ssh.path': '/usr/bin/ssh' });
  assert.deepEqual(settings.sshOptions, [['ProxyJump', 'bastion'], ['Port', '2222']]);
  assert.equal(settings.sshConfigFile, '/tmp/cfg');
  assert.equal(settings.sshPath, '/usr/bin/ssh');
  assert.equal(problems.length, 1);
  assert.match(problems[0], /KEY=VALUE/);
});

test('refresh mode, interval and sudo: valid values taken, others replaced by the default and reported', () => {
  const good = read({ 'refresh.mode': 'poll', 'refresh.intervalSeconds': 5, useSudo: 'never', labsFolder: 'net/labs' });
  assert.equal(good.settings.refreshMode, 'poll');
  assert.equal(good.settings.refreshIntervalSeconds, 5);
  assert.equal(good.settings.useSudo, 'never');
  assert.equal(good.settings.labsFolder, 'net/labs');
  const bad = read({ 'refresh.mode': 'sometimes', 'refresh.intervalSeconds': 0.5, useSudo: 'maybe' });
  assert.equal(bad.settings.refreshMode, 'live');
  assert.equal(bad.settings.refreshIntervalSeconds, 10);
  assert.equal(bad.settings.useSudo, 'auto');
  assert.equal(bad.problems.length, 3);
});

test('adding and removing hosts keeps the entries as the user wrote them', () => {
  const current = ['a@h', { destination: 'lab', label: 'Lab' }, 'garbage with spaces'];
  assert.deepEqual(withHostAdded(current, { destination: 'b@h', label: null, identityFile: null }), [...current, 'b@h']);
  assert.deepEqual(withHostAdded(current, { destination: 'lab', label: null, identityFile: null }), current, 'no duplicate');
  assert.deepEqual(withHostAdded(undefined, { destination: 'x', label: 'X', identityFile: '/k' }), [{ destination: 'x', label: 'X', identityFile: '/k' }]);
  assert.deepEqual(withHostRemoved(current, 'lab'), ['a@h', 'garbage with spaces']);
});
