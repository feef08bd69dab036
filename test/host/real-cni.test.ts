// The real CNI plugins (Debian's containernetworking-plugins) inside a testbed host, called as a runtime
// calls them: bridge (host-local leases), portmap with a published port, firewall. `vnet show --json` must
// report what they built exactly as the plugins' own result, `ip` and `iptables-save` report it: the
// filter table, the sysctls and the (absent) native nft tables included.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Namespace, Topology } from '../../src/model/topology';
import { bridgeChain, cniAdd, cniDel, type CniAttachment, type CniResult } from '../testbed/cni';
import { Testbed, type TestHost } from '../testbed/testbed';
import { assertBuilt, showJson } from './show-support';
import { assertLabBesideLeavesRules, byChain, iptablesSave, rootOf, sysctl, userChains, mustRead, type SavedTable } from './real-support';

const NETNS = 'cni-5f1c2a07-9d3e-4b8e';
const list = bridgeChain({ name: 'vnet-cni', bridge: 'cni0', subnet: '10.88.0.0/24' });
const attachment: CniAttachment = {
  containerId: '5f1c2a079d3e4b8e', netns: `/run/netns/${NETNS}`, ifname: 'eth0',
  portMappings: [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }],
};
let bed: Testbed;
let host: TestHost;
let result: CniResult;
let topology: Topology;
let saved: Map<string, SavedTable>;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh(`ip netns add ${NETNS}`);
  result = await cniAdd(host, list, attachment);
  // The "container": busybox httpd inside the namespace, as its workload.
  await host.mustSh(`mkdir -p /run/www && echo vnet > /run/www/index.html
setsid ip netns exec ${NETNS} /bin/busybox httpd -f -p 80 -h /run/www </dev/null >/dev/null 2>&1 &`);
  topology = await showJson(host);
  saved = await iptablesSave(host);
});

after(async () => {
  await bed?.stop();
});

test('the published port answers from the LAN through the portmap rules', async () => {
  const reply = await bed.peer.sh(`printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -N -w 3 ${host.ip} 8081`, { timeoutMs: 10_000 });
  assert.match(reply.stdout, /^HTTP\/1\.[01] 200/);
});

test('the bridge, the veth and the container\'s address, as the plugins\' result and the kernel say', async () => {
  const root = rootOf(topology);
  const [ip] = result.ips ?? [];
  assert.ok(ip?.gateway, 'the bridge plugin reports an address and a gateway');
  const bridge = root.interfaces.find((i) => i.name === 'cni0');
  assert.ok(bridge, 'cni0 is reported');
  assert.equal(bridge.kind, 'bridge');
  assert.deepEqual(bridge.addresses.filter((a) => !a.includes(':')), [`${ip.gateway}/${ip.address.split('/')[1]}`]);
  const hostVeth = result.interfaces?.find((i) => !i.sandbox && i.name !== 'cni0')?.name;
  assert.ok(hostVeth, 'the result names the host side of the veth');
  const veth = root.interfaces.find((i) => i.name === hostVeth);
  assert.ok(veth, `${hostVeth} is reported`);
  assert.equal(veth.master, 'cni0');
  assert.deepEqual(veth.peer, { namespace: NETNS, interface: 'eth0' });
  const ns = namespaceNamed(topology, NETNS);
  const eth0 = ns.interfaces.find((i) => i.name === 'eth0');
  assert.ok(eth0, 'eth0 in the container namespace');
  assert.deepEqual(eth0.addresses.filter((a) => !a.includes(':')), [ip.address]);
  assert.deepEqual(eth0.peer, { namespace: 'host', interface: hostVeth });
  const peerIndex = await host.mustSh(`ip -n ${NETNS} -j link show eth0 | sed -E 's/.*"link_index":([0-9]+).*/\\1/'`);
  const kernelPeer = (await host.mustSh(`ip -o link show | awk -F': ' '$1 == ${Number(peerIndex)} {print $2}' | cut -d@ -f1`)).trim();
  assert.equal(kernelPeer, hostVeth, 'the kernel pairs them so too');
  assert.equal(ns.routes.find((r) => r.to === 'default')?.via, ip.gateway);
  assert.equal(root.forwarding, await sysctl(host, 'net/ipv4/ip_forward') === '1');
});

