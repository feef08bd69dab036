// The interfaces a trace's hops name, as capture points: each once, in the order the packet meets them
// (the request, then the reply), with the path of an anonymous namespace to enter it by. Pure.

import type { CapturePoint } from '../../model/capture';
import type { Topology } from '../../model/topology';
import type { TraceHop, TraceResult } from '../../trace/index';

/** A hop names an interface: where the packet came in or went out. */
export interface HopInterface {
  namespace: string;
  interface: string;
}

export function hopInterfaces(result: TraceResult): HopInterface[] {
  const seen = new Set<string>();
  const out: HopInterface[] = [];
  for (const hop of [...result.hops, ...result.reply] as TraceHop[]) {
    if (!hop.interface) continue;
    const key = JSON.stringify([hop.namespace, hop.interface]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ namespace: hop.namespace, interface: hop.interface });
  }
  return out;
}

/** Capture points for hops of a host's Topology; hops whose interface the host does not have are left out. */
export function capturePointsOf(hops: readonly HopInterface[], topology: Topology): CapturePoint[] {
  const points: CapturePoint[] = [];
  for (const hop of hops) {
    const ns = topology.namespaces.find((n) => n.name === hop.namespace);
    if (!ns?.interfaces.some((i) => i.name === hop.interface)) continue;
    points.push(ns.anonymous && ns.path ? { namespace: hop.namespace, interface: hop.interface, path: ns.path } : { namespace: hop.namespace, interface: hop.interface });
  }
  return points;
}
