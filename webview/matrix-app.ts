// The Reachability Matrix panel's UI: a grid of every ordered pair (rows: from, columns: to), each cell a
// button that opens its trace on the topology, and "Verify live" / "Refresh". Built with createElement and
// textContent only; messages are checked both ways (src/model/matrix-protocol.ts).

import { isToMatrixMessage, type FromMatrixMessage, type ReachabilityMatrix } from '../src/model/matrix-protocol';
import { cellAt, cellView } from './matrix-model';

interface MatrixApi {
  postMessage(message: FromMatrixMessage): void;
}

declare function acquireVsCodeApi(): MatrixApi;

function node<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function renderGrid(matrix: ReachabilityMatrix, post: (message: FromMatrixMessage) => void): HTMLTableElement {
  const labels = new Map(matrix.endpoints.map((e) => [e.name, e.label]));
  const table = node('table', 'vnet-matrix');
  table.setAttribute('aria-label', `Reachability of ${matrix.host} (ICMP): rows send, columns receive`);
  const head = node('tr');
  head.appendChild(node('th', 'vnet-matrix-corner', 'from ↓ to →'));
  for (const to of matrix.endpoints) head.appendChild(node('th', 'vnet-matrix-to', to.label));
  table.appendChild(head);
  for (const from of matrix.endpoints) {
    const row = node('tr');
    row.appendChild(node('th', 'vnet-matrix-from', from.label));
    for (const to of matrix.endpoints) {
      const td = node('td');
      const cell = from === to ? undefined : cellAt(matrix, from.name, to.name);
      if (cell) {
        const view = cellView(cell, labels);
        const button = node('button', ['vnet-matrix-cell', ...view.classes].join(' '), view.text);
        button.title = view.title;
        button.setAttribute('data-from', cell.from);
        button.setAttribute('data-to', cell.to);
        if (view.opens) button.addEventListener('click', () => post({ type: 'openTrace', from: cell.from, to: cell.to }));
        else button.disabled = true;
        td.appendChild(button);
      } else {
        td.className = 'vnet-matrix-self';
      }
      row.appendChild(td);
    }
    table.appendChild(row);
  }
  return table;
}

export function startMatrixApp(): void {
  const api = acquireVsCodeApi();
  const post = (message: FromMatrixMessage) => api.postMessage(message);
  const toolbar = node('div', 'vnet-toolbar');
  toolbar.setAttribute('role', 'toolbar');
  const verify = node('button', undefined, 'Verify live');
  verify.title = 'Send one ping per pair on the host (ping -c 1 -W 1) and show the answers beside the static verdicts';
  verify.addEventListener('click', () => post({ type: 'verifyLive' }));
  const refresh = node('button', undefined, 'Refresh');
  refresh.title = 'Read the host again and recompute the grid';
  refresh.addEventListener('click', () => post({ type: 'refresh' }));
  const status = node('span', 'vnet-status');
  status.setAttribute('role', 'status');
  toolbar.append(verify, refresh, status);
  const legend = node('p', 'vnet-matrix-legend', '✓ reachable · ✗ dropped · ? uncertain (something was assumed) · – no verdict. Choose a cell to see its trace on the topology.');
  const grid = node('div', 'vnet-matrix-wrap');
  document.body.replaceChildren(toolbar, legend, grid);
  window.addEventListener('message', (event: MessageEvent) => {
    const message: unknown = event.data;
    if (!isToMatrixMessage(message)) return;
    if (message.type === 'status') {
      status.textContent = message.text;
      verify.disabled = message.busy;
      return;
    }
    grid.replaceChildren(renderGrid(message.matrix, post));
  });
  status.textContent = 'Reading the host…';
  post({ type: 'ready' });
}
