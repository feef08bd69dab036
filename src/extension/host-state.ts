// What the extension knows about one host at a moment: how far the connection got and, once connected,
// the host's live Topology. The tree draws exactly this; the session (host-session.ts) produces it.

import type { Topology } from '../model/topology';
import type { HostEntry, RefreshMode } from './settings';

export type HostConnection =
  /** Nobody has asked for this host yet (the view was never opened). */
  | { state: 'idle' }
  | { state: 'connecting' }
  | {
    state: 'connected';
    topology: Topology;
    /** When the topology was read (ms since the epoch). */
    updatedAt: number;
    /** How changes reach the tree now: the live watcher, polling, or only the refresh button. */
    following: RefreshMode;
    /** Set when following stopped working and the tree may be out of date (the reason, plain text). */
    stale: string | null;
  }
  | {
    state: 'error';
    /** What happened and what to do, one paragraph. */
    message: string;
    /** The VnetError code, when there is one. */
    code: string | null;
  };

export interface HostView {
  entry: HostEntry;
  connection: HostConnection;
}

/** How the tree names a host: its label, or its destination. */
export function hostTitle(entry: HostEntry): string {
  return entry.label ?? entry.destination;
}
