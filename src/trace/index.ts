// The trace engine: pure functions of a Topology (or a Lab) and a question (docs/trace.md).

export { trace } from './trace';
export { renderTrace } from './render';
export type { TraceQuestion, TraceResult, TraceHop, TraceDrop, TraceDelivery, TraceAssumption, TraceProtocol } from './types';
export { judgeExpectation } from './expectation-verdict';
export type { ExpectationVerdict, ExpectationOutcome } from './expectation-verdict';
