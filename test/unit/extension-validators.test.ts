// The checks behind the input boxes say what is wrong as the user types, with the language's validators:
// what a box accepts is what the engine accepts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyNamespace, emptyTopology } from '../../src/model/topology';
import {
  captureFilterValidator, cidrValidator, destinationValidator, dnatTargetValidator, interfaceNameValidator, ipValidator,
  namespaceNameValidator, normalizePort, optionalCidrValidator, portValidator, routeTargetValidator,
} from '../../src/extension/input-validators';
import { validateOperation } from '../../src/plan/operations';

test('namespace names: the language rules, "host" reserved, existing names refused', () => {
  const topology = emptyTopology('h');
  topology.namespaces.push(emptyNamespace('netns1'));
  const check = namespaceNameValidator(topology);
  assert.equal(check('netns2'), undefined);
  assert.match(check('netns1')!, /already exists/);
  assert.match(check('host')!, /root namespace/);
  assert.match(check('a/b')!, /"\/"/);
  assert.match(check('')!, /empty/);
  assert.match(check('bad\u0007')!, /\\x07/, 'the message shows the control character escaped');
});

test('interface names: 15 bytes, no "/", ":" or spaces, free in the namespace and not taken by the other end', () => {
  const ns = emptyNamespace('host', true);
  ns.interfaces.push({ name: 'br0', kind: 'bridge', state: 'up', mtu: null, mac: null, addresses: [], master: null, peer: null });
  const check = interfaceNameValidator(ns, ['veth0']);
  assert.equal(check('veth1'), undefined);
  assert.match(check('br0')!, /already exists/);
  assert.match(check('veth0')!, /already exists/);
  assert.match(check('a-very-long-name-x')!, /15/);
  assert.match(check('a:b')!, /character/);
});

test('addresses, gateways, route targets', () => {
  assert.equal(cidrValidator('172.16.0.1/24'), undefined);
  assert.equal(cidrValidator('fd00::1/64'), undefined);
  assert.ok(cidrValidator('172.16.0.1'));
  assert.ok(cidrValidator('172.16.0.1/33'));
  assert.equal(optionalCidrValidator(''), undefined);
  assert.ok(optionalCidrValidator('nope'));
  assert.equal(ipValidator('10.0.0.1'), undefined);
  assert.ok(ipValidator('10.0.0.1/24'));
  for (const ok of ['default', '192.168.2.0/24', '10.0.0.9']) assert.equal(routeTargetValidator(ok), undefined, ok);
  assert.ok(routeTargetValidator('anywhere'));
});

test('ports and port-forward targets, in the spellings the engine takes', () => {
  for (const ok of ['80', '8000:8100', '8000-8100', '65535']) assert.equal(portValidator(ok), undefined, ok);
  for (const bad of ['0', '65536', '80:70', 'http', '1:2:3']) assert.ok(portValidator(bad), bad);
  assert.equal(normalizePort('8000-8100'), '8000:8100');
  for (const ok of ['172.16.0.102:80', '172.16.0.102']) assert.equal(dnatTargetValidator(ok), undefined, ok);
  for (const bad of ['172.16.0.102:0', 'fd00::2', 'host:80', '']) assert.ok(dnatTargetValidator(bad), bad);
});

test('what the boxes accept, the engine accepts', () => {
  const topology = emptyTopology('h');
  for (const to of ['172.16.0.102:80', '172.16.0.102']) {
    assert.doesNotThrow(() => validateOperation({ kind: 'add-port-forward', namespace: 'host', protocol: 'tcp', port: normalizePort('8000-8100'), to }, { topology }));
  }
  assert.doesNotThrow(() => validateOperation({ kind: 'create-bridge', namespace: 'host', name: 'br0', address: 'fd00::1/64' }, { topology }));
});

test('ssh destinations and capture filters', () => {
  for (const ok of ['root@10.0.1.48', 'lab', 'user@[fd00::1]:2222', 'local']) assert.equal(destinationValidator(ok), undefined, ok);
  assert.match(destinationValidator('-oProxyCommand=x')!, /starts with "-"/);
  assert.match(destinationValidator('a b')!, /space/);
  assert.equal(captureFilterValidator('icmp or port 80'), undefined);
  assert.ok(captureFilterValidator('icmp\nrm -rf /'));
});
