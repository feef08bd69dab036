// Who holds a namespace, decided from what the probe gathered: cgroup lines as each runtime writes them
// (cgroup v1 and v2, systemd and cgroupfs drivers), the runtimes' state files, Mininet's command line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cgroupContainer, decideHolders, dockerHolder, mininetNode, ociHolder, parseHolderLines, podmanHolder, type HolderFacts,
} from '../../src/host/namespace-holders';
import { parseProbeOutput } from '../../src/host/probe-parse';
import { holderLabel, namespaceLabel } from '../../src/model/namespace-label';
import { renderTopologyTree } from '../../src/model/topology-tree';

const ID = '3f4e5d6c7b8a99887766554433221100aabbccddeeff00112233445566778899';
const SANDBOX_ID = '9a8b7c6d5e4f30211203f4e5d6c7b8a99887766554433221100aabbccddeeff0';
const POD_SLICE = 'kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0d7b1c0a_2c44_4b5e_9a8f_3c9e0c1b2a3d.slice';

const V1 = (path: string) => [
  `12:pids:${path}`, `11:memory:${path}`, `10:cpu,cpuacct:${path}`, `9:devices:${path}`, `1:name=systemd:${path}`, '0::/',
].join('\n');

test('cgroup paths name the container: each runtime, cgroup v1 and v2, systemd and cgroupfs drivers', () => {
  const cases: [string, ReturnType<typeof cgroupContainer>][] = [
    [`0::/system.slice/docker-${ID}.scope`, { kind: 'id', id: ID, runtime: 'docker' }],
    [V1(`/docker/${ID}`), { kind: 'id', id: ID, runtime: 'docker' }],
    [V1(`/system.slice/docker-${ID}.scope`), { kind: 'id', id: ID, runtime: 'docker' }],
    [`0::/machine.slice/libpod-${ID}.scope/container`, { kind: 'id', id: ID, runtime: 'podman' }],
    [V1(`/libpod_parent/libpod-${ID}`), { kind: 'id', id: ID, runtime: 'podman' }],
    [`0::/${POD_SLICE}/cri-containerd-${ID}.scope`, { kind: 'id', id: ID, runtime: 'containerd' }],
    [`0::/${POD_SLICE}/crio-${ID}.scope`, { kind: 'id', id: ID, runtime: 'cri-o' }],
    // cgroupfs driver (kubeadm's default before 1.22, k3s): the runtime is told by its state file.
    [V1(`/kubepods/besteffort/pod0d7b1c0a-2c44-4b5e-9a8f-3c9e0c1b2a3d/${ID}`), { kind: 'id', id: ID, runtime: null }],
    [`0::/user.slice/user-1000.slice/user@1000.service/user.slice/nerdctl-${ID}.scope`, { kind: 'id', id: ID, runtime: 'containerd' }],
    ['0::/lxc.payload.web', { kind: 'lxc', name: 'web' }],
    [V1('/lxc/web'), { kind: 'lxc', name: 'web' }],
    [V1('/lxc.payload/web'), { kind: 'lxc', name: 'web' }],
  ];
  for (const [cgroup, want] of cases) assert.deepEqual(cgroupContainer(cgroup), want, cgroup);
});

test('cgroups that hold no container: services, conmon, the LXC monitor, an id in an unknown place', () => {
  for (const cgroup of [
    '0::/system.slice/ssh.service', '0::/', V1('/user.slice'),
    `0::/machine.slice/libpod-conmon-${ID}.scope`, `0::/${POD_SLICE}/crio-conmon-${ID}.scope`,
    '0::/lxc.monitor.web', `0::/user.slice/${ID}`, 'garbage\n\n::::',
  ]) assert.equal(cgroupContainer(cgroup), null, cgroup);
});

test('Mininet hosts by their command line, and nothing else', () => {
  assert.equal(mininetNode(['bash', '--norc', '--noediting', '-is', 'mininet:h1']), 'h1');
  assert.equal(mininetNode(['/bin/bash', '--norc', '--noediting', '-is', 'mininet:server 1']), 'server 1');
  assert.equal(mininetNode(['bash', '-is', 'mininet:h1']), null);
  assert.equal(mininetNode(['sleep', '--norc', 'mininet:h1']), null);
  assert.equal(mininetNode([]), null);
});

