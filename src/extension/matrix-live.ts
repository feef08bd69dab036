// "Verify live" for the Reachability Matrix: one real ping per pair on the host. An adapter: the live-check
// module (src/host/live-*.ts, on its own branch) is meant to replace the ping behind it, which is why the
// grid asks only this one function.

import type { LiveOutcome, MatrixCell, ReachabilityMatrix } from '../model/matrix-protocol';
import type { Topology } from '../model/topology';
import { pingPairs, type PingPair } from '../host/ping-pairs';
import type { Transport } from '../host/transport';

/**
 * The grid with each cell's live verdict: pass, fail, or n/a where no ping can be sent or mean anything (from
 * the LAN, to a namespace with no address, to a stand-in LAN address nobody holds).
 */
export async function verifyMatrixLive(transport: Transport, topology: Topology, matrix: ReachabilityMatrix, options: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<ReachabilityMatrix> {
  const byName = new Map(matrix.endpoints.map((e) => [e.name, e]));
  const pairs: PingPair[] = [];
  const sent: number[] = [];
  matrix.cells.forEach((cell, index) => {
    const from = byName.get(cell.from);
    const to = byName.get(cell.to);
    const ns = from && !from.lan ? topology.namespaces.find((n) => n.name === from.name) : undefined;
    if (!ns || !to?.address || !to.pingable) return;
    pairs.push({ from: ns, address: to.address });
    sent.push(index);
  });
  const answers = await pingPairs(transport, pairs, options);
  const live: LiveOutcome[] = matrix.cells.map(() => 'n/a');
  sent.forEach((cellIndex, i) => {
    const answer = answers[i];
    live[cellIndex] = answer === null ? 'n/a' : answer ? 'pass' : 'fail';
  });
  return { ...matrix, cells: matrix.cells.map((cell: MatrixCell, i) => ({ ...cell, live: live[i] })) };
}
