// Judges a file's expectations against its own desired network with the trace engine, remembering the
// verdicts: while the network stays the same (an edit to a comment, to an expect line, to formatting)
// only expectations not asked before are traced again. A change to the network forgets every verdict,
// since any namespace, route or rule may be on any path.

import type { Expectation } from '../model/expectation';
import type { Lab } from '../model/topology';
import { judgeExpectation, type ExpectationVerdict } from '../trace/index';

/** Past this many remembered questions of one network, the oldest are forgotten. */
const MAX_REMEMBERED = 2000;

/** The question and claim of an expectation, without where it is written. */
function questionKey(e: Expectation): string {
  return JSON.stringify([e.from, e.to, e.protocol, e.port, e.reaches, e.landsOn?.namespace ?? null, e.landsOn?.port ?? null]);
}

export class ExpectationJudge {
  private network: string | null = null;
  private readonly verdicts = new Map<string, ExpectationVerdict>();
  /** How many traces ran, for tests and the benchmark. */
  traced = 0;

  judge(lab: Lab, expectations: readonly Expectation[]): ExpectationVerdict[] {
    if (expectations.length === 0) return [];
    const network = JSON.stringify(lab.hosts);
    if (network !== this.network) {
      this.network = network;
      this.verdicts.clear();
    }
    return expectations.map((expectation) => {
      const key = questionKey(expectation);
      let verdict = this.verdicts.get(key);
      if (!verdict) {
        verdict = judgeExpectation(lab, expectation);
        this.traced++;
        if (this.verdicts.size >= MAX_REMEMBERED) this.verdicts.delete(this.verdicts.keys().next().value!);
        this.verdicts.set(key, verdict);
      }
      return verdict.expectation === expectation ? verdict : { ...verdict, expectation };
    });
  }
}
