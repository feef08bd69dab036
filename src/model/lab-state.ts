// What a lab owns on a host, for the elements that cannot carry a mark of their own. Interfaces carry an
// ifalias `vnet:<lab>` and NAT rules an iptables comment `vnet:<lab>`, but a namespace, a route on the
// host's own eth0, a user chain or the host's forwarding switch have nowhere to write one. Those are
// recorded in one file per lab under /run/vnet: /run because none of them survives a reboot either.
//
// The file is JSON Lines so that a host-side shell script can append a record with one printf before
// it creates the element (a claim), and a reader folds the lines in order: a later record with
// `released: true` cancels an earlier claim. After a successful apply the whole file is rewritten with
// only what the lab owns.

import { checkLabName } from './names';

const LAB_STATE_SCHEMA = 'vnet.owned/1';

/** Directory of the state files and of the host lock (`/run/vnet/lock`). */
export const LAB_STATE_DIR = '/run/vnet';

export const HOST_LOCK_FILE = `${LAB_STATE_DIR}/lock`;

export type OwnedRecord =
  | { kind: 'namespace'; name: string }
  /** An interface in the root namespace, claimed before it is created (its alias follows a moment later). */
  | { kind: 'interface'; namespace: string; name: string }
  /** A route added where the lab owns neither the namespace nor the interface (e.g. via the host's eth0). */
  | { kind: 'route'; namespace: string; to: string; via: string | null; dev: string | null }
  /** An address added to an interface the lab does not own. */
  | { kind: 'address'; namespace: string; interface: string; address: string }
  | { kind: 'chain'; namespace: string; table: 'nat'; chain: string }
  /** The forwarding switch as it was before the lab changed it, so that destroy can put it back. */
  | { kind: 'forwarding'; namespace: string; previous: boolean }
  /** The filter FORWARD policy as it was before the lab changed it. */
  | { kind: 'forwardPolicy'; namespace: string; previous: 'ACCEPT' | 'DROP' };

export interface LabState {
  lab: string;
  records: OwnedRecord[];
}

export function labStateFile(lab: string): string {
  const problem = checkLabName(lab);
  if (problem) throw new Error(problem.message);
  return `${LAB_STATE_DIR}/${lab}.jsonl`;
}

/** The identity of a record: two records with the same key are about the same element. */
export function ownedRecordKey(record: OwnedRecord): string {
  switch (record.kind) {
    case 'namespace': return `namespace\u0000${record.name}`;
    case 'interface': return `interface\u0000${record.namespace}\u0000${record.name}`;
    case 'route': return `route\u0000${record.namespace}\u0000${record.to}\u0000${record.via ?? ''}\u0000${record.dev ?? ''}`;
    case 'address': return `address\u0000${record.namespace}\u0000${record.interface}\u0000${record.address}`;
    case 'chain': return `chain\u0000${record.namespace}\u0000${record.table}\u0000${record.chain}`;
    case 'forwarding': return `forwarding\u0000${record.namespace}`;
    case 'forwardPolicy': return `forwardPolicy\u0000${record.namespace}`;
  }
}

/** One line of the file (no newline). */
export function serializeRecord(record: OwnedRecord, released = false): string {
  return JSON.stringify(released ? { ...record, released: true } : record);
}

export function serializeLabState(state: LabState): string {
  const header = JSON.stringify({ kind: 'lab', schema: LAB_STATE_SCHEMA, lab: state.lab });
  return [header, ...state.records.map((record) => serializeRecord(record))].join('\n') + '\n';
}

const STRING_FIELDS: Record<OwnedRecord['kind'], string[]> = {
  namespace: ['name'],
  interface: ['namespace', 'name'],
  route: ['namespace', 'to'],
  address: ['namespace', 'interface', 'address'],
  chain: ['namespace', 'table', 'chain'],
  forwarding: ['namespace'],
  forwardPolicy: ['namespace'],
};

function asRecord(value: unknown): OwnedRecord | null {
  if (typeof value !== 'object' || value === null) return null;
  const object = value as Record<string, unknown>;
  const kind = object.kind;
  if (typeof kind !== 'string' || !(kind in STRING_FIELDS)) return null;
  for (const field of STRING_FIELDS[kind as OwnedRecord['kind']]) {
    if (typeof object[field] !== 'string') return null;
  }
  switch (kind) {
    case 'namespace': return { kind, name: object.name as string };
    case 'interface': return { kind, namespace: object.namespace as string, name: object.name as string };
    case 'route': {
      const optional = (v: unknown) => (typeof v === 'string' ? v : null);
      return { kind, namespace: object.namespace as string, to: object.to as string, via: optional(object.via), dev: optional(object.dev) };
    }
    case 'address': return { kind, namespace: object.namespace as string, interface: object.interface as string, address: object.address as string };
    case 'chain': return object.table === 'nat' ? { kind, namespace: object.namespace as string, table: 'nat', chain: object.chain as string } : null;
    case 'forwarding': return typeof object.previous === 'boolean' ? { kind, namespace: object.namespace as string, previous: object.previous } : null;
    case 'forwardPolicy':
      return object.previous === 'ACCEPT' || object.previous === 'DROP'
        ? { kind, namespace: object.namespace as string, previous: object.previous }
        : null;
    default: return null;
  }
}

/**
 * Folds the lines of a state file. Lines that do not parse (a write cut short by a crash) are skipped:
 * the file is a record of claims, and losing one half-written claim is safer than refusing to read.
 * The first record of an element wins for `forwarding` and `forwardPolicy` (the value before the lab's
 * first change is the one to restore); for the others a later claim or release replaces an earlier one.
 */
export function parseLabState(lab: string, text: string): LabState {
  const held = new Map<string, OwnedRecord>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let value: unknown;
    try { value = JSON.parse(line); } catch { continue; }
    const record = asRecord(value);
    if (!record) continue;
    const key = ownedRecordKey(record);
    const released = (value as Record<string, unknown>).released === true;
    if (released) { held.delete(key); continue; }
    if ((record.kind === 'forwarding' || record.kind === 'forwardPolicy') && held.has(key)) continue;
    held.set(key, record);
  }
  return { lab, records: [...held.values()] };
}

/** Namespaces each lab claims, from several state files: what the probe shows as Namespace.owner. */
export function namespaceOwners(states: readonly LabState[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const state of states) {
    for (const record of state.records) if (record.kind === 'namespace') owners.set(record.name, state.lab);
  }
  return owners;
}
