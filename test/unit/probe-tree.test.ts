import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTopologyTree } from '../../src/model/topology-tree';
import { parseProbeOutput } from '../../src/host/probe-parse';

const topology = parseProbeOutput(readFileSync(join(__dirname, '../fixtures/probe/rich-netlink.txt'), 'utf8'), '@@fixture0nonce', 'local');
const text = renderTopologyTree(topology);

test('the tree shows namespaces, links with both ends, bridge ports, routes and NAT', () => {
  assert.match(text, /^local {2}\(6 namespaces\)$/m);
  assert.match(text, /^├─ host {2}\(root, forwarding on, FORWARD DROP\)$/m);
  assert.match(text, /veth-a {2}veth {2}up {2}⇄ a:eth0 {2}on br0/);
  assert.match(text, /ports: veth-a, v-ü"x, veth-dock/);
  assert.match(text, /default via 10\.1\.0\.1 dev eth0/);
  assert.match(text, /chain-x {2}! -d 224\.0\.0\.0\/4 -j MASQUERADE/);
  assert.match(text, /\(legacy\)/);
  assert.match(text, /^warning: .*both backends/m);
});

test('a name with a terminal escape cannot reach the terminal raw', () => {
  assert.doesNotMatch(text, /\u001b/);
  assert.match(text, /e\\x1b\[31m/);
});
