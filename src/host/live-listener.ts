// The short-lived listener of a live check, as a stream (Transport.stream): its lines say when it is ready
// (or that something already listens), then what it received. stop() ends it and everything it started
// on the host (the stream's watchdog kills the script when its stdin closes); the script's own alarm ends
// it anyway, so nothing outlives a check even when the connection drops.

import { VnetError } from '../model/errors';
import { LIVE_MARK } from './live-script';
import type { StreamHandle, Transport } from './transport';

export interface Listener {
  readonly state: 'started' | 'already';
  /** What it received (the local address, or null when it cannot tell, and the port), or null: waits briefly. */
  heard(): Promise<{ address: string | null; port: number } | null>;
  stop(): Promise<void>;
}

/** How long after the sender ends the listener may take to report what it received. */
const HEARD_GRACE_MS = 2000;
/** How long the listener may take to start, connection included. */
const START_LIMIT_MS = 45_000;

type Got = { address: string | null; port: number } | null;

function parseGot(rest: string): Got {
  const [address, port] = rest.split(' ');
  return { address: address === '-' || !address ? null : address, port: Number(port) };
}

function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Starts the listener script and resolves once it listens (or found the port taken). */
export async function startListener(transport: Transport, script: string, options: { signal?: AbortSignal; waitSec: number }): Promise<Listener> {
  let onFirst: (line: string) => void = () => undefined;
  const first = new Promise<string>((resolve) => { onFirst = resolve; });
  let got: Got = null;
  let onGot: () => void = () => undefined;
  const gotOrEnd = new Promise<void>((resolve) => { onGot = resolve; });
  const handle: StreamHandle = transport.stream(script, (line) => {
    if (!line.startsWith(`${LIVE_MARK} `)) return;
    const [word, ...rest] = line.slice(LIVE_MARK.length + 1).split(' ');
    if (word === 'got') { got = parseGot(rest.join(' ')); onGot(); return; }
    onFirst(`${word} ${rest.join(' ')}`.trim());
    if (word === 'quiet') onGot();
  }, { signal: options.signal, timeoutMs: (options.waitSec + 30) * 1000 });
  const ended = handle.done.then(() => 'ended', (error: unknown) => error);
  void ended.then(() => onGot());
  const limit = delay(START_LIMIT_MS);
  const said = await Promise.race([first, ended, limit.promise.then(() => 'slow')]);
  limit.cancel();
  const stop = async () => { handle.stop(); await ended; };
  if (said === 'ready' || said === 'already') {
    return {
      state: said === 'ready' ? 'started' : 'already',
      async heard() {
        const grace = delay(HEARD_GRACE_MS);
        await Promise.race([gotOrEnd, grace.promise]);
        grace.cancel();
        return got;
      },
      stop,
    };
  }
  await stop();
  if (said instanceof Error) throw said;
  if (said === 'slow') throw new VnetError('VN-LIVE-LISTENER', `The listener on ${transport.target} did not start within ${START_LIMIT_MS / 1000} s. Check the host, and retry.`);
  if (typeof said === 'string' && said.startsWith('bind-failed')) {
    throw new VnetError('VN-LIVE-LISTENER', `VNet could not start its listener on ${transport.target}: ${said.slice('bind-failed'.length).trim()}.`);
  }
  throw new VnetError('VN-LIVE-TOOL', `VNet's listener on ${transport.target} ended before listening. A live check needs perl (IO::Socket::IP), ss and nsenter on the host.`);
}
