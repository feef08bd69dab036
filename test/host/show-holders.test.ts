// Namespaces shown by who holds them, on a testbed host laid out as the runtimes lay out theirs, without
// their daemons: a Docker sandbox (its namespace bind-mounted under Docker's exec root, its container's
// config.v2.json under a data root that only the running dockerd's command line names), a Mininet host
// (`bash --norc --noediting -is mininet:h1` in its own namespace), and a namespace nobody names.
// The real Docker daemon is tested elsewhere; here the files are what Docker writes, byte for byte in shape.

import { shellQuote } from '../../src/model/shell';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Testbed, type TestHost } from '../testbed/testbed';
import { createTransport } from '../../src/host/connect';
import { probeHost } from '../../src/host/probe';
import type { Namespace, Topology } from '../../src/model/topology';
import { assertBuilt, showJson, vnet } from './show-support';

let bed: Testbed;
let host: TestHost;
let topology: Topology;

const CONTAINER = 'f1e2d3c4b5a697887766554433221100ffeeddccbbaa99887766554433221100';
const SANDBOX = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const SANDBOX_KEY = `/var/run/docker/netns/${SANDBOX.slice(0, 12)}`;
const OTHER = 'aaaabbbbccccddddeeeeffff00001111222233334444555566667777888899990';
const DATA_ROOT = '/run/fake-docker/data';

// An excerpt of a running container's config.v2.json as Docker 26 writes it (one line, as Docker does).
function dockerConfig(id: string, name: string, sandboxKey: string, project: string | null): string {
  return JSON.stringify({
    StreamConfig: {}, State: { Running: true, Paused: false, Pid: 4242, ExitCode: 0, StartedAt: '2026-12-03T09:00:00.000000000Z' },
    ID: id, Created: '2026-12-03T09:00:00.000000000Z', Managed: false, Path: '/bin/sh', Args: [],
    Config: {
      Hostname: id.slice(0, 12), Domainname: '', User: '', Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['/bin/sh'], Image: 'busybox', Volumes: null, WorkingDir: '', Entrypoint: null, OnBuild: null,
      Labels: project ? { 'com.docker.compose.project': project, 'com.docker.compose.service': 'web', 'com.docker.compose.container-number': '1' } : {},
    },
    Image: 'sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741',
    NetworkSettings: {
      Bridge: '', SandboxID: SANDBOX, SandboxKey: sandboxKey, HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Networks: { bridge: { IPAMConfig: null, Links: null, Aliases: null, NetworkID: 'b'.repeat(64), EndpointID: 'e'.repeat(64), Gateway: '172.17.0.1', IPAddress: '172.17.0.2', IPPrefixLen: 16, MacAddress: '02:42:ac:11:00:02' } },
      Service: null, Ports: {}, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, IsAnonymousEndpoint: false, HasSwarmEndpoint: false,
    },
    LogPath: `${DATA_ROOT}/containers/${id}/${id}-json.log`, Name: `/${name}`, Driver: 'overlay2', OS: 'linux', RestartCount: 0,
    HostnamePath: `${DATA_ROOT}/containers/${id}/hostname`, HostsPath: `${DATA_ROOT}/containers/${id}/hosts`,
  });
}


before(async () => {
  assertBuilt();
  bed = await Testbed.start();
  host = await bed.addHost();
  await host.mustSh([
    'set -e',
    // dockerd's data root is only on its command line: a process whose name is dockerd, as the kernel says.
    'mkdir -p /run/fake-docker/bin',
    "printf '#!/bin/sh\\nwhile :; do sleep 1000; done\\n' > /run/fake-docker/bin/dockerd",
    'chmod +x /run/fake-docker/bin/dockerd',
    `setsid /run/fake-docker/bin/dockerd --data-root ${DATA_ROOT} --exec-root /var/run/docker </dev/null >/dev/null 2>&1 &`,
    `mkdir -p ${DATA_ROOT}/containers/${CONTAINER} ${DATA_ROOT}/containers/${OTHER} /run/docker/netns`,
    `printf '%s' ${shellQuote(dockerConfig(CONTAINER, 'shop-web-1', SANDBOX_KEY, 'shop'))} > ${DATA_ROOT}/containers/${CONTAINER}/config.v2.json`,
    // A stopped container whose sandbox is long gone: nothing names a namespace after it.
    `printf '%s' ${shellQuote(dockerConfig(OTHER, 'old', '/var/run/docker/netns/999999999999', null))} > ${DATA_ROOT}/containers/${OTHER}/config.v2.json`,
    // The sandbox: Docker bind-mounts the namespace of the container's first process.
    'setsid unshare -n sleep 100000 </dev/null >/dev/null 2>&1 &',
    'first=$!',
    'echo $first > /run/fake-docker/first.pid',
    'sleep 0.3',
    `touch /run/docker/netns/${SANDBOX.slice(0, 12)}`,
    `mount --bind /proc/$first/ns/net /run/docker/netns/${SANDBOX.slice(0, 12)}`,
    `ip link add vethd0c1 type veth peer name eth0 netns /run/docker/netns/${SANDBOX.slice(0, 12)}`,
    // Mininet: `mnexec -cdn bash --norc --noediting -is mininet:h1`, its stdin a pipe that stays open.
    "setsid sh -c 'sleep 100000 | unshare -n bash --norc --noediting -is mininet:h1' </dev/null >/dev/null 2>&1 &",
    // Nobody's: a process alone in a namespace.
    'setsid unshare -n sleep 100001 </dev/null >/dev/null 2>&1 &',
    'sleep 0.5',
  ].join('\n'));
  topology = await showJson(host);
});

