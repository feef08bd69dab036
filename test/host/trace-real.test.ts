// The trace accuracy gate on hosts built by real software (issue 14 §4): Docker (its DOCKER chains, the
// FORWARD policy DROP, `-m addrtype --dst-type LOCAL` DNAT) and the CNI plugins (bridge, portmap with its
// marks, firewall). A published port reaches its container, and a container reaches the LAN through
// masquerade: the trace on the probe's reading against a real connection and a real ping. Then one
// break each, compared again. One dockerd for the file; the CNI host beside it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Topology } from '../../src/model/topology';
import { bridgeChain, cniAdd } from '../testbed/cni';
import { BUSYBOX_IMAGE, startDocker, type DockerOnHost } from '../testbed/docker';
import { Testbed } from '../testbed/testbed';
import { compareChecks, disagreements, gateHost, probeNetwork, type Check, type GateHost } from './trace-support';

let bed: Testbed;
let docker: DockerOnHost | undefined;
let dockerGate: GateHost;
let cniGate: GateHost;
const CNI_NETNS = 'cni-7a2e91c4-gate';

before(async () => {
  bed = await Testbed.start();
  const [dockerHost, cniHost] = await Promise.all([
    bed.addHost({ address: '10.99.21.10/24', peer: '10.99.21.1' }),
    bed.addHost({ address: '10.99.22.10/24', peer: '10.99.22.1' }),
  ]);
  dockerGate = gateHost('host', dockerHost);
  cniGate = gateHost('host', cniHost);
  docker = await startDocker(dockerHost);
  await docker.importBusybox();
  await docker.docker(`run -d --name web -p 8080:80 ${BUSYBOX_IMAGE} httpd -f -p 80 -h /www`);
  await cniHost.mustSh(`ip netns add ${CNI_NETNS}`);
  await cniAdd(cniHost, bridgeChain({ name: 'vnet-cni', bridge: 'cni0', subnet: '10.88.0.0/24' }), {
    containerId: '7a2e91c4gate', netns: `/run/netns/${CNI_NETNS}`, ifname: 'eth0',
    portMappings: [{ hostPort: 8081, containerPort: 80, protocol: 'tcp' }],
  });
  await cniHost.mustSh(`mkdir -p /run/www && echo vnet > /run/www/index.html
setsid ip netns exec ${CNI_NETNS} timeout 600 /bin/busybox httpd -f -p 80 -h /run/www </dev/null >/dev/null 2>&1 &`);
});

after(async () => {
  try {
    await docker?.stop();
  } finally {
    await Promise.all([dockerGate, cniGate].filter(Boolean).map((g) => g.transport.close()));
    await bed?.stop();
  }
});

/** The namespace that holds an address, as the probe names it. */
function holderOf(topology: Topology, address: string): string {
  const ns = topology.namespaces.find((n) => n.interfaces.some((i) => i.addresses.some((a) => a.split('/')[0] === address)));
  assert.ok(ns, `the probe sees a namespace holding ${address}`);
  return ns.name;
}

/** The published port from the LAN peer, and the container to the LAN peer, as the trace and as real traffic. */
async function compareContainer(gate: GateHost, container: { address: string; sendsFrom: string; hostPort: number }, label: string): Promise<{ problems: string[]; real: boolean[] }> {
  const network = await probeNetwork([gate]) as Topology;
  const landing = holderOf(network, container.address);
  const checks: Check[] = [
    { from: 'peer', to: gate.host.ip, protocol: 'tcp', port: container.hostPort, lands: { namespace: landing, port: 80 }, listening: true },
    { from: container.address, to: 'peer', protocol: 'icmp', port: null, sendsFrom: container.sendsFrom },
  ];
  const compared = await compareChecks(bed, [gate], network, checks);
  return { problems: disagreements(label, compared), real: compared.map((c) => c.real) };
}

test('Docker: the published port reaches its container, and the container the LAN through masquerade, as real traffic does', async () => {
  const info = await docker!.inspect<{ NetworkSettings: { SandboxKey: string; Networks: Record<string, { IPAddress: string }> } }>('web');
  const container = { address: Object.values(info.NetworkSettings.Networks)[0].IPAddress, sendsFrom: info.NetworkSettings.SandboxKey, hostPort: 8080 };
  const built = await compareContainer(dockerGate, container, 'Docker as built');
  assert.deepEqual(built.real, [true, true], 'the port answers and the container reaches the LAN peer');
  // Broken: DOCKER-USER is where Docker lets people drop forwarded traffic first.
  await dockerGate.host.mustSh('iptables -I DOCKER-USER -j DROP\n');
  const broken = await compareContainer(dockerGate, container, 'Docker with DOCKER-USER dropping');
  await dockerGate.host.mustSh('iptables -D DOCKER-USER -j DROP\n');
  assert.deepEqual(broken.real, [false, false], 'DOCKER-USER drops both');
  assert.deepEqual([...built.problems, ...broken.problems], [], [...built.problems, ...broken.problems].join('\n'));
});

test('CNI: the portmap port reaches its namespace, and the namespace the LAN through the bridge plugin\'s masquerade, as real traffic does', async () => {
  const address = (await cniGate.host.mustSh(`ip -n ${CNI_NETNS} -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1`)).trim();
  const container = { address, sendsFrom: `/run/netns/${CNI_NETNS}`, hostPort: 8081 };
  const built = await compareContainer(cniGate, container, 'CNI as built');
  assert.deepEqual(built.real, [true, true], 'the port answers and the namespace reaches the LAN peer');
  // Broken: the bridge plugin's masquerade removed (its per-container chain emptied).
  const chain = (await cniGate.host.mustSh("iptables -t nat -S POSTROUTING | sed -nE 's/.* -j (CNI-[0-9a-f]+).*/\\1/p' | head -1")).trim();
  assert.match(chain, /^CNI-[0-9a-f]+$/, 'the bridge plugin made its per-container chain');
  const rules = (await cniGate.host.mustSh(`iptables -t nat -S ${chain} | grep -- '^-A '`)).trim().split('\n');
  await cniGate.host.mustSh(`iptables -t nat -F ${chain}\n`);
  const broken = await compareContainer(cniGate, container, 'CNI without its masquerade');
  await cniGate.host.mustSh(rules.map((r) => `iptables -t nat ${r}`).join('\n'));
  assert.deepEqual(broken.real, [true, false], 'the port still answers; the LAN peer cannot answer the private address');
  assert.deepEqual([...built.problems, ...broken.problems], [], [...built.problems, ...broken.problems].join('\n'));
});
