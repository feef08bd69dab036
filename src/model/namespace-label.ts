// How a namespace is named for people: by the container or node that holds it where its runtime says so
// (`docker web-1`, `pod default/nginx`, `mininet h1`), else by its own name. The name itself stays the key
// that plans, drift and references use; only what is shown changes.

import type { Namespace, NamespaceHolder } from './topology';

const RUNTIME_WORDS: Readonly<Record<NamespaceHolder['runtime'], string>> = {
  docker: 'docker', podman: 'podman', containerd: 'pod', 'cri-o': 'pod', lxc: 'lxc', mininet: 'mininet',
};

/** `docker web-1 (compose shop)`, `pod default/nginx`, `mininet h1`. */
export function describeHolder(holder: NamespaceHolder): string {
  const project = holder.project ? ` (compose ${holder.project})` : '';
  return `${RUNTIME_WORDS[holder.runtime]} ${holder.name}${project}`;
}

/** The label a face shows for a namespace: its holder when known, else its name (`host` for the root). */
export function namespaceLabel(ns: Pick<Namespace, 'name' | 'holder'>): string {
  return ns.holder ? describeHolder(ns.holder) : ns.name;
}
