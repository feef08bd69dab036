// The live check of a trace (`vnet trace --live`, `vnet test`): sends the real packet from inside the source
// namespace — a bounded ping, or one TCP connect / UDP round trip to a short-lived listener VNet starts
// where the trace says the packet lands (unless something already listens there) — and says whether
// reality agrees with the prediction. On disagreement it asks the kernel (`ip route get`) in each
// namespace of the path and names the step the model got wrong. Traffic goes only to the question's
// address; an outside source cannot be sent from the host, and says so.

import { canonicalIp, parseIp } from '../model/cidr';
import { VnetError } from '../model/errors';
import type { LiveCheck, LiveEndpoint } from '../model/live-check';
import type { TraceResult } from '../trace/index';
import { holderOf, landingOf, liveRoute, routeQueriesOf, wrongStepOf, type Landing, type LiveHostModel } from './live-path';
import { listenerScript, parseRouteGets, routeGetScript, senderScript, LISTENER_WAIT_SEC, SENDER_WAIT_SEC } from './live-script';
import { startListener, type Listener } from './live-listener';
import { readSenderOutput, type SenderOutcome } from './live-sender';
import type { Transport } from './transport';

export interface LiveHost extends LiveHostModel {
  transport: Transport;
}

export interface LiveCheckOptions {
  signal?: AbortSignal;
  /** Where the listener waits instead of where the trace lands: an expectation's `lands on NS[:PORT]`. */
  landing?: { namespace: string; port: number | null } | null;
}

/** The longest a sender's script may take, connection included. */
const SENDER_CALL_MS = (SENDER_WAIT_SEC + 30) * 1000;

function hostOf(hosts: readonly LiveHost[], name: string): LiveHost {
  const host = hosts.find((h) => h.name === name);
  if (!host) throw new VnetError('VN-LIVE-HOST', `The trace passes host ${name}, which this check cannot reach. Give its ssh target in the file.`);
  return host;
}

function sourceOf(result: TraceResult, hosts: readonly LiveHost[]): { host: LiveHost; endpoint: LiveEndpoint } {
  const first = result.hops[0];
  if (!first) throw new VnetError('VN-LIVE-SOURCE', `The trace of ${result.question.from} has no first hop to send from.`);
  const host = hostOf(hosts, first.host);
  if (!host.topology.namespaces.some((n) => n.name === first.namespace)) {
    throw new VnetError('VN-LIVE-SOURCE', `Namespace ${first.namespace} is not on host ${host.name}. Read the host again and retry.`);
  }
  return { host, endpoint: { host: host.name, namespace: first.namespace } };
}

/** An expectation's `lands on NS[:PORT]` (NS or HOST/NS), else where the trace says the packet lands. */
function chosenLanding(result: TraceResult, hosts: readonly LiveHost[], wanted: LiveCheckOptions['landing']): Landing | null {
  const traced = landingOf(result, hosts);
  if (!wanted || result.question.protocol === 'icmp') return traced;
  const slash = wanted.namespace.indexOf('/');
  const [hostName, nsName] = slash > 0 ? [wanted.namespace.slice(0, slash), wanted.namespace.slice(slash + 1)] : [null, wanted.namespace];
  for (const host of hosts) {
    if (hostName !== null && host.name !== hostName) continue;
    const ns = host.topology.namespaces.find((n) => n.name === nsName);
    const port = wanted.port ?? traced?.port ?? result.question.port;
    const address = traced && traced.host === host.name && traced.ns.name === ns?.name ? traced.address : null;
    if (ns && port !== null) return { host: host.name, ns, address, port };
  }
  throw new VnetError('VN-LIVE-LANDING', `No host of the network has namespace ${wanted.namespace} to listen in. Check the expectation's "lands on".`);
}

function notSent(result: TraceResult, why: string): LiveCheck {
  const q = result.question;
  return {
    sent: false, notSent: why, from: null, protocol: q.protocol, to: { address: q.toAddress, port: q.port }, listener: null,
    reachable: null, landedOn: null, evidence: 'not sent', predicted: result.reachable, agrees: null, routes: [], wrongStep: null,
  };
}

async function send(result: TraceResult, source: { host: LiveHost; endpoint: LiveEndpoint }, signal?: AbortSignal): Promise<SenderOutcome> {
  const q = result.question;
  const ns = source.host.topology.namespaces.find((n) => n.name === source.endpoint.namespace)!;
  const bindTo = parseIp(q.from) ? q.from : null;
  const script = senderScript(ns, q.protocol, q.toAddress, q.port, bindTo);
  const output = await source.host.transport.runScript(script, { signal, timeoutMs: SENDER_CALL_MS });
  return readSenderOutput(q.protocol, output);
}

/** An address no namespace of the network holds: the packet would come from another machine. */
function isOutside(from: string, hosts: readonly LiveHost[]): boolean {
  return parseIp(from) !== null && !hosts.some((h) => holderOf(h.topology, canonicalIp(from)));
}

