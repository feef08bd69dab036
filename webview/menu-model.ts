// The context menu of an element: the tree view's commands for its kind (sent by the extension), plus the
// panel's own. Pure, so what a menu offers is tested without a DOM.

import type { ContextMenus, ElementRef } from '../src/model/protocol';

export type MenuAction =
  | { type: 'command'; command: string }
  | { type: 'revealInTree' }
  | { type: 'goToSource' }
  | { type: 'copy'; text: string }
  | { type: 'traceFrom' };

export interface MenuItem {
  title: string;
  action: MenuAction;
}

export interface MenuFlags {
  canRevealInTree: boolean;
  canGoToSource: boolean;
}

/** The name a person would copy: `netns1`, `netns1:veth1`, the rule, the route. */
export function copyText(ref: ElementRef): string {
  if (ref.rule) return ref.rule;
  if (ref.route) return ref.route;
  if (ref.kind === 'link' && ref.peer) return `${ref.namespace}:${ref.interface} ${ref.peer.namespace}:${ref.peer.interface}`;
  if (ref.interface) return ref.namespace ? `${ref.namespace}:${ref.interface}` : ref.interface;
  return ref.namespace ?? ref.host;
}

export function menuItems(ref: ElementRef, menus: ContextMenus, flags: MenuFlags): MenuItem[] {
  const items: MenuItem[] = (menus[ref.kind] ?? []).map((m) => ({ title: m.title, action: { type: 'command', command: m.command } }));
  // Any namespace (the host box is the root one) can send: the extension traces on what the panel shows.
  if (ref.kind === 'namespace' || ref.kind === 'host') items.push({ title: 'Trace from here…', action: { type: 'traceFrom' } });
  if (ref.kind !== 'outside') {
    if (flags.canRevealInTree) items.push({ title: 'Reveal in Tree', action: { type: 'revealInTree' } });
    if (flags.canGoToSource) items.push({ title: 'Go to .vnet Source', action: { type: 'goToSource' } });
    items.push({ title: 'Copy Name', action: { type: 'copy', text: copyText(ref) } });
  }
  return items;
}
