// An interface's root qdisc on the way out: an impairment that drops everything (loss 100%) stops the
// packet there; one that delays adds its delay to the direction's sum, which the verdict states. Loss below
// 100%, jitter, reordering and rates change how often and how fast, not whether: a hop says so.

import { describeImpairment, dropsEverything, isEmptyImpairment, qdiscArgs } from '../model/impairment';
import type { Namespace, NetInterface } from '../model/topology';
import { dropAt, note } from './journey';
import type { Packet } from './packet';
import type { Walker } from './walker';

/** Whether the packet gets past the qdisc of the interface it leaves by. */
export function throughQdisc(w: Walker, ns: Namespace, iface: NetInterface, packet: Packet): boolean {
  const impairment = iface.impairment;
  if (!impairment || isEmptyImpairment(impairment)) return true;
  const by = `tc qdisc replace dev ${iface.name} root ${qdiscArgs(impairment).join(' ')}`;
  if (dropsEverything(impairment)) {
    dropAt(w.journey, ns, packet, { step: 'link', iface: iface.name, says: `${iface.name} loses every packet it sends (loss 100%)`, by });
    return false;
  }
  note(w.journey, ns, packet, { step: 'link', iface: iface.name, says: `${iface.name} impairs what it sends: ${describeImpairment(impairment)}`, by });
  if (impairment.delayUs) {
    const latency = w.journey.latency;
    if (w.journey.direction === 'request') latency.requestUs += impairment.delayUs; else latency.replyUs += impairment.delayUs;
    latency.by.push(`${w.hosts.length > 1 ? `${w.journey.host}/` : ''}${ns.name}:${iface.name}`);
  }
  return true;
}
