// What the Reachability Matrix grid shows in each cell, without the DOM: the static verdict's mark and
// words, and the live verdict beside it once "Verify live" ran. Pure, so the grid's text is tested.

import type { MatrixCell, ReachabilityMatrix } from '../src/model/matrix-protocol';

const MARKS: Record<MatrixCell['outcome'], string> = { reachable: '✓', dropped: '✗', uncertain: '?', 'n/a': '–' };
const LIVE_MARKS = { pass: 'live ✓', fail: 'live ✗', 'n/a': 'live –' } as const;

export interface CellView {
  text: string;
  /** Classes for the cell's look: `outcome-dropped`, `live-fail`, and `disagrees` when live and static differ. */
  classes: string[];
  /** The hover text: the pair, the verdict and why. */
  title: string;
  /** Whether choosing the cell can open its trace. */
  opens: boolean;
}

export function cellView(cell: MatrixCell, labels: ReadonlyMap<string, string>): CellView {
  const pair = `${labels.get(cell.from) ?? cell.from} → ${labels.get(cell.to) ?? cell.to}`;
  const classes = [`outcome-${cell.outcome.replace('/', '')}`];
  let text = MARKS[cell.outcome];
  const lines = [`${pair}: ${cell.outcome}`];
  if (cell.why) lines.push(cell.why);
  if (cell.live) {
    text += ` ${LIVE_MARKS[cell.live]}`;
    classes.push(`live-${cell.live.replace('/', '')}`);
    lines.push(`live: ${cell.live === 'pass' ? 'the ping was answered' : cell.live === 'fail' ? 'no answer to the ping' : 'not checked'}`);
    const expected = cell.outcome === 'reachable' ? 'pass' : cell.outcome === 'dropped' ? 'fail' : null;
    if (expected && cell.live !== 'n/a' && cell.live !== expected) classes.push('disagrees');
  }
  return { text, classes, title: lines.join('\n'), opens: cell.outcome !== 'n/a' };
}

/** The cell of an ordered pair, if the matrix has it. */
export function cellAt(matrix: ReachabilityMatrix, from: string, to: string): MatrixCell | undefined {
  return matrix.cells.find((c) => c.from === from && c.to === to);
}
