// One read of a host for planning: its live network and the labs' state files, as they agreed.

import { parseLabState, type LabState } from '../model/lab-state';
import { checkLabName } from '../model/names';
import type { Topology } from '../model/topology';
import type { ProbeSnapshot } from '../host/probe-parse';
import type { Transport } from '../host/transport';

/** Reads a host: its live Topology and the labs' state files, as they agree (src/host/probe.ts's probeSnapshot). */
export type Probe = (transport: Transport, options: { signal?: AbortSignal }) => Promise<ProbeSnapshot>;

export interface HostSnapshot {
  live: Topology;
  state: LabState;
  /** The state file's text, or null when the lab has none on this host. */
  stateText: string | null;
  /** The other labs' state files on the host. */
  others: LabState[];
}

/**
 * The live network and the labs' state files, from one read in which the state files did not change
 * (src/host/probe.ts's probeSnapshot). A plan from an older state and a newer network, or the reverse,
 * would redo another apply's finished work, or take its new elements for someone else's.
 */
export async function readSnapshot(transport: Transport, lab: string, probe: Probe, signal?: AbortSignal): Promise<HostSnapshot> {
  const { topology, stateFiles } = await probe(transport, { signal });
  const stateText = stateFiles.get(lab) ?? null;
  const others = [...stateFiles].filter(([name]) => name !== lab && checkLabName(name) === null).map(([name, text]) => parseLabState(name, text));
  return { live: topology, state: parseLabState(lab, stateText ?? ''), stateText, others };
}

