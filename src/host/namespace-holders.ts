// Who holds each namespace, from what the probe gathered (probe-holders.ts): the processes in it (their
// cgroup and command line) and the runtimes' state files. Pure: every input is untrusted text.
//
// The holder is keyed on the runtime's id of the container or pod sandbox, never on a pid: a namespace
// keeps its holder when the process in it changes, and one that Docker holds by a bind mount keeps its
// container when no process is left in it.
//
//   cgroup path                                         runtime      state file that names it
//   …/docker-<id>.scope, /docker/<id>                   docker       DATA-ROOT/containers/<id>/config.v2.json
//   …/libpod-<id>.scope, /libpod_parent/libpod-<id>     podman       …/storage/overlay-containers/containers.json
//   …/cri-containerd-<id>.scope, /kubepods/…/<id>       containerd   /run/containerd/io.containerd.runtime.v2.task/NS/<id>/config.json
//   …/crio-<id>.scope, /kubepods/…/<id>                 cri-o        /run/containers/storage/overlay-containers/<id>/userdata/config.json
//   /lxc.payload.NAME, /lxc.payload/NAME, /lxc/NAME      lxc          (the cgroup names it)
//   command line `bash --norc --noediting -is mininet:h1`  mininet    (the command line names it)

import type { NamespaceHolder } from '../model/topology';

export interface HolderProcess {
  pid: number;
  inode: number;
  cgroup: string;
  /** argv, split at NUL. */
  argv: string[];
}

export interface HolderFacts {
  processes: HolderProcess[];
  /** The probe's own cgroup: whatever container it names holds the host itself, not a namespace in it. */
  selfCgroup: string;
  /** State files by path. */
  files: Map<string, string>;
}

function fromHex(hex: string | undefined): string | null {
  if (hex === undefined || hex === '-' || !/^([0-9a-f]{2})+$/.test(hex)) return null;
  return Buffer.from(hex, 'hex').toString('utf8');
}

/** The body of the probe's `holders` record. */
export function parseHolderLines(lines: readonly string[]): HolderFacts {
  const facts: HolderFacts = { processes: [], selfCgroup: '', files: new Map() };
  for (const line of lines) {
    const f = line.trim().split(' ');
    if (f[0] === 'P' && /^\d+$/.test(f[1] ?? '') && /^\d+$/.test(f[2] ?? '')) {
      const cmdline = fromHex(f[4]) ?? '';
      facts.processes.push({ pid: Number(f[1]), inode: Number(f[2]), cgroup: fromHex(f[3]) ?? '', argv: cmdline.split('\0').filter((a, i, all) => i < all.length - 1 || a !== '') });
    } else if (f[0] === 'S') {
      facts.selfCgroup = fromHex(f[1]) ?? '';
    } else if (f[0] === 'F') {
      const path = fromHex(f[1]);
      const text = fromHex(f[2]);
      if (path !== null && text !== null) facts.files.set(path, text);
    }
  }
  facts.processes.sort((a, b) => a.pid - b.pid);
  return facts;
}

/** What a cgroup path says of its container: a runtime's id, or an LXC container's name. */
export type CgroupContainer =
  | { kind: 'id'; id: string; /** Runtime the path names, when it names one. */ runtime: NamespaceHolder['runtime'] | null }
  | { kind: 'lxc'; name: string };

const ID_PREFIXES: [RegExp, NamespaceHolder['runtime']][] = [
  [/^docker-$/, 'docker'],
  [/^libpod-$/, 'podman'],
  [/^cri-containerd-$/, 'containerd'],
  [/^crio-$/, 'cri-o'],
  [/^nerdctl-$/, 'containerd'],
];

function containerOfPath(path: string): CgroupContainer | null {
  const lxc = /\/lxc\.payload[./]([^/]+)/.exec(path) ?? /^\/lxc\/([^/]+)/.exec(path);
  if (lxc) return { kind: 'lxc', name: lxc[1] };
  // The last directory that carries a 64-digit id; a conmon's own scope is not the container.
  const parts = path.split('/').reverse();
  for (const part of parts) {
    const m = /^(.*?)([0-9a-f]{64})(\.scope)?$/.exec(part);
    if (!m) continue;
    if (/conmon/.test(m[1])) return null;
    const runtime = ID_PREFIXES.find(([prefix]) => prefix.test(m[1]))?.[1] ?? null;
    if (m[1] === '' && !/(^|\/)(docker|kubepods[^/]*|libpod_parent|default|k8s\.io|moby)(\/|$)/.test(path)) continue;
    if (m[1] !== '' && runtime === null) continue;
    return { kind: 'id', id: m[2], runtime: runtime ?? (/(^|\/)docker(\/|$)/.test(path) ? 'docker' : null) };
  }
  return null;
}

