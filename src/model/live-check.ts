// What a live check found (`vnet trace --live`, `vnet test`, the extension's Testing view): the real packet
// sent on the host, whether reality agrees with the trace's prediction, and on disagreement what the
// kernel's own route lookups say. Plain data (it is the `live` object of `vnet trace --json`,
// docs/trace.md), and its wording, written once here for every face.

export interface LiveEndpoint {
  host: string;
  namespace: string;
}

/** What `ip route get DEST` said in one namespace of the path, beside the route the model took there. */
export interface LiveRoute extends LiveEndpoint {
  direction: 'request' | 'reply';
  destination: string;
  /** The kernel's answer, first line, as `ip route get` prints it (or its error). */
  kernel: string;
  /** The kernel's out interface, `local` for local delivery, or null when it has no route. */
  kernelDevice: string | null;
  /** The model's out interface in this namespace (`local` for local delivery), or null when it has no route (or took none here). */
  modelDevice: string | null;
  /** The route the model used, quoted, when there is one. */
  modelRoute: string | null;
  /** Whether both send the packet the same way (or both have no route); null when the model took no route here. */
  agrees: boolean | null;
}

export interface LiveCheck {
  /** False when the packet could not be sent at all (an outside source): then `notSent` says why. */
  sent: boolean;
  notSent: string | null;
  /** The namespace the packet was sent from. */
  from: LiveEndpoint | null;
  protocol: 'icmp' | 'tcp' | 'udp';
  /** The address and port the packet was sent to (the question's, before any NAT). */
  to: { address: string; port: number | null };
  /** The listener VNet started for tcp/udp (`started`), found there already (`already`), or none (icmp, or no namespace of the host holds the destination). */
  listener: { state: 'started' | 'already'; host: string; namespace: string; port: number } | null;
  /** Whether the real round trip worked; null when it was not sent or cannot be told. */
  reachable: boolean | null;
  /** Where VNet's own listener saw the packet arrive, when it did (the address is null when a UDP listener had to listen on every address). */
  landedOn: (LiveEndpoint & { address: string | null; port: number }) | null;
  /** What was observed, in words: `ping: 3 of 3 answered`, `tcp: connection refused`. */
  evidence: string;
  /** The static prediction: the trace's `reachable`. */
  predicted: boolean;
  /** Reality agrees with the prediction; null when it was not sent or cannot be told. */
  agrees: boolean | null;
  /** On disagreement: `ip route get` in each namespace of the trace's path. */
  routes: LiveRoute[];
  /** On disagreement: which step of the model was wrong, as far as the host shows it. */
  wrongStep: string | null;
}

function where(endpoint: LiveEndpoint, withHost: boolean): string {
  return withHost ? `${endpoint.host}/${endpoint.namespace}` : endpoint.namespace;
}

/** One line: `live: reachable (ping: 3 of 3 answered), as predicted`. */
export function liveVerdictLine(live: LiveCheck): string {
  if (!live.sent) return `live: not sent: ${live.notSent}`;
  const real = live.reachable === null ? 'cannot tell' : live.reachable ? 'reachable' : 'not reachable';
  const agreement = live.agrees === null ? 'so it cannot be compared with the prediction'
    : live.agrees ? 'as predicted' : `but the trace predicted ${live.predicted ? 'reachable' : 'not reachable'}`;
  return `live: ${real} (${live.evidence}), ${agreement}`;
}

/** The live part of `vnet trace --live` in words: what was sent, what came of it, and on disagreement why. */
export function renderLiveCheck(live: LiveCheck): string {
  const lines = ['live check:'];
  const withHost = live.from !== null && live.listener !== null && live.from.host !== live.listener.host;
  if (live.sent && live.from) {
    const port = live.to.port === null ? '' : `:${live.to.port}`;
    lines.push(`  sent ${live.protocol} from ${where(live.from, withHost)} to ${live.to.address}${port}`);
  }
  if (live.listener) {
    const how = live.listener.state === 'started' ? 'VNet listened' : 'something already listened';
    lines.push(`  ${how} on ${live.protocol} ${live.listener.port} in ${where(live.listener, withHost)}`);
  }
  if (live.landedOn) {
    const at = live.landedOn.address === null ? `port ${live.landedOn.port}` : `${live.landedOn.address}:${live.landedOn.port}`;
    lines.push(`  landed in ${where(live.landedOn, withHost)} at ${at}`);
  }
  for (const route of live.routes) {
    const model = route.modelDevice !== null ? `model: ${route.modelDevice === 'local' ? 'local' : `dev ${route.modelDevice}`}`
      : route.agrees === null ? 'no route taken by the model' : 'model: no route';
    const mark = route.agrees === false ? '  ✗' : '';
    lines.push(`  ${route.direction} ${where(route, withHost)}: ip route get ${route.destination} → ${route.kernel}  (${model})${mark}`);
  }
  if (live.wrongStep) lines.push(`  ${live.wrongStep}`);
  lines.push(liveVerdictLine(live));
  return `${lines.join('\n')}\n`;
}