// An excerpt of a config.v2.json as Docker writes it (Docker 26).
function dockerConfig(id: string, name: string, sandboxKey: string, labels: Record<string, string> = {}, running = true): string {
  return JSON.stringify({
    StreamConfig: {}, State: { Running: running, Pid: running ? 4242 : 0 }, ID: id, Created: '2026-12-03T09:00:00Z', Path: 'nginx', Args: ['-g', 'daemon off;'],
    Config: { Hostname: id.slice(0, 12), Image: 'nginx:1.27', Labels: labels },
    NetworkSettings: { Bridge: '', SandboxID: SANDBOX_ID, SandboxKey: sandboxKey, Networks: { shop_default: { IPAddress: '172.18.0.2' } } },
    Name: `/${name}`, Driver: 'overlay2', RestartCount: 0,
  });
}

test('Docker: the name without its slash, the compose project, the id; a cri-dockerd pod by its labels', () => {
  assert.deepEqual(dockerHolder(dockerConfig(ID, 'shop-web-1', '/var/run/docker/netns/9a8b7c6d5e4f', { 'com.docker.compose.project': 'shop' })), {
    holder: { runtime: 'docker', name: 'shop-web-1', id: ID, project: 'shop' }, sandboxKey: '/var/run/docker/netns/9a8b7c6d5e4f', running: true,
  });
  assert.deepEqual(dockerHolder(dockerConfig(ID, 'k8s_POD_nginx_default_0d7b_0', '', {
    'io.kubernetes.pod.name': 'nginx', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.docker.type': 'podsandbox',
  }))?.holder, { runtime: 'docker', name: 'default/nginx', id: ID });
  assert.equal(dockerHolder('{"ID": "x", "Name": '), null, 'cut short');
  assert.equal(dockerHolder('[]'), null);
  assert.equal(dockerHolder('{"ID": 3, "Name": "/a"}'), null);
});

test('containerd (CRI and nerdctl) and CRI-O: the pod as NAMESPACE/NAME, keyed on the sandbox', () => {
  const cri = JSON.stringify({
    ociVersion: '1.1.0', process: { args: ['/pause'] }, linux: { namespaces: [{ type: 'network', path: '/var/run/netns/cni-1b2c3d4e-aaaa-bbbb-cccc-0123456789ab' }] },
    annotations: {
      'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.container-name': 'nginx',
      'io.kubernetes.cri.sandbox-id': SANDBOX_ID, 'io.kubernetes.cri.sandbox-name': 'nginx-7c5ddbdf54-x2x9k',
      'io.kubernetes.cri.sandbox-namespace': 'default', 'io.kubernetes.cri.sandbox-uid': '0d7b1c0a-2c44-4b5e-9a8f-3c9e0c1b2a3d',
    },
  });
  assert.deepEqual(ociHolder(cri, 'containerd', ID), { runtime: 'containerd', name: 'default/nginx-7c5ddbdf54-x2x9k', id: SANDBOX_ID });
  const crio = JSON.stringify({ annotations: {
    'io.kubernetes.cri-o.ContainerType': 'sandbox', 'io.kubernetes.cri-o.SandboxID': SANDBOX_ID,
    'io.kubernetes.pod.name': 'coredns-5d78c9869d-4kq2m', 'io.kubernetes.pod.namespace': 'kube-system',
  } });
  assert.deepEqual(ociHolder(crio, 'cri-o', SANDBOX_ID), { runtime: 'cri-o', name: 'kube-system/coredns-5d78c9869d-4kq2m', id: SANDBOX_ID });
  assert.deepEqual(ociHolder(JSON.stringify({ annotations: { 'nerdctl/name': 'redis' } }), 'containerd', ID), { runtime: 'containerd', name: 'redis', id: ID });
  assert.equal(ociHolder(JSON.stringify({ annotations: {} }), 'containerd', ID), null);
});

test('Podman: the first name in containers.json', () => {
  const list = JSON.stringify([
    { id: SANDBOX_ID, names: ['0d7b1c0a2c44-infra'], image: 'k8s.gcr.io/pause', layer: 'x', metadata: '{}' },
    { id: ID, names: ['web', 'alias'], image: 'nginx', layer: 'y', metadata: '{"image-name":"docker.io/library/nginx:latest","name":"web"}' },
  ]);
  assert.deepEqual(podmanHolder(list, ID), { runtime: 'podman', name: 'web', id: ID });
  assert.equal(podmanHolder(list, 'f'.repeat(64)), null);
  assert.equal(podmanHolder('{}', ID), null);
});

