// How a namespace is called where people read it: by the container or node that holds it, when its
// runtime says so (`docker shop-web-1`, `pod default/nginx`, `mininet h1`), else by its name. The name
// itself stays the key (plan, drift and the tree's identities use it); this is only what is shown. Pure.

import type { Namespace, NamespaceHolder } from './topology';

/**
 * The holder as one phrase: the runtime's word, then the name (a Kubernetes pod is a `pod`), then the
 * compose project where one is set: `docker shop-web-1 (compose shop)`.
 */
export function holderLabel(holder: NamespaceHolder): string {
  const pod = (holder.runtime === 'containerd' || holder.runtime === 'cri-o' || holder.runtime === 'docker') && holder.name.includes('/');
  const project = holder.project ? ` (compose ${holder.project})` : '';
  return `${pod ? 'pod' : holder.runtime} ${holder.name}${project}`;
}

/** What to show for a namespace: its holder where one is known, else its name. Not escaped: callers do that. */
export function namespaceLabel(ns: Pick<Namespace, 'name' | 'holder'>): string {
  return ns.holder ? holderLabel(ns.holder) : ns.name;
}
