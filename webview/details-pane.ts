// The details pane: the selected element's facts, as text nodes, with buttons that ask the extension to
// reveal it in the tree or open its .vnet source.

import { describeElement } from '../src/diagram/details';
import type { DiagramElement } from '../src/diagram/model';

export interface DetailsActions {
  canRevealInTree: boolean;
  canGoToSource: boolean;
  onReveal(): void;
  onGoToSource(): void;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function renderDetails(pane: HTMLElement, selected: DiagramElement | null, actions: DetailsActions): void {
  pane.replaceChildren();
  if (!selected) {
    pane.appendChild(element('p', 'vnet-hint', 'Select an element to see its details. Drag boxes to move them; right-click for commands.'));
    return;
  }
  const details = describeElement(selected);
  pane.appendChild(element('h2', `vnet-details-title status-${details.status}`, details.title));
  pane.appendChild(element('div', 'vnet-details-kind', details.kind));
  const table = element('dl');
  for (const [label, value] of details.fields) {
    table.appendChild(element('dt', undefined, label));
    table.appendChild(element('dd', undefined, value));
  }
  pane.appendChild(table);
  if (details.differences.length) {
    pane.appendChild(element('h3', undefined, 'Differences'));
    const list = element('ul', 'vnet-differences');
    for (const difference of details.differences) list.appendChild(element('li', undefined, difference));
    pane.appendChild(list);
  }
  if (selected.kind === 'outside') return;
  const buttons = element('div', 'vnet-details-actions');
  if (actions.canRevealInTree) {
    const reveal = element('button', undefined, 'Reveal in Tree');
    reveal.addEventListener('click', actions.onReveal);
    buttons.appendChild(reveal);
  }
  if (actions.canGoToSource) {
    const source = element('button', undefined, 'Go to .vnet Source');
    source.addEventListener('click', actions.onGoToSource);
    buttons.appendChild(source);
  }
  pane.appendChild(buttons);
}
