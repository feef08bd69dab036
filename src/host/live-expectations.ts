// Checks every expectation of a lab on its host(s) (`vnet test`, the extension's Testing view): the trace
// engine's verdict on the file's own network, then the real packet (live-check.ts), one expectation at a
// time so that two checks never share a port or a listener.

import { parseIp } from '../model/cidr';
import { isVnetError } from '../model/errors';
import type { Expectation } from '../model/expectation';
import { liveResultOf, type ExpectationRun } from '../model/expectation-run';
import type { Lab } from '../model/topology';
import { judgeExpectation } from '../trace/index';
import { checkLive, type LiveHost } from './live-check';
import { probeHost } from './probe';

export interface ExpectationCheckOptions {
  signal?: AbortSignal;
  /** Called as each expectation is done, for progress. */
  onRun?: (run: ExpectationRun) => void;
}

/** One expectation: predicted on the lab's network, then sent on its host. */
export async function checkExpectation(lab: Lab, expectation: Expectation, hosts: readonly LiveHost[], signal?: AbortSignal): Promise<ExpectationRun> {
  const verdict = judgeExpectation(lab, expectation);
  const predicted = { outcome: verdict.outcome, why: verdict.why };
  if (!verdict.trace) {
    // An outside source the file cannot bring in (it declares no way in) is not sent from the host anyway.
    if (parseIp(expectation.from)) return { expectation, predicted, live: null, result: 'not-checked', why: `${expectation.from} is outside the host: VNet cannot send from there. Check it from that machine.` };
    return { expectation, predicted, live: null, result: 'fail', why: verdict.why };
  }
  try {
    const live = await checkLive(verdict.trace, hosts, { signal, landing: expectation.landsOn });
    return { expectation, predicted, live, ...liveResultOf(expectation, live) };
  } catch (error) {
    // A question this check cannot ask (a namespace to listen in that is not there…) fails this
    // expectation; a host that cannot be reached ends the whole run with its own error.
    if (isVnetError(error) && error.code.startsWith('VN-LIVE-')) return { expectation, predicted, live: null, result: 'fail', why: error.message };
    throw error;
  }
}

/**
 * The hosts as they really are, read once when a first expectation fails: the trace on them says why the
 * real packet did what it did (a link down, a rule), where the file's own network cannot.
 */
class HostsAsTheyAre {
  private read: Promise<Lab | null> | null = null;

  constructor(private readonly lab: Lab, private readonly hosts: readonly LiveHost[], private readonly signal?: AbortSignal) {}

  async explain(expectation: Expectation): Promise<string | null> {
    this.read ??= Promise.all(this.hosts.map((h) => probeHost(h.transport, { signal: this.signal })))
      .then((topologies): Lab => ({ name: this.lab.name, hosts: this.hosts.map((h, i) => ({ name: h.name, target: null, topology: topologies[i] })) }))
      .catch(() => null);
    const live = await this.read;
    if (!live) return null;
    const verdict = judgeExpectation(live, expectation);
    return verdict.trace && verdict.outcome !== 'holds' && verdict.why ? `on the host as it is, ${verdict.why}` : null;
  }
}

/** Every expectation of the lab, in file order. */
export async function checkExpectations(lab: Lab, hosts: readonly LiveHost[], options: ExpectationCheckOptions = {}): Promise<ExpectationRun[]> {
  const runs: ExpectationRun[] = [];
  const asTheyAre = new HostsAsTheyAre(lab, hosts, options.signal);
  for (const expectation of lab.expectations ?? []) {
    options.signal?.throwIfAborted();
    const run = await checkExpectation(lab, expectation, hosts, options.signal);
    const why = run.result === 'fail' && run.live?.sent ? await asTheyAre.explain(expectation) : null;
    if (why) run.why = `${run.why ?? 'it fails'}: ${why}`;
    runs.push(run);
    options.onRun?.(run);
  }
  return runs;
}