/** Sends the real packet for a trace and compares what happens with the trace's prediction. */
export async function checkLive(result: TraceResult, hosts: readonly LiveHost[], options: LiveCheckOptions = {}): Promise<LiveCheck> {
  const q = result.question;
  if (isOutside(q.from, hosts)) {
    return notSent(result, `${q.from} is outside the host, and VNet sends only from the host's own namespaces. Send it from that machine, or trace from a namespace.`);
  }
  const source = sourceOf(result, hosts);
  const landing = chosenLanding(result, hosts, options.landing);
  let listener: Listener | null = null;
  let seen: Observation;
  try {
    if (landing && q.protocol !== 'icmp') {
      const script = listenerScript(landing.ns, q.protocol, landing.port, parseIp(q.toAddress)!.family, landing.address);
      listener = await startListener(hostOf(hosts, landing.host).transport, script, { signal: options.signal, waitSec: LISTENER_WAIT_SEC });
    }
    const sent = await send(result, source, options.signal);
    const heard = listener ? await listener.heard() : null;
    seen = { source: source.endpoint, landing, listener: listener?.state ?? null, sent, heard };
  } finally {
    // Before anything else runs on the host: nothing of the check outlives its packet.
    await listener?.stop();
  }
  return judged(result, hosts, seen, options.signal);
}

interface Observation {
  source: LiveEndpoint;
  landing: Landing | null;
  listener: Listener['state'] | null;
  sent: SenderOutcome;
  /** What VNet's own listener received: the local address (null when it cannot tell) and port. */
  heard: { address: string | null; port: number } | null;
}

/**
 * What the sender's outcome says about the round trip, given the listener. Without a listener of VNet's
 * there, silence or a TCP reset does not tell a closed port from a blocked path: a UDP port something
 * else holds need not answer, and at an address outside the host VNet cannot listen at all.
 */
export function observedReachability(protocol: 'icmp' | 'tcp' | 'udp', sent: SenderOutcome, listener: 'started' | 'already' | null): { reachable: boolean | null; evidence: string } {
  if (protocol === 'icmp' || sent.reachable || listener === 'started') return { reachable: sent.reachable, evidence: sent.evidence };
  if (listener === 'already' && protocol === 'udp' && sent.silent) {
    return { reachable: null, evidence: `${sent.evidence}, and what already listens there need not answer` };
  }
  if (listener === null && (sent.silent || /refused/i.test(sent.evidence))) {
    return { reachable: null, evidence: `${sent.evidence}, and VNet cannot listen at an address outside the host to tell a closed port from a blocked path` };
  }
  return { reachable: sent.reachable, evidence: sent.evidence };
}

async function judged(result: TraceResult, hosts: readonly LiveHost[], seen: Observation, signal?: AbortSignal): Promise<LiveCheck> {
  const q = result.question;
  const ours = seen.listener === 'started';
  const landedOn = ours && seen.heard && seen.landing
    ? { host: seen.landing.host, namespace: seen.landing.ns.name, address: seen.heard.address, port: seen.heard.port } : null;
  const told = observedReachability(q.protocol, seen.sent, seen.listener);
  const reachable = told.reachable;
  let evidence = told.evidence;
  // Through, but not to VNet's listener: it landed somewhere else than predicted.
  const elsewhere = reachable === true && ours && !landedOn;
  if (elsewhere) evidence += `, but not to VNet's listener in ${seen.landing!.ns.name}`;
  const agrees = reachable === null ? null : reachable === result.reachable && !elsewhere;
  const check: LiveCheck = {
    sent: true, notSent: null, from: seen.source, protocol: q.protocol, to: { address: q.toAddress, port: q.port },
    listener: seen.listener && seen.landing
      ? { state: seen.listener, host: seen.landing.host, namespace: seen.landing.ns.name, port: seen.landing.port } : null,
    reachable, landedOn, evidence, predicted: result.reachable, agrees, routes: [], wrongStep: null,
  };
  if (agrees === false) await explain(check, result, hosts, signal);
  return check;
}

/** Asks the kernel for its route in each namespace of the path (one script per host) and says what differs. */
async function explain(check: LiveCheck, result: TraceResult, hosts: readonly LiveHost[], signal?: AbortSignal): Promise<void> {
  const queries = routeQueriesOf(result, hosts);
  const byHost = [...new Set(queries.map((query) => query.host))];
  const answers = new Map<(typeof queries)[number], string>();
  await Promise.all(byHost.map(async (name) => {
    const mine = queries.filter((query) => query.host === name);
    const output = await hostOf(hosts, name).transport.runScript(routeGetScript(mine), { signal, timeoutMs: SENDER_CALL_MS });
    parseRouteGets(output.stdout, mine.length).forEach((answer, i) => answers.set(mine[i], answer));
  }));
  check.routes = queries.map((query) => liveRoute(query, answers.get(query) ?? 'no answer'));
  check.wrongStep = wrongStepOf(result, check.routes, check.reachable === true);
}
