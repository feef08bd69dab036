// The trace section of the details pane: the verdict, the drop and its rule, what was assumed, and every
// hop of the request and the reply as a button that selects the hop's element. Text nodes only.

import type { TraceOverlay } from '../src/diagram/trace-overlay';
import type { TraceResult } from '../src/trace/types';

export interface TracePaneActions {
  onHop(elementId: string): void;
  onClear(): void;
}

function node<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function hopList(overlay: TraceOverlay, direction: 'request' | 'reply', actions: TracePaneActions): HTMLElement {
  const list = node('ol', 'vnet-trace-hops');
  for (const hop of overlay.hops.filter((h) => h.direction === direction)) {
    const item = node('li');
    const button = node('button', `vnet-trace-hop trace-${direction}`, hop.text);
    button.title = [hop.packet, hop.by ? `by: ${hop.by}` : ''].filter(Boolean).join('\n');
    const target = hop.elementId;
    if (target) button.addEventListener('click', () => actions.onHop(target));
    else button.disabled = true;
    item.appendChild(button);
    list.appendChild(item);
  }
  return list;
}

export function renderTracePane(result: TraceResult, overlay: TraceOverlay, actions: TracePaneActions): HTMLElement {
  const section = node('section', 'vnet-trace-pane');
  section.setAttribute('aria-label', 'Trace');
  const verdict = result.reachable ? 'reachable' : 'dropped';
  section.appendChild(node('h2', `vnet-trace-title trace-${verdict}`, overlay.summary));
  if (result.drop) {
    section.appendChild(node('p', 'vnet-trace-drop-reason', `${result.drop.direction === 'reply' ? 'Reply dropped' : 'Dropped'} in ${result.drop.namespace}${result.drop.interface ? ` at ${result.drop.interface}` : ''}: ${result.drop.reason}`));
    if (result.drop.rule) section.appendChild(node('code', 'vnet-trace-rule', result.drop.rule));
  }
  for (const assumption of result.assumptions) section.appendChild(node('p', 'vnet-trace-assumed', `Assumed in ${assumption.namespace}: ${assumption.assumed}`));
  section.appendChild(node('h3', undefined, 'Request'));
  section.appendChild(hopList(overlay, 'request', actions));
  if (result.reply.length) {
    section.appendChild(node('h3', undefined, 'Reply'));
    section.appendChild(hopList(overlay, 'reply', actions));
  }
  const clear = node('button', 'vnet-trace-clear', 'Clear Trace');
  clear.addEventListener('click', actions.onClear);
  const buttons = node('div', 'vnet-details-actions');
  buttons.appendChild(clear);
  section.appendChild(buttons);
  return section;
}