const hex = (text: string) => (text.length ? Buffer.from(text).toString('hex') : '-');
const P = (pid: number, inode: number, cgroup: string, argv: string[]) => `P ${pid} ${inode} ${hex(cgroup)} ${hex(argv.map((a) => `${a}\0`).join(''))}`;
const F = (path: string, text: string) => `F ${hex(path)} ${hex(text)}`;

test('the probe lines: hex, any order, junk ignored', () => {
  const facts = parseHolderLines([P(9, 2, '0::/', ['sleep', '1']), 'P x 1 - -', 'P 3 1 - -', F('/a', 'b'), 'F zz 00', '']);
  assert.deepEqual(facts.processes, [
    { pid: 3, inode: 1, cgroup: '', argv: [] },
    { pid: 9, inode: 2, cgroup: '0::/', argv: ['sleep', '1'] },
  ]);
  assert.deepEqual([...facts.files], [['/a', 'b']]);
});

function facts(lines: string[]): HolderFacts {
  return parseHolderLines(lines);
}

test('each namespace gets the holder its lowest resolvable process names, keyed on the id, never the pid', () => {
  const pod = `/run/containerd/io.containerd.runtime.v2.task/k8s.io/${SANDBOX_ID}/config.json`;
  const podConfig = JSON.stringify({ annotations: { 'io.kubernetes.cri.container-type': 'sandbox', 'io.kubernetes.cri.sandbox-id': SANDBOX_ID, 'io.kubernetes.cri.sandbox-name': 'nginx', 'io.kubernetes.cri.sandbox-namespace': 'default' } });
  const gathered = facts([
    P(100, 1, `0::/${POD_SLICE}/cri-containerd-${SANDBOX_ID}.scope`, ['/pause']),
    P(200, 2, '0::/lxc.payload.c1', ['/sbin/init']),
    P(300, 3, '0::/user.slice', ['sleep', '9']),
    P(301, 3, '0::/user.slice', ['bash', '--norc', '--noediting', '-is', 'mininet:h2']),
    P(400, 4, V1(`/kubepods/besteffort/pod0d7b/${ID}`), ['nginx']),
    P(500, 5, '0::/user.slice', ['sleep', '9']),
    F(pod, podConfig),
  ]);
  const holders = decideHolders(gathered, []);
  assert.deepEqual(holders.get(1), { runtime: 'containerd', name: 'default/nginx', id: SANDBOX_ID });
  assert.deepEqual(holders.get(2), { runtime: 'lxc', name: 'c1', id: 'c1' });
  assert.deepEqual(holders.get(3), { runtime: 'mininet', name: 'h2', id: 'h2' });
  assert.equal(holders.has(4), false, 'a container id whose state file is not there names nothing');
  assert.equal(holders.has(5), false);
  // The pause process is replaced (another pid, same sandbox): the same holder.
  const later = decideHolders(facts([P(777, 1, `0::/${POD_SLICE}/cri-containerd-${SANDBOX_ID}.scope`, ['/pause']), F(pod, podConfig)]), []);
  assert.deepEqual(later.get(1), holders.get(1));
});

test('Docker: the sandbox bind mount decides, even with no process left or another container joined', () => {
  const root = '/srv/docker-data';
  const other = 'b'.repeat(64);
  const gathered = facts([
    // A container that joined the namespace (--network container:…), with the lower pid.
    P(50, 7, `0::/system.slice/docker-${other}.scope`, ['sh']),
    F(`${root}/containers/${ID}/config.v2.json`, dockerConfig(ID, 'shop-web-1', '/var/run/docker/netns/9a8b7c6d5e4f', { 'com.docker.compose.project': 'shop' })),
    F(`${root}/containers/${other}/config.v2.json`, dockerConfig(other, 'sidecar', '')),
    // A stopped container that still names the sandbox (and sorts first) does not win over the running one.
    F(`${root}/containers/${'c'.repeat(64)}/config.v2.json`, dockerConfig('c'.repeat(64), 'a-stopped', '/var/run/docker/netns/9a8b7c6d5e4f', {}, false)),
  ]);
  const mounts = [{ inode: 7, path: '/run/docker/netns/9a8b7c6d5e4f' }, { inode: 8, path: '/run/docker/netns/000000000000' }];
  const holders = decideHolders(gathered, mounts);
  assert.deepEqual(holders.get(7), { runtime: 'docker', name: 'shop-web-1', id: ID, project: 'shop' });
  assert.equal(holders.has(8), false);
  // Without the mount, the process's own container.
  assert.deepEqual(decideHolders(gathered, []).get(7), { runtime: 'docker', name: 'sidecar', id: other });
});

