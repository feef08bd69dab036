// What the local and the ssh transport share: run one argv with a script on stdin, or stream one, and turn
// the outcome into an ExecResult or a VnetError.

import { VnetError } from '../model/errors';
import { runProcess, streamProcess, type ProcessOutcome } from './process';
import { classifyFailure } from './ssh-errors';
import type { ByteStreamOptions, ExecOptions, ExecResult, StreamHandle } from './transport';
import { streamInput } from './remote-wrapper';

export interface CallContext {
  target: string;
  host: string;
  port: number | null;
  overSsh: boolean;
  connectTimeoutSec: number;
  /** Used when the caller gives no timeoutMs: every call is bounded. */
  defaultTimeoutMs: number;
  log?: (line: string) => void;
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 120_000;

function summarize(script: string): string {
  const lines = script.split('\n').filter((l) => l.trim() && !l.trim().startsWith('#'));
  return `${lines.length} line${lines.length === 1 ? '' : 's'}, ${Buffer.byteLength(script)} bytes`;
}

function toResult(context: CallContext, outcome: ProcessOutcome, timeoutMs: number, file: string, producedOutput: boolean): ExecResult {
  if (outcome.canceled) throw new VnetError('VN-CANCELLED', `The call to "${context.target}" was cancelled.`);
  if (outcome.spawnError) {
    throw new VnetError('VN-LOCAL-TOOL', `Cannot run ${file} on this machine (${outcome.spawnError}).${file === 'ssh' ? ' Install the OpenSSH client.' : ''}`);
  }
  if (outcome.exitCode !== 0 || outcome.timedOut) {
    const error = classifyFailure({
      target: context.target,
      host: context.host,
      port: context.port,
      exitCode: outcome.exitCode,
      stderr: outcome.stderr,
      timedOut: outcome.timedOut,
      timeoutMs,
      connectTimeoutSec: context.connectTimeoutSec,
      overSsh: context.overSsh,
      producedOutput,
    });
    if (error) throw error;
  }
  return { stdout: outcome.stdout, stderr: outcome.stderr, exitCode: outcome.exitCode };
}

export async function callScript(context: CallContext, file: string, args: string[], script: string, options: ExecOptions = {}): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? context.defaultTimeoutMs;
  (options.log ?? context.log)?.(`${context.target}: ${file} ${args.length > 3 ? '…' : args.join(' ')} <<script (${summarize(script)})`);
  let producedOutput = false;
  const onStdoutLine = options.onStdoutLine;
  const outcome = await runProcess(file, args, {
    input: script, signal: options.signal, timeoutMs,
    ...(onStdoutLine ? { onStdoutLine: (line: string) => { producedOutput = true; onStdoutLine(line); } } : {}),
  });
  return toResult(context, outcome, timeoutMs, file, producedOutput || outcome.stdout.length > 0);
}

export function callStream(
  context: CallContext,
  file: string,
  args: string[],
  script: string,
  onLine: (line: string) => void,
  options: ExecOptions = {},
): StreamHandle {
  return startStream(context, file, args, script, { onLine }, options);
}

/** Like callStream, with stdout handed over as raw bytes (a packet capture) and stderr line by line. */
export function callByteStream(
  context: CallContext,
  file: string,
  args: string[],
  script: string,
  onData: (chunk: Buffer) => void,
  options: ByteStreamOptions = {},
): StreamHandle {
  return startStream(context, file, args, script, { onLine: () => undefined, onData, onStderrLine: options.onStderrLine }, options);
}

interface StreamSink {
  onLine: (line: string) => void;
  onData?: (chunk: Buffer) => void;
  onStderrLine?: (line: string) => void;
}

function startStream(context: CallContext, file: string, args: string[], script: string, sink: StreamSink, options: ExecOptions): StreamHandle {
  (options.log ?? context.log)?.(`${context.target}: stream ${file} <<script (${summarize(script)})`);
  let producedOutput = false;
  const handle = streamProcess(file, args, {
    input: streamInput(script),
    signal: options.signal,
    idleTimeoutMs: options.timeoutMs,
    onLine: (line) => { producedOutput = true; sink.onLine(line); },
    ...(sink.onData ? { onData: (chunk: Buffer) => { producedOutput = true; sink.onData?.(chunk); } } : {}),
    onStderrLine: sink.onStderrLine,
  });
  const done = handle.done.then((outcome) => {
    // A stop() is the normal end of a stream, not an error.
    if (outcome.canceled) return { stdout: '', stderr: outcome.stderr, exitCode: outcome.exitCode };
    return toResult(context, outcome, options.timeoutMs ?? 0, file, producedOutput);
  });
  return { done, stop: () => handle.stop() };
}
