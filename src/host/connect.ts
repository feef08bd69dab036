// From what the user typed after --host to a Transport.

import { LocalTransport } from './local-transport';
import { isLocalTarget } from './ssh-destination';
import { SshTransport, type SshTransportOptions } from './ssh-transport';
import type { Transport } from './transport';

export type TransportOptions = SshTransportOptions;

/** `local` runs on this machine; anything else is an ssh destination (`[user@]host[:port]` or an alias). */
export function createTransport(target: string, options: TransportOptions = {}): Transport {
  if (isLocalTarget(target)) return new LocalTransport({ defaultTimeoutMs: options.defaultTimeoutMs, log: options.log });
  return new SshTransport(target, options);
}
