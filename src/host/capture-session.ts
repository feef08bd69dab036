// A capture on one or more interfaces of a host at once: one stream and one file each, bounded by a packet
// count (tcpdump -c, per interface), a duration, a stop() or a signal. Stopping asks each tcpdump to end
// (so it hands over what it holds), ends any stream that does not end by itself, and then checks on the
// host that none of them is left running, killing any that is.

import { VnetError } from '../model/errors';
import { captureFileNames, capturePointLabel, type CapturePoint } from '../model/capture';
import { captureStopScript, captureSweepScript, checkCaptureRequest, parseSweep } from './capture-script';
import { capturePoint, type PointCapture, type PointCaptureResult } from './capture-stream';
import type { Transport } from './transport';

export interface CaptureOptions {
  /** A tcpdump filter (checked by checkCaptureFilter). */
  filter?: string;
  /** Each interface stops after this many packets. */
  count?: number;
  /** The whole capture stops after this many seconds. */
  durationSec?: number;
  /** Aborting stops the capture, as stop() does. */
  signal?: AbortSignal;
  /** Called as packets arrive, with the count of each interface in the order of the points. */
  onPackets?: (counts: readonly number[]) => void;
  log?: (line: string) => void;
  /** How long stopped tcpdumps get to hand over what they hold before their streams are cut. Default 3 s. */
  graceMs?: number;
}

/** `count`: every tcpdump reached its count; `ended`: the streams ended by themselves (an interface went away). */
export type CaptureEnd = 'count' | 'duration' | 'stopped' | 'ended';

export interface CaptureResult {
  points: PointCaptureResult[];
  /** What ended the capture. */
  end: CaptureEnd;
  /** tcpdumps still running on the host after their streams ended; each was killed. Empty normally. */
  leftOver: number[];
}

export interface CaptureSession {
  readonly points: readonly PointCapture[];
  /** Resolves once every tcpdump listens (or has already ended). */
  readonly listening: Promise<void>;
  /** Ends the capture gently (tcpdump flushes); `now` cuts the streams at once instead. */
  stop(options?: { now?: boolean }): void;
  /** Resolves when every stream has ended, every file is complete, and the host has been checked. */
  readonly done: Promise<CaptureResult>;
}

const STOP_SCRIPT_TIMEOUT_MS = 10_000;

function settle<T>(promise: Promise<T>): Promise<void> {
  return promise.then(() => undefined, () => undefined);
}

/**
 * Starts capturing on every point into its own file: `file` itself for one point, `BASE-NS-IFACE.pcap`
 * for several (captureFileNames).
 */
export function startCapture(transport: Transport, points: readonly CapturePoint[], file: string, options: CaptureOptions = {}): CaptureSession {
  if (points.length === 0) throw new VnetError('VN-CAPTURE-NONE', 'Name at least one interface to capture on (NS:IFACE).');
  for (const point of points) checkCaptureRequest(point, options);
  if (options.durationSec !== undefined && !(options.durationSec > 0)) {
    throw new VnetError('VN-CAPTURE-DURATION', `A capture duration is a number of seconds above 0, not ${options.durationSec}.`);
  }
  const files = captureFileNames(file, points);
  const counts = points.map(() => 0);
  const captures = points.map((point, i) => capturePoint(transport, point, files[i], {
    filter: options.filter,
    count: options.count,
    log: options.log,
    onPackets: (packets) => { counts[i] = packets; options.onPackets?.(counts); },
  }));
  let end: CaptureEnd = options.count !== undefined ? 'count' : 'ended';
  let stopping: Promise<void> | null = null;
  const ended = Promise.all(captures.map((capture) => settle(capture.done))).then(() => undefined);
  const stopped = () => end === 'duration' || end === 'stopped';

  const stop = (stopOptions: { now?: boolean } = {}) => {
    if (stopOptions.now) { for (const capture of captures) capture.stopNow(); }
    stopping ??= stopGently(transport, captures, ended, options);
  };
  const durationTimer = options.durationSec !== undefined
    ? setTimeout(() => { if (!stopped()) end = 'duration'; stop(); }, options.durationSec * 1000) : undefined;
  const onAbort = () => { if (!stopped()) end = 'stopped'; stop(); };
  // One interface failing (its namespace went away, a bad filter) ends the others too.
  for (const capture of captures) capture.done.catch(() => stop());
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const done = (async (): Promise<CaptureResult> => {
    try {
      await ended;
    } finally {
      clearTimeout(durationTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (stopping) await stopping;
    const leftOver = await sweep(transport, captures, options.log);
    const results = await Promise.all(captures.map((capture) => capture.done));
    return { points: results, end, leftOver };
  })();
  return {
    points: captures,
    listening: Promise.all(captures.map((capture) => capture.listening)).then(() => undefined),
    stop: (stopOptions) => { if (!stopped()) end = 'stopped'; stop(stopOptions); },
    done,
  };
}

/** SIGTERM to each tcpdump; streams that have not ended after the grace time are cut. */
async function stopGently(transport: Transport, captures: readonly PointCapture[], ended: Promise<void>, options: CaptureOptions): Promise<void> {
  const pids = captures.map((capture) => capture.pid).filter((pid): pid is number => pid !== null);
  if (pids.length) {
    await transport.runScript(captureStopScript(pids), { timeoutMs: STOP_SCRIPT_TIMEOUT_MS, log: options.log })
      .catch((error: unknown) => options.log?.(`capture: asking tcpdump to stop failed (${String(error)}); cutting the streams`));
  }
  // A capture whose tcpdump had not started yet (no pid) has nothing to hand over: cut it now.
  for (const capture of captures) if (capture.pid === null) capture.stopNow();
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, options.graceMs ?? 3000); });
  await Promise.race([ended, grace]);
  clearTimeout(timer);
  for (const capture of captures) capture.stopNow();
}

/** Checks on the host that no tcpdump of this capture runs any more; kills and reports any that does. */
async function sweep(transport: Transport, captures: readonly PointCapture[], log?: (line: string) => void): Promise<number[]> {
  const pids = captures.map((capture) => capture.pid).filter((pid): pid is number => pid !== null);
  if (pids.length === 0) return [];
  try {
    const result = await transport.runScript(captureSweepScript(pids), { timeoutMs: STOP_SCRIPT_TIMEOUT_MS, log });
    const left = parseSweep(result.stdout);
    for (const pid of left) {
      const capture = captures.find((c) => c.pid === pid);
      log?.(`capture: tcpdump ${pid}${capture ? ` (${capturePointLabel(capture.point)})` : ''} was still running after its stream ended; killed it`);
    }
    return left;
  } catch (error) {
    throw new VnetError('VN-CAPTURE-SWEEP', `The capture ended, but checking that no tcpdump is left on ${transport.target} failed: ${error instanceof Error ? error.message : String(error)}. Check the host with "pgrep -a tcpdump".`);
  }
}
