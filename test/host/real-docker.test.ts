// The real Docker daemon (Debian's docker.io) inside a testbed host: containers on the default bridge, on a
// user network and with a published port. `vnet show --json` must report what Docker built exactly as the
// tools themselves report it in that host: `docker inspect`, `ip`, `iptables-save`, /proc/sys: the filter
// table, the containers' names, the sysctls and the (absent) native nft tables included.
// One dockerd per file: it starts in about a second, the containers in about one more each.

import { namespaceLabel } from '../../src/model/namespace-label';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Namespace, Topology } from '../../src/model/topology';
import { BUSYBOX_IMAGE, startDocker, type DockerOnHost } from '../testbed/docker';
import { Testbed, type TestHost } from '../testbed/testbed';
import { assertBuilt, showJson, vnet } from './show-support';
import { assertLabBesideLeavesRules, byChain, iptablesSave, rootOf, sysctl, userChains, mustRead, type SavedTable } from './real-support';

interface Container {
  name: string;
  id: string;
  /** The namespace Docker bind-mounts for the container (under its exec root). */
  sandbox: string;
  network: string;
  address: string;
  gateway: string;
}

interface DockerNetwork {
  name: string;
  id: string;
  bridge: string;
  subnet: string;
  gateway: string;
}

const USER_NETWORK = 'vnet-user';
let bed: Testbed;
let host: TestHost;
let docker: DockerOnHost | undefined;
let containers: Container[];
let networks: DockerNetwork[];
let topology: Topology;
let saved: Map<string, SavedTable>;

before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  docker = await startDocker(host);
  await docker.importBusybox();
  await docker.docker(`network create --subnet 172.30.0.0/24 ${USER_NETWORK}`);
  await docker.docker(`run -d --name web -p 8080:80 ${BUSYBOX_IMAGE} httpd -f -p 80 -h /www`);
  await docker.docker(`run -d --name app --network ${USER_NETWORK} ${BUSYBOX_IMAGE} sleep 1000000`);
  await docker.docker(`run -d --name plain ${BUSYBOX_IMAGE} sleep 1000000`);
  containers = await Promise.all(['web', 'app', 'plain'].map((name) => inspectContainer(docker!, name)));
  networks = await Promise.all(['bridge', USER_NETWORK].map((name) => inspectNetwork(docker!, name, containers)));
  topology = await showJson(host);
  saved = await iptablesSave(host);
});

after(async () => {
  try {
    await docker?.stop();
  } finally {
    await bed?.stop();
  }
});

test('the published port answers from the LAN through Docker\'s own rules', async () => {
  const reply = await bed.peer.sh(`printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -N -w 3 ${host.ip} 8080`, { timeoutMs: 10_000 });
  assert.match(reply.stdout, /^HTTP\/1\.[01] 200/);
  assert.match(reply.stdout, /\bvnet\b/);
});

test('the default bridge and the user network\'s bridge, with the gateways Docker reports', () => {
  const root = rootOf(topology);
  assert.equal(networks[0].bridge, 'docker0');
  assert.equal(networks[1].bridge, `br-${networks[1].id.slice(0, 12)}`);
  for (const network of networks) {
    const bridge = root.interfaces.find((i) => i.name === network.bridge);
    assert.ok(bridge, `${network.bridge} is reported`);
    assert.equal(bridge.kind, 'bridge');
    const prefix = network.subnet.split('/')[1];
    assert.deepEqual(bridge.addresses.filter((a) => !a.includes(':')), [`${network.gateway}/${prefix}`], `${network.bridge} addresses`);
  }
});

test('each container\'s namespace: its eth0 with Docker\'s address, a veth whose peer is a port of the network\'s bridge', async () => {
  const root = rootOf(topology);
  for (const container of containers) {
    const ns = namespaceAt(topology, container.sandbox);
    const eth0 = ns.interfaces.find((i) => i.name === 'eth0');
    assert.ok(eth0, `${container.name}: eth0`);
    assert.equal(eth0.kind, 'veth');
    assert.deepEqual(eth0.addresses, [container.address], `${container.name}: address`);
    // The kernel's own answer: the peer's ifindex from inside the container, its name in the root namespace.
    const peerIndex = await host.mustSh(`nsenter --net=${container.sandbox} ip -j link show eth0 | sed -E 's/.*"link_index":([0-9]+).*/\\1/'`);
    const peerName = (await host.mustSh(`ip -o link show | awk -F': ' '$1 == ${Number(peerIndex)} {print $2}' | cut -d@ -f1`)).trim();
    assert.deepEqual(eth0.peer, { namespace: 'host', interface: peerName }, `${container.name}: peer as the kernel says`);
    const hostSide = root.interfaces.find((i) => i.name === peerName);
    assert.ok(hostSide, `${peerName} is reported`);
    const network = networks.find((n) => n.name === container.network)!;
    assert.equal(hostSide.master, network.bridge, `${peerName} is a port of ${network.bridge}`);
    assert.deepEqual(hostSide.peer, { namespace: ns.name, interface: 'eth0' });
    assert.equal(ns.routes.find((r) => r.to === 'default')?.via ?? null, container.gateway, `${container.name}: default route`);
  }
});

