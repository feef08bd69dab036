// Judges a file's expectations against its own desired network with the trace engine, remembering the
// verdicts: while the network stays the same (an edit to a comment or to an expect line) only
// expectations not asked before are traced again, and the network is not even lowered. A change to the
// network forgets every verdict, since any namespace, route or rule may be on any path. Each trace runs on
// the part of the network its question can touch (expect-scope.ts).

import type { Expectation } from '../model/expectation';
import type { Lab } from '../model/topology';
import { judgeExpectation, type ExpectationVerdict } from '../trace/index';
import { NetworkScope } from './expect-scope';
import type { VnetModel } from './model';

/** Past this many remembered questions of one network, the oldest are forgotten. */
const MAX_REMEMBERED = 2000;

/** The question and claim of an expectation, without where it is written. */
function questionKey(e: Expectation): string {
  return JSON.stringify([e.from, e.to, e.protocol, e.port, e.reaches, e.landsOn?.namespace ?? null, e.landsOn?.port ?? null]);
}

/**
 * What the network of a file is made of: its text without the expect statements and comments. The same
 * text lowers to the same network, so an equal key means every verdict still stands.
 */
export function networkKeyOf(model: VnetModel): string {
  const cuts = [...model.expectations.map((e) => e.node.span), ...model.syntax.comments].sort((a, b) => a.start - b.start);
  let key = '';
  let at = 0;
  for (const cut of cuts) {
    if (cut.start < at) continue;
    key += model.text.slice(at, cut.start);
    at = cut.end;
  }
  return key + model.text.slice(at);
}

export class ExpectationJudge {
  private network: string | null = null;
  /** The network of `network`, indexed to give each question its part; made when first needed. */
  private scope: NetworkScope | null = null;
  private readonly verdicts = new Map<string, ExpectationVerdict>();
  /** How many traces ran, for tests and the benchmark. */
  traced = 0;

  /**
   * The verdict of each expectation. `networkKey` identifies the network (networkKeyOf, or the lab as
   * JSON by default); `network` gives it, and is asked only when something must be traced.
   */
  judge(network: Lab | (() => Lab), expectations: readonly Expectation[], networkKey?: string): ExpectationVerdict[] {
    if (expectations.length === 0) return [];
    const key = networkKey ?? JSON.stringify((typeof network === 'function' ? network() : network).hosts);
    if (key !== this.network) {
      this.network = key;
      this.scope = null;
      this.verdicts.clear();
    }
    const missing = expectations.filter((e) => !this.verdicts.has(questionKey(e)));
    if (missing.length) {
      this.scope ??= new NetworkScope(typeof network === 'function' ? network() : network);
      for (const expectation of missing) {
        const questioned = questionKey(expectation);
        if (this.verdicts.has(questioned)) continue;
        this.traced++;
        if (this.verdicts.size >= MAX_REMEMBERED) this.verdicts.delete(this.verdicts.keys().next().value!);
        this.verdicts.set(questioned, judgeExpectation(this.scope.forQuestions([expectation]), expectation));
      }
    }
    return expectations.map((expectation) => {
      const verdict = this.verdicts.get(questionKey(expectation))!;
      return verdict.expectation === expectation ? verdict : { ...verdict, expectation };
    });
  }
}
