// Judges an expectation of a lab file against a network with the trace engine: does the network do what
// the file claims? Uncertain traces are neither pass nor fail: they say what the engine assumed.

import type { Expectation } from '../model/expectation';
import type { Lab, Topology } from '../model/topology';
import { trace } from './trace';
import type { TraceResult } from './types';

export type ExpectationOutcome = 'holds' | 'fails' | 'uncertain';

export interface ExpectationVerdict {
  expectation: Expectation;
  outcome: ExpectationOutcome;
  /** Why it fails or is uncertain, in one sentence; null when it holds. */
  why: string | null;
  /** The trace behind the verdict; null when the question itself is wrong (unknown namespace…). */
  trace: TraceResult | null;
}

function landedWrong(expectation: Expectation, result: TraceResult): string | null {
  const want = expectation.landsOn;
  const got = result.deliveredTo;
  if (!want || !got) return null;
  const namespaceDiffers = got.namespace !== want.namespace && `${got.host}/${got.namespace}` !== want.namespace;
  const portDiffers = want.port !== null && got.port !== want.port;
  if (!namespaceDiffers && !portDiffers) return null;
  const where = `${got.namespace}${got.port === null ? '' : `:${got.port}`}`;
  return `it lands on ${where}, not on ${want.namespace}${want.port === null ? '' : `:${want.port}`}`;
}

function dropWhy(result: TraceResult): string {
  const drop = result.drop;
  if (!drop) return 'the round trip does not complete';
  const at = drop.interface ? `${drop.namespace} (${drop.interface})` : drop.namespace;
  return `${drop.direction === 'reply' ? 'the reply is' : 'it is'} dropped in ${at}: ${drop.reason}`;
}

function judgeTrace(expectation: Expectation, result: TraceResult): Omit<ExpectationVerdict, 'expectation' | 'trace'> {
  if (result.uncertain) {
    const first = result.assumptions[0];
    return { outcome: 'uncertain', why: first ? `uncertain: ${first.rule} (assumed ${first.assumed})` : 'uncertain' };
  }
  if (expectation.reaches) {
    if (!result.reachable) return { outcome: 'fails', why: dropWhy(result) };
    const wrong = landedWrong(expectation, result);
    return wrong ? { outcome: 'fails', why: wrong } : { outcome: 'holds', why: null };
  }
  if (result.reachable) return { outcome: 'fails', why: `it gets through, to ${result.deliveredTo ? `${result.deliveredTo.namespace} ${result.deliveredTo.address}` : result.question.toAddress}` };
  return { outcome: 'holds', why: null };
}

export function judgeExpectation(network: Topology | Lab, expectation: Expectation): ExpectationVerdict {
  let result: TraceResult;
  try {
    result = trace(network, { from: expectation.from, to: expectation.to, protocol: expectation.protocol, port: expectation.port });
  } catch (error) {
    return { expectation, outcome: 'fails', why: (error as Error).message, trace: null };
  }
  return { expectation, trace: result, ...judgeTrace(expectation, result) };
}
