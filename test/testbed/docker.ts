// The real Docker daemon (Debian's docker.io) inside one testbed host, never on this machine itself.
//
// containerd and dockerd run in the host's own network, mount and PID namespaces. Every path they write
// is redirected into a directory under the host's private /run (a tmpfs of that host alone): data root,
// exec root (so container namespaces are bind-mounted at DIR/exec/netns/ID), sockets, pid files,
// containerd's root and state. /etc/docker (where dockerd 20.10 writes key.json) gets a tmpfs of its own in
// the host's mount namespace. Killing the host kills both daemons; stop() ends them first, cleanly.
//
// Machine-wide effects, read rather than assumed: dockerd loads br_netfilter when it is not loaded yet;
// from then on, bridged traffic on every bridge of this machine passes iptables (see bridgeNfCallIptables).
// Containers need cgroups: the host mounts the machine's cgroup hierarchies under its own /sys/fs/cgroup,
// and dockerd puts every container under one parent cgroup named after the host, removed by stop().

import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { shellQuote } from '../../src/model/shell';
import { TestbedError, type TestHost } from './testbed';

/** The Debian package's binaries, by path: /usr/local/bin may hold another docker CLI. */
const DOCKERD = '/usr/sbin/dockerd';
const CONTAINERD = '/usr/bin/containerd';
const DOCKER = '/usr/bin/docker';
const BUSYBOX = '/bin/busybox';

/** The image every test container runs: busybox-static imported as a root filesystem, no registry. */
export const BUSYBOX_IMAGE = 'vnet-busybox:latest';

const START_TIMEOUT_MS = 30_000;
const CGROUP_MARKER = '.vnet-testbed';
/** This machine's cgroup hierarchies (v1: one directory per controller; v2: the unified one). */
const CGROUP_ROOT = '/sys/fs/cgroup';

export class DockerOnHost {
  constructor(
    readonly host: TestHost,
    /** All of the daemons' state, inside the host's private /run. */
    readonly dir: string,
    /** The parent cgroup of every container, relative to each hierarchy's root. */
    readonly cgroupParent: string,
  ) {}

  /** The docker CLI talking to this host's daemon, as a shell command prefix. */
  get cli(): string {
    return `${DOCKER} --host unix://${this.dir}/docker.sock`;
  }

  /** Runs `docker ARGS` on the host (arguments as shell words) and returns its trimmed output. */
  async docker(args: string): Promise<string> {
    return (await this.host.mustSh(`${this.cli} ${args}`)).trim();
  }

  /** `docker inspect` of one object, parsed. */
  async inspect<T = Record<string, unknown>>(name: string): Promise<T> {
    const [first] = JSON.parse(await this.docker(`inspect ${shellQuote(name)}`)) as T[];
    if (!first) throw new TestbedError(`docker inspect ${name}: nothing`);
    return first;
  }

  /** The image BUSYBOX_IMAGE, built with `docker import` from a rootfs of busybox-static and its applets. */
  async importBusybox(): Promise<void> {
    await this.host.mustSh(`set -e
root=${this.dir}/busybox-rootfs
rm -rf "$root"; mkdir -p "$root/bin" "$root/tmp" "$root/www"
cp ${BUSYBOX} "$root/bin/busybox"
for applet in $(${BUSYBOX} --list); do [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"; done
echo vnet > "$root/www/index.html"
tar -C "$root" -cf - . | ${this.cli} import --change 'CMD ["/bin/sh"]' - ${BUSYBOX_IMAGE} >/dev/null
rm -rf "$root"`);
  }

  /** Removes every container, then stops dockerd and containerd and frees their state and cgroups. */
  async stop(): Promise<void> {
    const result = await this.host.direct(stopScript(this), { timeoutMs: 60_000 });
    await removeCgroups(this.cgroupParent);
    if (result.exitCode !== 0) throw new TestbedError(`docker on ${this.host.name} did not stop: ${result.stderr.trim()}`);
  }
}

/**
 * Starts containerd and dockerd (iptables on, vfs storage) inside `host`, and waits until `docker info`
 * answers on the host's private socket. Refuses when the Debian packages are missing.
 */
export async function startDocker(host: TestHost): Promise<DockerOnHost> {
  const missing = await host.direct(`for f in ${DOCKERD} ${CONTAINERD} ${DOCKER} ${BUSYBOX}; do [ -x "$f" ] || echo "$f"; done`);
  if (missing.stdout.trim()) {
    throw new TestbedError(`docker: missing ${missing.stdout.trim().split('\n').join(', ')}. `
      + 'Install them with: VNET_WITH_CONTAINERS=1 bash test/setup/install-deps.sh');
  }
  const docker = new DockerOnHost(host, '/run/vnet-docker', `vnet-testbed-${host.name}-${host.pid}`);
  const machineMounts = await readFile('/proc/self/mounts', 'utf8');
  const started = await host.direct(startScript(docker, machineMounts), { timeoutMs: START_TIMEOUT_MS + 5000 });
  if (started.exitCode !== 0) {
    await docker.stop().catch(() => undefined);
    throw new TestbedError(`docker did not start on ${host.name}: ${started.stderr.trim()}\n${started.stdout.trim()}`);
  }
  return docker;
}

