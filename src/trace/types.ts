// The question a trace answers and the shape of its answer live in src/model (plain data, which the
// webview protocol carries too); the engine's files name them from here.

export type {
  TraceQuestion, TraceStep, TraceHop, TraceDrop, TraceDelivery, TraceAssumption, TraceResult, TraceProtocol, TraceLatency,
} from '../model/trace-result';
