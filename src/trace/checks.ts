// The checks a namespace makes of a packet beside NAT: its filter hooks, rp_filter and ip_forward.

import type { Namespace } from '../model/topology';
import { filterHook, type FilterHook } from './hooks';
import { assume, dropAt, note } from './journey';
import type { MatchContext } from './match-context';
import { lookupRoute } from './routes';
import type { Walker } from './walker';

const STEP_OF: Readonly<Record<FilterHook, 'filter-input' | 'filter-forward' | 'filter-output'>> = {
  INPUT: 'filter-input', FORWARD: 'filter-forward', OUTPUT: 'filter-output',
};

/** Runs a filter hook; false when it drops the packet. */
export function passFilter(w: Walker, ns: Namespace, hook: FilterHook, ctx: MatchContext): boolean {
  const decision = filterHook(ns, hook, ctx, (rule, assumed) => assume(w.journey, ns, rule, assumed));
  const iface = hook === 'INPUT' ? ctx.in : ctx.out;
  if (decision.verdict === 'ACCEPT') {
    if (decision.by !== 'no filter rules' && decision.by !== `:${hook} ACCEPT`) note(w.journey, ns, ctx.packet, { step: STEP_OF[hook], iface, says: `filter ${hook} accepts (${ctx.ct})`, by: decision.by });
    return true;
  }
  return dropAt(w.journey, ns, ctx.packet, { step: STEP_OF[hook], iface, says: `filter ${hook} ${decision.verdict === 'REJECT' ? 'rejects' : 'drops'} it (${ctx.ct})`, by: decision.by });
}

/** The rp_filter mode on an interface: the larger of `all` and the interface's own; null when not known. */
function rpFilterMode(ns: Namespace, iface: string): number | null {
  if (!ns.sysctls) return null;
  const rp = ns.sysctls.rpFilter;
  if (!rp) return 0;
  return Math.max(rp.all, rp.interfaces[iface] ?? rp.default);
}

/** Why rp_filter in `mode` would drop the packet, or null when it lets it in. */
function rpFilterRefusal(w: Walker, ns: Namespace, ctx: MatchContext, mode: number): { says: string; route: string | null } | null {
  const inIface = ctx.in!;
  const src = ctx.packet.src!;
  const back = lookupRoute(ns, ctx.packet.dst, src, inIface, (rule, assumed) => assume(w.journey, ns, rule, assumed));
  if (back.kind !== 'route') return { says: `rp_filter: no route back to ${src}`, route: null };
  if (mode === 1 && back.choice.dev !== inIface) {
    return { says: `rp_filter strict: the route back to ${src} leaves by ${back.choice.dev ?? '(none)'}, not by ${inIface}`, route: back.choice.text };
  }
  return null;
}

/**
 * Reverse-path filtering of a packet that came in by an interface: strict (1) wants the route back to the
 * source to leave by that interface, loose (2) wants some route back. Where the sysctls are not known (a
 * desired network, or a probe that does not read them), off is assumed, and said when strict would drop.
 */
export function passRpFilter(w: Walker, ns: Namespace, ctx: MatchContext): boolean {
  const inIface = ctx.in!;
  if (ctx.packet.src === null || inIface === 'lo') return true;
  const mode = rpFilterMode(ns, inIface);
  if (mode === null) {
    const strict = rpFilterRefusal(w, ns, ctx, 1);
    if (strict) assume(w.journey, ns, `net.ipv4.conf.${inIface}.rp_filter`, `rp_filter is not known here: assumed off; strict, it would drop the packet (${strict.says})`);
    return true;
  }
  if (mode === 0) return true;
  const refusal = rpFilterRefusal(w, ns, ctx, mode);
  if (!refusal) return true;
  const by = `net.ipv4.conf.${inIface}.rp_filter = ${mode} (all = ${ns.sysctls!.rpFilter!.all})`;
  return dropAt(w.journey, ns, ctx.packet, { step: 'rp_filter', iface: inIface, says: refusal.says, by: refusal.route ? `${by}; ${refusal.route}` : by });
}

/** ip_forward (IPv4) or net.ipv6.conf.all.forwarding. */
export function passForwarding(w: Walker, ns: Namespace, ctx: MatchContext): boolean {
  const v6 = ctx.packet.family === 6;
  const on = v6 ? ns.sysctls?.ipv6Forwarding ?? ns.forwarding : ns.forwarding;
  if (on) return true;
  const by = v6 ? 'net.ipv6.conf.all.forwarding = 0' : 'net.ipv4.ip_forward = 0';
  return dropAt(w.journey, ns, ctx.packet, { step: 'ip_forward', iface: ctx.in, says: `${ns.name} does not forward`, by });
}