test('the nat table equals iptables-save: portmap\'s DNAT and the bridge plugin\'s masquerade', () => {
  const root = rootOf(topology);
  const nat = saved.get('nat');
  assert.ok(nat, 'iptables-save has a nat table');
  assert.deepEqual(byChain(root.nat.map((r) => r.rule)), byChain(nat.rules), 'every nat rule, in order per chain');
  assert.deepEqual([...root.natChains].sort(), userChains(nat).sort(), 'the nat user chains');
  const address = result.ips![0].address.split('/')[0];
  const dnat = root.nat.find((r) => r.target.kind === 'DNAT');
  assert.ok(dnat, 'a DNAT rule');
  assert.match(dnat.chain, /^CNI-DN-/);
  assert.deepEqual([dnat.protocol, dnat.dport, dnat.target], ['tcp', '8081', { kind: 'DNAT', to: `${address}:80` }]);
  assert.ok(root.nat.some((r) => r.target.kind === 'MASQUERADE' && r.chain.startsWith('CNI-') && r.destination?.value === '224.0.0.0/4'
    && r.destination.negated), 'the bridge plugin\'s masquerade');
  assert.ok(root.nat.some((r) => r.chain === 'CNI-HOSTPORT-MASQ' && r.target.kind === 'MASQUERADE'), 'portmap\'s masquerade by mark');
});

test('the firewall plugin\'s CNI-FORWARD chains are in the filter table, FORWARD stays ACCEPT', () => {
  const filter = saved.get('filter');
  assert.ok(filter, 'iptables-save has a filter table');
  assert.ok(filter.chains.has('CNI-FORWARD') && filter.chains.has('CNI-ADMIN'), 'CNI-FORWARD and CNI-ADMIN');
  assert.ok(filter.rules.some((r) => r.startsWith('-A FORWARD ') && r.endsWith('-j CNI-FORWARD')), 'FORWARD jumps to CNI-FORWARD');
  const address = result.ips![0].address.split('/')[0];
  assert.ok(filter.rules.includes(`-A CNI-FORWARD -s ${address}/32 -j ACCEPT`), 'the container\'s traffic is accepted');
  assert.equal(filter.chains.get('FORWARD'), 'ACCEPT');
  assert.equal(rootOf(topology).forwardPolicy, 'ACCEPT');
});

test('the filter table with CNI-FORWARD, rule by rule, equals iptables-save', async () => {
  await mustRead(rootOf(topology), 'iptables', (tables) => {
    const filter = tables.find((table) => table.table === 'filter' && table.backend === 'nft');
    assert.ok(filter, 'the filter table (iptables-nft) is read');
    const want = saved.get('filter')!;
    assert.deepEqual(filter.chains.map((c) => [c.name, c.policy]).sort(), [...want.chains].sort());
    assert.deepEqual(byChain(filter.rules.map((r) => r.rule)), byChain(want.rules));
    const jump = filter.rules.find((r) => r.chain === 'FORWARD' && r.rule.endsWith('-j CNI-FORWARD'));
    assert.deepEqual(jump?.target, { kind: 'jump', chain: 'CNI-FORWARD' });
    assert.equal(jump?.comment, 'CNI firewall plugin rules');
  });
});

test('forwarding sysctls and br_netfilter as /proc/sys says', async () => {
  const callIptables = await sysctl(host, 'net/bridge/bridge-nf-call-iptables');
  const ipv6 = await sysctl(host, 'net/ipv6/conf/all/forwarding');
  await mustRead(rootOf(topology), 'sysctls', (sysctls) => {
    assert.equal(sysctls.bridgeNfCallIptables, callIptables === null ? null : callIptables === '1');
    assert.equal(sysctls.ipv6Forwarding, ipv6 === null ? null : ipv6 === '1');
  });
});

test('no native nft tables: the plugins write through iptables-nft only', async () => {
  // The probe reads native tables in every namespace and leaves the field out when there are none.
  assert.deepEqual(rootOf(topology).nftTables ?? [], [], 'iptables-nft\'s own tables are not native');
});

test('a lab applied beside the CNI network leaves every CNI rule untouched', async () => {
  await assertLabBesideLeavesRules(host);
});

// Last: it takes the network down.
test('DEL, in reverse order, removes every rule, the veth and the lease; show reports them gone', async () => {
  await cniDel(host, list, attachment, result);
  const after = await iptablesSave(host);
  const left = [...after.values()].flatMap((table) => table.rules).filter((r) => r.includes('5f1c2a07') || r.includes(result.ips![0].address.split('/')[0]));
  assert.deepEqual(left, [], 'no rule for the container is left');
  const read = await showJson(host);
  const hostVeth = result.interfaces?.find((i) => !i.sandbox && i.name !== 'cni0')?.name;
  assert.equal(rootOf(read).interfaces.find((i) => i.name === hostVeth), undefined, 'the veth is gone');
  assert.deepEqual(namespaceNamed(read, NETNS).interfaces.map((i) => i.name), ['lo']);
  assert.deepEqual(byChain(rootOf(read).nat.map((r) => r.rule)), byChain(after.get('nat')?.rules ?? []));
  assert.equal((await host.mustSh('ls /run/vnet-cni/networks/vnet-cni | grep -c "^10\\." || true')).trim(), '0', 'the lease is released');
});

function namespaceNamed(read: Topology, name: string): Namespace {
  const ns = read.namespaces.find((n) => n.name === name);
  assert.ok(ns, `namespace ${name} is reported (have: ${read.namespaces.map((n) => n.name).join(', ')})`);
  return ns;
}


