// The arguments of every `tc` command a plan or an operation runs: an impairment is one root qdisc (netem,
// or tbf for a rate alone), replaced whole (`replace` also creates it) and deleted whole. Names are
// validated upstream; the renderer quotes them.

import { qdiscArgs, type Impairment } from '../model/impairment';

export function setImpairmentArgs(iface: string, impairment: Impairment): string[] {
  return ['qdisc', 'replace', 'dev', iface, 'root', ...qdiscArgs(impairment)];
}

/** Deletes the root qdisc: the kernel puts its default back (noqueue on a veth, fq_codel or pfifo_fast elsewhere). */
export function clearImpairmentArgs(iface: string): string[] {
  return ['qdisc', 'del', 'dev', iface, 'root'];
}