test('the labels every face shows', () => {
  assert.equal(holderLabel({ runtime: 'docker', name: 'shop-web-1', project: 'shop', id: ID }), 'docker shop-web-1 (compose shop)');
  assert.equal(holderLabel({ runtime: 'containerd', name: 'default/nginx', id: SANDBOX_ID }), 'pod default/nginx');
  assert.equal(holderLabel({ runtime: 'cri-o', name: 'kube-system/coredns', id: SANDBOX_ID }), 'pod kube-system/coredns');
  assert.equal(holderLabel({ runtime: 'containerd', name: 'redis', id: ID }), 'containerd redis');
  assert.equal(holderLabel({ runtime: 'mininet', name: 'h1', id: 'h1' }), 'mininet h1');
  assert.equal(namespaceLabel({ name: 'pid:42', holder: { runtime: 'lxc', name: 'c1', id: 'c1' } }), 'lxc c1');
  assert.equal(namespaceLabel({ name: 'pid:42' }), 'pid:42');
  assert.equal(namespaceLabel({ name: 'red', holder: null }), 'red');
});

test('probe output to Topology: the holder on the namespace, its name unchanged; both faces say it', () => {
  const M = '@@abc123def456';
  const lo = 'L 1 772 65609 6c6f 65536 000000000000 - - - 0 - - - -';
  const output = [
    `${M} probe 1`, `${M} tools nft= legacy=`, `${M} method netlink`, `${M} root 100`,
    `${M} mountinfo`, `${M} procs`, '42 300', '43 300',
    `${M} ns 100`, `${M} nl`, lo, 'F 0',
    `${M} ns 300`, `${M} nl`, lo, 'F 0',
    `${M} holders`, P(43, 300, '0::/user.slice', ['bash', '--norc', '--noediting', '-is', 'mininet:h1']), P(42, 300, '0::/', ['mnexec']),
    `${M} end`,
  ].join('\n');
  const topology = parseProbeOutput(output, M, 'h');
  assert.deepEqual(topology.namespaces.map((n) => [n.name, n.holder]), [['host', undefined], ['pid:42', { runtime: 'mininet', name: 'h1', id: 'h1' }]]);
  assert.match(renderTopologyTree(topology), /pid:42 {2}\(anonymous, forwarding off, mininet h1\)/);
});

test("a container the probe itself is in is the host's own, not a holder (LXC or Docker without a cgroup namespace)", () => {
  const gathered = facts([
    `S ${hex(V1('/lxc/c1/user.slice/user-0.slice/session-4.scope'))}`,
    P(10, 1, V1('/lxc/c1'), ['bash', '--norc', '--noediting', '-is', 'mininet:h1']),
    P(20, 2, V1('/lxc/c1'), []),
    P(30, 3, V1('/lxc/c1/lxc.payload.inner'), []),
  ]);
  const holders = decideHolders(gathered, []);
  assert.deepEqual(holders.get(1), { runtime: 'mininet', name: 'h1', id: 'h1' });
  assert.equal(holders.has(2), false);
  assert.deepEqual(holders.get(3), { runtime: 'lxc', name: 'inner', id: 'inner' }, 'a container nested in it is one');
  const inDocker = facts([`S ${hex(`0::/system.slice/docker-${ID}.scope`)}`, P(10, 1, `0::/system.slice/docker-${ID}.scope`, []),
    F(`/var/lib/docker/containers/${ID}/config.v2.json`, dockerConfig(ID, 'kind-control-plane', ''))]);
  assert.equal(decideHolders(inDocker, []).has(1), false);
  assert.equal(decideHolders({ ...inDocker, selfCgroup: '0::/' }, []).has(1), true);
});