test('the nat table equals iptables-save: Docker\'s DNAT for the published port and its masquerades', () => {
  const root = rootOf(topology);
  const nat = saved.get('nat');
  assert.ok(nat, 'iptables-save has a nat table');
  assert.deepEqual(byChain(root.nat.map((r) => r.rule)), byChain(nat.rules), 'every nat rule, in order per chain');
  assert.deepEqual([...root.natChains].sort(), userChains(nat).sort(), 'the nat user chains');
  const web = containers.find((c) => c.name === 'web')!;
  const ip = web.address.split('/')[0];
  const dnat = root.nat.find((r) => r.target.kind === 'DNAT');
  assert.ok(dnat, 'a DNAT rule');
  assert.deepEqual([dnat.chain, dnat.protocol, dnat.dport, dnat.target], ['DOCKER', 'tcp', '8080', { kind: 'DNAT', to: `${ip}:80` }]);
  assert.deepEqual(dnat.inInterface, { value: 'docker0', negated: true });
  for (const network of networks) {
    const masquerade = root.nat.find((r) => r.target.kind === 'MASQUERADE' && r.source?.value === network.subnet);
    assert.ok(masquerade, `a masquerade for ${network.subnet}`);
    assert.deepEqual(masquerade.outInterface, { value: network.bridge, negated: true });
  }
});

test('Docker\'s filter chains are there, FORWARD policy DROP, as show reports it', () => {
  const filter = saved.get('filter');
  assert.ok(filter, 'iptables-save has a filter table');
  for (const chain of ['DOCKER', 'DOCKER-USER', 'DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2']) {
    assert.ok(filter.chains.has(chain), `iptables-save has ${chain}`);
  }
  assert.equal(filter.chains.get('FORWARD'), 'DROP');
  assert.ok(filter.rules.includes('-A FORWARD -j DOCKER-USER'), 'FORWARD jumps to DOCKER-USER');
  assert.equal(rootOf(topology).forwardPolicy, 'DROP');
});

test('forwarding as the kernel says, in the host and in each container', async () => {
  assert.equal(rootOf(topology).forwarding, await sysctl(host, 'net/ipv4/ip_forward') === '1');
  for (const container of containers) {
    const inside = (await host.mustSh(`nsenter --net=${container.sandbox} cat /proc/sys/net/ipv4/ip_forward`)).trim();
    assert.equal(namespaceAt(topology, container.sandbox).forwarding, inside === '1', container.name);
  }
});

test('the filter table, chain by chain and rule by rule, equals iptables-save', async () => {
  await mustRead(rootOf(topology), 'iptables', (tables) => {
    const filter = tables.find((table) => table.table === 'filter' && table.backend === 'nft');
    assert.ok(filter, 'the filter table (iptables-nft) is read');
    const want = saved.get('filter')!;
    assert.deepEqual(filter.chains.map((c) => [c.name, c.policy]).sort(), [...want.chains].sort());
    assert.deepEqual(byChain(filter.rules.map((r) => r.rule)), byChain(want.rules));
    const jump = filter.rules.find((r) => r.rule === '-A FORWARD -j DOCKER-USER');
    assert.deepEqual(jump?.target, { kind: 'jump', chain: 'DOCKER-USER' });
    const established = filter.rules.find((r) => r.chain === 'FORWARD' && r.rule.includes('--ctstate RELATED,ESTABLISHED'));
    assert.deepEqual(established?.matches, [{ kind: 'ctstate', states: ['RELATED', 'ESTABLISHED'], negated: false }]);
  });
});

test('each container\'s namespace is labelled with its Docker name and id', async () => {
  for (const container of containers) {
    await mustRead(namespaceAt(topology, container.sandbox), 'holder', (holder) => {
      assert.equal(holder.runtime, 'docker');
      assert.equal(holder.name, container.name);
      assert.equal(holder.id, container.id);
    });
  }
});

