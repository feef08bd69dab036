// Packet capture: what a capture point is, which tcpdump filters VNet passes on, and how a capture is
// spoken of (counts, labels, file names). Pure; the host side is src/host/capture-*.ts.

import { checkInterfaceName, checkNamespaceName, printable } from './names';
import { ROOT_NAMESPACE } from './topology';

/** One interface to capture on. */
export interface CapturePoint {
  /** The namespace as a Topology names it (`host` for the root one). */
  namespace: string;
  interface: string;
  /**
   * How to enter a namespace that has no name under /run/netns (a container's): the path the probe found
   * it by (`/proc/PID/ns/net`, a bind mount). Absent for the root namespace and named ones.
   */
  path?: string;
}

/** The longest filter VNet passes on: tcpdump's own limit is far above what people type. */
export const CAPTURE_FILTER_MAX_LENGTH = 512;

/**
 * What a filter may be made of: the words, numbers, addresses and operators of pcap-filter(7). No quotes,
 * backslashes, `$`, `;`, backticks or line breaks: the filter is passed as one argument and never reaches a
 * shell, but a filter that needs none of these is easier to trust and to show.
 */
const FILTER_CHARACTERS = /^[A-Za-z0-9 ._:/!&|()<>=[\]+*,-]*$/;

/** Checks a tcpdump filter; returns what is wrong, or null. An empty filter captures everything. */
export function checkCaptureFilter(filter: string): string | null {
  if (filter.length > CAPTURE_FILTER_MAX_LENGTH) {
    return `A capture filter is at most ${CAPTURE_FILTER_MAX_LENGTH} characters (this one has ${filter.length}).`;
  }
  if (!FILTER_CHARACTERS.test(filter)) {
    const bad = [...filter].find((ch) => !FILTER_CHARACTERS.test(ch)) ?? '';
    return `A capture filter may hold letters, digits, spaces and . _ : / ! & | ( ) < > = [ ] + * , - only, not "${printable(bad)}". Write it as for tcpdump, e.g. "icmp or tcp port 80".`;
  }
  // tcpdump would read a leading "-" as an option, even after our `--`, should anyone drop it.
  if (filter.trim().startsWith('-')) return 'A capture filter cannot start with "-". Write it as for tcpdump, e.g. "icmp or tcp port 80".';
  return null;
}

/** Checks the names of a capture point (they come from files, hosts and the command line). */
export function checkCapturePoint(point: CapturePoint): string | null {
  const ns = point.namespace === ROOT_NAMESPACE ? null : checkNamespaceName(point.namespace);
  if (ns) return ns.message;
  const iface = checkInterfaceName(point.interface);
  if (iface) return iface.message;
  if (point.path !== undefined && (!point.path.startsWith('/') || /[\u0000-\u001f\u007f]/.test(point.path))) {
    return `The path of namespace ${printable(point.namespace)} must be absolute and printable.`;
  }
  return null;
}

/**
 * Reads `NS:IFACE` (the command line's spelling). The interface comes after the last ":" (interface names
 * cannot hold one; namespace names can). `pid:1234` names the namespace of a process, as `vnet show` names
 * an anonymous one held only by processes: it is entered by `/proc/1234/ns/net`.
 */
export function parseCapturePoint(text: string): CapturePoint | null {
  const at = text.lastIndexOf(':');
  if (at <= 0 || at === text.length - 1) return null;
  const namespace = text.slice(0, at);
  const pid = /^pid:([1-9]\d{0,9})$/.exec(namespace);
  return { namespace, interface: text.slice(at + 1), ...(pid ? { path: `/proc/${pid[1]}/ns/net` } : {}) };
}

/** `ns1:veth0`, as people read a capture point. */
export function capturePointLabel(point: CapturePoint): string {
  return `${point.namespace}:${point.interface}`;
}

export function packetCountText(count: number): string {
  return `${count} packet${count === 1 ? '' : 's'}`;
}

/** Characters a file name of a capture keeps; any other becomes "_". */
function fileNamePart(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_');
}

/**
 * The files of a capture on several points: `BASE-NS-IFACE.pcap`, one per point, beside where `file`
 * would be (BASE is `file` without its `.pcap`/`.pcapng`). One point writes `file` itself. Names made the
 * same by the replaced characters get `-2`, `-3`….
 */
export function captureFileNames(file: string, points: readonly CapturePoint[]): string[] {
  if (points.length === 1) return [file];
  const base = file.replace(/\.pcap(ng)?$/i, '');
  const taken = new Set<string>();
  return points.map((point) => {
    const stem = `${base}-${fileNamePart(point.namespace)}-${fileNamePart(point.interface)}`;
    let name = `${stem}.pcap`;
    for (let n = 2; taken.has(name); n++) name = `${stem}-${n}.pcap`;
    taken.add(name);
    return name;
  });
}

/** The merged file of a capture on several points: `BASE.pcapng`. */
export function mergedCaptureFileName(file: string): string {
  return `${file.replace(/\.pcap(ng)?$/i, '')}.pcapng`;
}
