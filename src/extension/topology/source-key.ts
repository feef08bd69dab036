// The key of a topology panel's source. A panel is opened once per key and its dragged positions are kept per
// key; after a window reload the key, saved by the webview, is all there is to open the same panel again.
// Free of vscode.

/** What a panel shows, as its key says it: enough to open the same panel again after a window reload. */
export type SourceRef =
  | { kind: 'file'; uri: string }
  | { kind: 'host'; destination: string }
  | { kind: 'drift'; uri: string; labHost: string | null; destination: string };

/** The key of a source: one panel per key, and dragged positions are remembered per key. */
export function sourceKey(ref: SourceRef): string {
  switch (ref.kind) {
    case 'file': return `file:${ref.uri}`;
    case 'host': return `host:${ref.destination}`;
    // JSON: a URI may hold any separator.
    case 'drift': return `drift:${JSON.stringify([ref.uri, ref.labHost, ref.destination])}`;
  }
}

/** The source a key names; null for anything else (the key comes back from the webview's saved state). */
export function parseSourceKey(key: unknown): SourceRef | null {
  if (typeof key !== 'string') return null;
  const colon = key.indexOf(':');
  const [kind, rest] = [key.slice(0, colon), key.slice(colon + 1)];
  if (colon <= 0 || !rest) return null;
  if (kind === 'file') return { kind, uri: rest };
  if (kind === 'host') return { kind, destination: rest };
  if (kind !== 'drift') return null;
  let parts: unknown;
  try { parts = JSON.parse(rest); } catch { return null; }
  if (!Array.isArray(parts) || parts.length !== 3) return null;
  const [uri, labHost, destination] = parts as unknown[];
  if (typeof uri !== 'string' || !uri || typeof destination !== 'string' || !destination) return null;
  if (labHost !== null && typeof labHost !== 'string') return null;
  return { kind, uri, labHost, destination };
}