/** The container of a process, from its /proc/PID/cgroup text (cgroup v1 or v2). The unified line first. */
export function cgroupContainer(cgroup: string): CgroupContainer | null {
  const paths = cgroup.split('\n').map((line) => /^\d+:[^:]*:(.*)$/.exec(line)).filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(b[0].startsWith('0::')) - Number(a[0].startsWith('0::'))).map((m) => m[1]);
  for (const path of paths) {
    const found = containerOfPath(path);
    if (found) return found;
  }
  return null;
}

/** Mininet starts each host as `bash --norc --noediting -is mininet:NAME`. */
export function mininetNode(argv: readonly string[]): string | null {
  if (!argv.length || !/(^|\/)(ba)?sh$/.test(argv[0]) || !argv.includes('--norc')) return null;
  const m = /^mininet:(.+)$/s.exec(argv[argv.length - 1]);
  return m ? m[1] : null;
}

type Json = Record<string, unknown>;

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function objectAt(value: unknown, ...keys: string[]): Json | null {
  let at: unknown = value;
  for (const key of keys) at = at && typeof at === 'object' && !Array.isArray(at) ? (at as Json)[key] : undefined;
  return at && typeof at === 'object' && !Array.isArray(at) ? (at as Json) : null;
}

function stringAt(object: Json | null, key: string): string | null {
  const value = object?.[key];
  return typeof value === 'string' && value.length ? value : null;
}

/** A Kubernetes pod's name as `NAMESPACE/NAME`, from two labels or annotations. */
function podName(labels: Json | null, nameKey: string, namespaceKey: string): string | null {
  const name = stringAt(labels, nameKey);
  const namespace = stringAt(labels, namespaceKey);
  return name && namespace ? `${namespace}/${name}` : null;
}