function startScript(docker: DockerOnHost, machineMounts: string): string {
  const dir = docker.dir;
  return `set -eu
mkdir -p ${dir}/data ${dir}/exec ${dir}/containerd/root ${dir}/containerd/state
# Only this host's mount namespace sees these mounts.
mount -t tmpfs -o mode=0755 tmpfs /etc/docker
${cgroupMounts(machineMounts)}
cat > ${dir}/containerd/config.toml <<'TOML'
version = 2
root = "${dir}/containerd/root"
state = "${dir}/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "${dir}/containerd/containerd.sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "${dir}/containerd/opt"
TOML
setsid ${CONTAINERD} --config ${dir}/containerd/config.toml </dev/null >${dir}/containerd.log 2>&1 &
echo $! > ${dir}/containerd.pid
i=0
until [ -S ${dir}/containerd/containerd.sock ]; do
  i=$((i+1)); [ $i -lt ${START_TIMEOUT_MS / 50} ] || { cat ${dir}/containerd.log >&2; exit 1; }
  sleep 0.05
done
setsid ${DOCKERD} --data-root ${dir}/data --exec-root ${dir}/exec --pidfile ${dir}/dockerd.pid \\
  --host unix://${dir}/docker.sock --containerd ${dir}/containerd/containerd.sock \\
  --storage-driver vfs --iptables=true --cgroup-parent /${docker.cgroupParent} \\
  </dev/null >${dir}/dockerd.log 2>&1 &
i=0
until ${DOCKER} --host unix://${dir}/docker.sock info >/dev/null 2>&1; do
  i=$((i+1)); [ $i -lt ${START_TIMEOUT_MS / 100} ] || { tail -n 30 ${dir}/dockerd.log >&2; exit 1; }
  sleep 0.1
done
`;
}

/**
 * The machine's cgroup hierarchies (from its own mount table), mounted again under the host's /sys, where a
 * fresh sysfs hides them: v1 controllers each at its place, or the v2 hierarchy.
 */
function cgroupMounts(machineMounts: string): string {
  const flags = new Set(['rw', 'ro', 'relatime', 'noatime', 'nosuid', 'nodev', 'noexec', 'clone_children']);
  const lines = machineMounts.split('\n').map((line) => line.split(' '))
    .filter(([, point, type]) => point?.startsWith('/sys/fs/cgroup') && (type === 'cgroup' || type === 'cgroup2'));
  const mounts = lines.map(([, point, type, options]) => {
    const at = shellQuote(point);
    if (type === 'cgroup2') return `mkdir -p ${at} && mount -t cgroup2 cgroup2 ${at}`;
    const controllers = options.split(',').filter((option) => !flags.has(option)).join(',');
    return `mkdir -p ${at} && mount -t cgroup -o ${shellQuote(controllers)} cgroup ${at}`;
  });
  const needsTmpfs = lines.some(([, point]) => point !== '/sys/fs/cgroup');
  // The machine's own cgroup mounts are still listed in the host's mount table, but under its fresh sysfs:
  // hidden. A marker says this host has mounted its own already.
  return `if [ ! -e /sys/fs/cgroup/${CGROUP_MARKER} ] && [ ! -e /sys/fs/cgroup/cgroup.controllers ]; then
${needsTmpfs ? `  mount -t tmpfs -o mode=0755 cgroup /sys/fs/cgroup && touch /sys/fs/cgroup/${CGROUP_MARKER}\n` : ''}${mounts.map((m) => `  ${m}`).join('\n')}
fi`;
}

/**
 * Removes the (empty) cgroups dockerd made under `parent` in every hierarchy of this machine, deepest first;
 * a cgroup whose last process is still exiting refuses for a moment, so this retries briefly.
 */
async function removeCgroups(parent: string): Promise<void> {
  const roots = (await readdir(CGROUP_ROOT).catch(() => [] as string[])).map((name) => join(CGROUP_ROOT, name, parent));
  const deadline = Date.now() + 5000;
  for (const top of roots) {
    for (;;) {
      const dirs = await cgroupTree(top);
      if (!dirs.length) break;
      for (const dir of dirs) await rmdir(dir).catch(() => undefined);
      if (Date.now() > deadline) throw new TestbedError(`docker: cgroup ${top} is still in use`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** A cgroup and its descendants, deepest first; empty when it does not exist. */
async function cgroupTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null);
  if (!entries) return [];
  const below = await Promise.all(entries.filter((e) => e.isDirectory()).map((e) => cgroupTree(join(dir, e.name))));
  return [...below.flat(), dir];
}

function stopScript(docker: DockerOnHost): string {
  const dir = docker.dir;
  return `dir=${dir}
if [ -S $dir/docker.sock ]; then
  ids=$(${docker.cli} ps -aq 2>/dev/null)
  [ -z "$ids" ] || ${docker.cli} rm -f $ids >/dev/null 2>&1
fi
for name in dockerd containerd; do
  pid=$(cat $dir/$name.pid 2>/dev/null) || continue
  kill -TERM "$pid" 2>/dev/null || continue
  i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 200 ]; do i=$((i+1)); sleep 0.05; done
  kill -KILL "$pid" 2>/dev/null || true
done
`;
}
