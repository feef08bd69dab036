// The network a trace drawn on a diagram runs on: what the diagram shows. Where a host has both sides (the
// drift view), the live one: a trace answers what happens to a packet now, and the drawing shows both.

import type { DiagramInput } from '../model/protocol';
import type { Lab, Topology } from '../model/topology';

export function traceNetworkOf(input: DiagramInput): Topology | Lab | null {
  const hosts = input.hosts
    .map((h) => ({ name: h.name, topology: h.live ?? h.desired ?? null }))
    .filter((h): h is { name: string; topology: Topology } => h.topology !== null);
  if (!hosts.length) return null;
  if (hosts.length === 1) return hosts[0].topology;
  return { name: input.title, hosts: hosts.map((h) => ({ name: h.name, target: null, topology: h.topology })) };
}
