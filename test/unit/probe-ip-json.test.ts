import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIpJson, parseJsonSequence, routeTarget } from '../../src/host/probe-ip-json';

test('concatenated JSON documents split, with raw control characters inside strings kept exactly', () => {
  const text = '[{"ifname":"a\u0001b","x":"q\\"}"}]\n[]\n[{"n":[1,{"m":"]"}]}]';
  assert.deepEqual(parseJsonSequence(text), [[{ ifname: 'a\u0001b', x: 'q"}' }], [], [{ n: [1, { m: ']' }] }]]);
  assert.throws(() => parseJsonSequence('[{"a":1}] oops'));
  assert.throws(() => parseJsonSequence('[{"a":1}'));
});

test('documents are recognised by shape, whatever their order or number', () => {
  const links = '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"link_type":"loopback","mtu":65536,"addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},{"ifindex":5,"ifname":"v","link":"w","flags":[],"link_type":"ether","address":"aa:bb:cc:dd:ee:ff","linkinfo":{"info_kind":"veth"}},{"ifindex":6,"ifname":"w","link":"v","flags":["UP"],"link_type":"ether","linkinfo":{"info_kind":"veth"}}]';
  const netconf = '[{"family":"inet","interface":"all","forwarding":"on"}]';
  const state = parseIpJson(`${netconf}\n[]\n${links}`);
  assert.equal(state.forwarding, true);
  assert.deepEqual(state.routes, []);
  assert.deepEqual(state.links.map((l) => [l.name, l.link, l.up]), [['lo', null, true], ['v', 6, false], ['w', 5, true]]);
  assert.deepEqual(state.addresses, [{ index: 1, family: 4, cidr: '127.0.0.1/8', scope: 'host' }]);
});

test('route destinations become `default` or a CIDR', () => {
  assert.equal(routeTarget('default', null), 'default');
  assert.equal(routeTarget('10.1.0.7', null), '10.1.0.7/32');
  assert.equal(routeTarget('2001:db8::1', null), '2001:db8::1/128');
  assert.equal(routeTarget('10.1.0.0/24', null), '10.1.0.0/24');
  assert.equal(routeTarget('0.0.0.0/0', null), 'default');
  assert.equal(routeTarget('not-an-ip', null), null);
});

test('only main-table routes are kept, multipath split into nexthops', () => {
  const routes = '[{"dst":"10.0.0.0/8","table":"local","dev":"lo","protocol":"kernel"},{"dst":"10.9.0.0/16","protocol":"static","nexthops":[{"gateway":"10.0.0.2","dev":"a"},{"via":{"family":"inet6","host":"fe80::1"},"dev":"b"}]}]';
  const state = parseIpJson(routes);
  assert.deepEqual(state.routes, [{ to: '10.9.0.0/16', protocol: 'static', type: 'unicast', nexthops: [{ via: '10.0.0.2', dev: 'a' }, { via: 'fe80::1', dev: 'b' }] }]);
});

test('`netns list` names the nsids of namespaces in /run/netns that have one', () => {
  const state = parseIpJson('[{"name":"b1","id":0},{"name":"x"},{"name":"c d","id":2}]\n[]');
  assert.deepEqual([...state.nsidNames], [[0, 'b1'], [2, 'c d']]);
  assert.deepEqual(state.routes, [], 'not mistaken for routes');
});