after(async () => { await bed?.stop(); });

function docker(t: Topology): Namespace | undefined {
  return t.namespaces.find((n) => n.path === `/run/docker/netns/${SANDBOX.slice(0, 12)}`);
}

test('a Docker sandbox is labelled with its container, its compose project and the container id', () => {
  const ns = docker(topology);
  assert.ok(ns, `the sandbox in ${topology.namespaces.map((n) => n.name).join(', ')}`);
  assert.equal(ns.name, `/run/docker/netns/${SANDBOX.slice(0, 12)}`, 'the name stays the key');
  assert.deepEqual(ns.holder, { runtime: 'docker', name: 'shop-web-1', id: CONTAINER, project: 'shop' });
});

test('a Mininet host is labelled with its node name', () => {
  const mininet = topology.namespaces.filter((n) => n.holder?.runtime === 'mininet');
  assert.deepEqual(mininet.map((n) => n.holder), [{ runtime: 'mininet', name: 'h1', id: 'h1' }]);
  assert.match(mininet[0].name, /^pid:\d+$/);
});

test('a namespace nobody names has no holder, and the root never has one', () => {
  const plain = topology.namespaces.filter((n) => !n.root && !n.holder);
  assert.equal(plain.length, 1, topology.namespaces.map((n) => `${n.name} ${JSON.stringify(n.holder)}`).join('; '));
  assert.match(plain[0].name, /^pid:\d+$/);
  assert.equal(topology.namespaces.find((n) => n.root)?.holder, undefined);
});

test('vnet show names the holders', async () => {
  const shown = await vnet(['show', ...host.vnetArgs]);
  assert.equal(shown.exitCode, 0, shown.stderr);
  assert.match(shown.stdout, /docker shop-web-1/);
  assert.match(shown.stdout, /mininet h1/);
});

test('the ip method (nsenter per namespace) finds the same holders', async () => {
  const transport = createTransport(host.target, { sshOptions: host.sshOptions });
  try {
    const viaIp = await probeHost(transport, { method: 'ip' });
    // Only the holders: the ip method cannot name the peers of veths into unnamed namespaces (docs/state-json.md).
    const holders = (t: typeof topology) => t.namespaces.map((ns) => [ns.name, ns.holder ?? null]);
    assert.deepEqual(holders(viaIp), holders(topology));
  } finally {
    await transport.close();
  }
});

test('the holder stays when the process in the namespace is replaced, and when none is left', async () => {
  const where = `/run/docker/netns/${SANDBOX.slice(0, 12)}`;
  await host.mustSh([
    'set -e',
    `setsid nsenter --net=${where} sleep 100002 </dev/null >/dev/null 2>&1 &`,
    'echo $! > /run/fake-docker/second.pid',
    'sleep 0.3',
    'kill "$(cat /run/fake-docker/first.pid)"',
    'sleep 0.3',
  ].join('\n'));
  const replaced = await showJson(host);
  assert.ok(docker(topology)?.holder);
  assert.deepEqual(docker(replaced)?.holder, docker(topology)?.holder);
  await host.mustSh('kill "$(cat /run/fake-docker/second.pid)"; sleep 0.3');
  const empty = await showJson(host);
  assert.deepEqual(docker(empty)?.holder, docker(topology)?.holder);
});
