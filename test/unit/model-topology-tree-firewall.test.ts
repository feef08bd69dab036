import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTopologyTree } from '../../src/model/topology-tree';
import { cniHost, dockerHost, firewalldHost } from './fixtures/firewall-hosts';

test('`vnet show` lists the filter table: chains with their policies, rules as iptables-save writes them', () => {
  const text = renderTopologyTree(dockerHost());
  assert.match(text, /^│  ├─ firewall$/m, text);
  assert.match(text, /^│  │  ├─ filter$/m);
  assert.match(text, /├─ FORWARD policy DROP\n.*├─ -j DOCKER-USER\n/);
  assert.match(text, /-o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT/);
  assert.match(text, /├─ DOCKER-ISOLATION-STAGE-2\n.*├─ -o docker0 -j DROP\n/);
  assert.match(text, /└─ mangle\n/);
  assert.match(text, /sysctls\n.*ipv6 forwarding off\n.*rp_filter default=2 eth0=2\n.*bridge-nf-call-iptables 1/);
});

test('a container\'s namespace is titled with its holder', () => {
  const text = renderTopologyTree(dockerHost());
  assert.match(text, /^└─ \/var\/run\/docker\/netns\/cf43a1b2c3d4 {2}\(anonymous, forwarding off, docker web-1 \(compose shop\)\)$/m, text);
});

test('`vnet show` lists native nft tables by owner, policy rules and other routing tables', () => {
  const text = renderTopologyTree(firewalldHost());
  assert.match(text, /├─ nft\n.*└─ inet firewalld {2}\(firewalld\)\n.*├─ filter_FORWARD {2}filter hook forward priority 10 policy drop\n.*├─ ct state \{ established, related \} accept/, text);
  assert.match(text, /filter_FORWARD_POLICIES {2}regular chain/);
  assert.match(text, /├─ rules\n.*├─ 0: from all lookup local\n.*├─ 100: from 10\.89\.0\.0\/24 lookup 100\n/);
  assert.match(text, /├─ routes table 100\n.*└─ default via 10\.0\.1\.254 dev eth0\n/);
  assert.match(text, /rp_filter all=1 default=1/);
  assert.doesNotMatch(text, /bridge-nf-call/);
});

test('a host without these facts shows no empty subtrees', () => {
  const host = cniHost();
  delete host.namespaces[0].iptables;
  assert.doesNotMatch(renderTopologyTree(host), /firewall|nft|rules|sysctls/);
});