test('forwarding sysctls and br_netfilter as /proc/sys says', async () => {
  const root = rootOf(topology);
  const callIptables = await sysctl(host, 'net/bridge/bridge-nf-call-iptables');
  const ipv6 = await sysctl(host, 'net/ipv6/conf/all/forwarding');
  const rpAll = await sysctl(host, 'net/ipv4/conf/all/rp_filter');
  await mustRead(root, 'sysctls', (sysctls) => {
    assert.equal(sysctls.bridgeNfCallIptables, callIptables === null ? null : callIptables === '1');
    assert.equal(sysctls.ipv6Forwarding, ipv6 === null ? null : ipv6 === '1');
    assert.equal(sysctls.rpFilter?.all, Number(rpAll));
  });
});

test('no native nft tables: Docker 20.10 writes through iptables-nft only', async () => {
  const tables = JSON.parse(await host.mustSh('nft -j list tables')) as { nftables: { table?: { family: string; name: string } }[] };
  const names = tables.nftables.flatMap((item) => item.table ? [`${item.table.family} ${item.table.name}`] : []);
  assert.ok(names.includes('ip filter') && names.includes('ip nat'), `iptables-nft's tables: ${names.join(', ')}`);
  // The probe reads native tables in every namespace and leaves the field out when there are none.
  assert.deepEqual(rootOf(topology).nftTables ?? [], [], 'iptables-nft\'s own tables are not native');
});

test('the diagram draws both bridges, every container\'s namespace with its address, the DNAT and FORWARD DROP', async () => {
  const texts = svgTexts(await graphOf(topology));
  for (const network of networks) assert.ok(texts.includes(`bridge ${network.bridge}`), `${network.bridge} is drawn`);
  for (const container of containers) {
    assert.ok(texts.includes(namespaceLabel(namespaceAt(topology, container.sandbox))), `${container.name}'s namespace is drawn`);
    assert.ok(texts.includes(container.address), `${container.name}'s address is drawn`);
  }
  assert.ok(texts.includes('DNAT tcp 8080'), 'the published port is drawn');
  assert.ok(texts.some((text) => text.includes('FORWARD policy DROP')), 'the host\'s FORWARD policy DROP is drawn');
});

test('the diagram draws each container by its Docker name', async () => {
  const texts = svgTexts(await graphOf(topology));
  for (const container of containers) {
    assert.ok(namespaceAt(topology, container.sandbox).holder, `${container.name}'s namespace has its holder`);
    assert.ok(texts.some((text) => text.includes(container.name)), `${container.name} is drawn by its name`);
  }
});

test('a lab applied beside Docker leaves every Docker rule untouched', async () => {
  await assertLabBesideLeavesRules(host);
  assert.equal((await iptablesSave(host)).get('filter')?.chains.get('FORWARD'), 'DROP');
});

/** `vnet graph` of a `show --json` state, as SVG text. */
async function graphOf(state: Topology): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vnet-real-'));
  try {
    const file = join(dir, 'state.json');
    await writeFile(file, JSON.stringify(state));
    const drawn = await vnet(['graph', file]);
    assert.equal(drawn.exitCode, 0, drawn.stderr);
    return drawn.stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text lines of an SVG, unescaped. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&'));
}

function namespaceAt(read: Topology, path: string): Namespace {
  const ns = read.namespaces.find((n) => n.path === path || n.name === path);
  assert.ok(ns, `the namespace at ${path} is reported (have: ${read.namespaces.map((n) => n.path ?? n.name).join(', ')})`);
  return ns;
}



async function inspectContainer(on: DockerOnHost, name: string): Promise<Container> {
  const info = await on.inspect<{
    Id: string;
    NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string; IPPrefixLen: number; Gateway: string }> };
  }>(name);
  const [network, settings] = Object.entries(info.NetworkSettings.Networks)[0];
  return {
    name, id: info.Id, sandbox: info.NetworkSettings.SandboxKey, network,
    address: `${settings.IPAddress}/${settings.IPPrefixLen}`, gateway: settings.Gateway,
  };
}

/** A network as Docker reports it; the default bridge's IPAM names no gateway, its containers do. */
async function inspectNetwork(on: DockerOnHost, name: string, attached: Container[]): Promise<DockerNetwork> {
  const info = await on.inspect<{
    Id: string; Options: Record<string, string>; IPAM: { Config: { Subnet: string; Gateway: string }[] };
  }>(name);
  const bridge = info.Options['com.docker.network.bridge.name'] ?? `br-${info.Id.slice(0, 12)}`;
  const gateway = info.IPAM.Config[0].Gateway || attached.find((c) => c.network === name)?.gateway;
  assert.ok(gateway, `docker reports the gateway of ${name}`);
  return { name, id: info.Id, bridge, subnet: info.IPAM.Config[0].Subnet, gateway };
}