/** A Docker container from its config.v2.json; `sandboxKey` is where Docker bind-mounts its namespace. */
export function dockerHolder(text: string): { holder: NamespaceHolder; sandboxKey: string | null; running: boolean } | null {
  const config = objectAt(parseJson(text));
  const id = stringAt(config, 'ID');
  const name = stringAt(config, 'Name')?.replace(/^\//, '');
  if (!config || !id || !name) return null;
  const labels = objectAt(config, 'Config', 'Labels');
  const pod = podName(labels, 'io.kubernetes.pod.name', 'io.kubernetes.pod.namespace');
  const holder: NamespaceHolder = { runtime: 'docker', name: pod ?? name, id };
  const project = stringAt(labels, 'com.docker.compose.project');
  if (project) holder.project = project;
  return { holder, sandboxKey: stringAt(objectAt(config, 'NetworkSettings'), 'SandboxKey'), running: objectAt(config, 'State')?.Running === true };
}

/** A container from its OCI config.json as containerd (CRI or nerdctl) or CRI-O wrote it. */
export function ociHolder(text: string, runtime: 'containerd' | 'cri-o', id: string): NamespaceHolder | null {
  const annotations = objectAt(parseJson(text), 'annotations');
  const cri = podName(annotations, 'io.kubernetes.cri.sandbox-name', 'io.kubernetes.cri.sandbox-namespace');
  if (cri) return { runtime, name: cri, id: stringAt(annotations, 'io.kubernetes.cri.sandbox-id') ?? id };
  const crio = podName(annotations, 'io.kubernetes.pod.name', 'io.kubernetes.pod.namespace');
  if (crio) return { runtime, name: crio, id: stringAt(annotations, 'io.kubernetes.cri-o.SandboxID') ?? id };
  const nerdctl = stringAt(annotations, 'nerdctl/name');
  return nerdctl ? { runtime, name: nerdctl, id } : null;
}

/** Podman's containers.json (containers/storage): each container's id and names. */
export function podmanHolder(text: string, id: string): NamespaceHolder | null {
  const list = parseJson(text);
  if (!Array.isArray(list)) return null;
  const entry = list.map((e) => objectAt(e)).find((e) => stringAt(e, 'id') === id);
  const names = entry?.names;
  const name = Array.isArray(names) && typeof names[0] === 'string' && names[0] ? names[0] : null;
  return name ? { runtime: 'podman', name, id } : null;
}

/** The state files, by the container id their path names. */
interface StateFiles {
  docker: Map<string, string>;
  containerd: Map<string, string>;
  crio: Map<string, string>;
  podman: string | undefined;
}

function indexFiles(files: Map<string, string>): StateFiles {
  const index: StateFiles = { docker: new Map(), containerd: new Map(), crio: new Map(), podman: undefined };
  for (const [path, text] of files) {
    let m: RegExpExecArray | null;
    if ((m = /\/containers\/([0-9a-f]{64})\/config\.v2\.json$/.exec(path))) index.docker.set(m[1], text);
    else if ((m = /\/io\.containerd\.runtime\.v2\.task\/[^/]+\/([0-9a-f]{64})\/config\.json$/.exec(path))) index.containerd.set(m[1], text);
    else if ((m = /\/overlay-containers\/([0-9a-f]{64})\/userdata\/config\.json$/.exec(path))) index.crio.set(m[1], text);
    else if (/\/overlay-containers\/containers\.json$/.test(path)) index.podman = text;
  }
  return index;
}

function holderOfId(id: string, runtime: NamespaceHolder['runtime'] | null, files: StateFiles): NamespaceHolder | null {
  const tries: (() => NamespaceHolder | null)[] = [
    () => (runtime === null || runtime === 'docker') && files.docker.has(id) ? dockerHolder(files.docker.get(id)!)?.holder ?? null : null,
    () => (runtime === null || runtime === 'containerd') && files.containerd.has(id) ? ociHolder(files.containerd.get(id)!, 'containerd', id) : null,
    () => (runtime === null || runtime === 'cri-o') && files.crio.has(id) ? ociHolder(files.crio.get(id)!, 'cri-o', id) : null,
    () => (runtime === null || runtime === 'podman') && files.podman !== undefined ? podmanHolder(files.podman, id) : null,
  ];
  for (const attempt of tries) {
    const holder = attempt();
    if (holder) return holder;
  }
  return null;
}

const sameContainer = (a: CgroupContainer | null, b: CgroupContainer | null): boolean =>
  a !== null && b !== null && (a.kind === 'lxc' ? b.kind === 'lxc' && a.name === b.name : b.kind === 'id' && a.id === b.id);

function holderOfProcess(process: HolderProcess, files: StateFiles, own: CgroupContainer | null): NamespaceHolder | null {
  let container = cgroupContainer(process.cgroup);
  if (sameContainer(container, own)) container = null;
  if (container?.kind === 'lxc') return { runtime: 'lxc', name: container.name, id: container.name };
  if (container) {
    const holder = holderOfId(container.id, container.runtime, files);
    if (holder) return holder;
  }
  const node = mininetNode(process.argv);
  return node !== null ? { runtime: 'mininet', name: node, id: node } : null;
}

const sandboxOf = (path: string): string | null => /\/netns\/([^/]+)$/.exec(path)?.[1] ?? null;

/**
 * The holder of every namespace that has one, by inode. A Docker sandbox's bind mount decides first
 * (it names the namespace's own container even when another joined it), then the lowest process whose
 * cgroup or command line names one.
 */
export function decideHolders(facts: HolderFacts, mounts: readonly { inode: number; path: string }[]): Map<number, NamespaceHolder> {
  const files = indexFiles(facts.files);
  const own = cgroupContainer(facts.selfCgroup);
  const holders = new Map<number, NamespaceHolder>();
  // A running container before a stopped one that still names the sandbox, then by name: one answer.
  const bySandbox = new Map<string, { holder: NamespaceHolder; running: boolean }>();
  for (const text of [...files.docker.values()]) {
    const docker = dockerHolder(text);
    const sandbox = docker?.sandboxKey ? sandboxOf(docker.sandboxKey) : null;
    if (!docker || !sandbox) continue;
    const known = bySandbox.get(sandbox);
    if (!known || Number(docker.running) - Number(known.running) > 0 || (docker.running === known.running && docker.holder.name < known.holder.name)) bySandbox.set(sandbox, docker);
  }
  for (const mount of [...mounts].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const sandbox = sandboxOf(mount.path);
    const holder = sandbox ? bySandbox.get(sandbox)?.holder : undefined;
    if (holder && !holders.has(mount.inode)) holders.set(mount.inode, holder);
  }
  for (const process of facts.processes) {
    if (holders.has(process.inode)) continue;
    const holder = holderOfProcess(process, files, own);
    if (holder) holders.set(process.inode, holder);
  }
  return holders;
}
