// This machine as a host: the same scripts as over ssh, run by a local sh (as root, or through sudo -n).

import { callByteStream, callScript, callStream, DEFAULT_SCRIPT_TIMEOUT_MS, type CallContext } from './script-call';
import { rootScriptArgv, rootStreamArgv } from './remote-wrapper';
import { LOCAL_TARGET } from './ssh-destination';
import type { ByteStreamOptions, ExecOptions, ExecResult, StreamHandle, Transport } from './transport';

export interface LocalTransportOptions {
  defaultTimeoutMs?: number;
  log?: (line: string) => void;
}

export class LocalTransport implements Transport {
  readonly target = LOCAL_TARGET;
  private readonly context: CallContext;

  constructor(options: LocalTransportOptions = {}) {
    this.context = {
      target: LOCAL_TARGET,
      host: 'localhost',
      port: null,
      overSsh: false,
      connectTimeoutSec: 0,
      defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
      log: options.log,
    };
  }

  runScript(script: string, options?: ExecOptions): Promise<ExecResult> {
    const [file, ...args] = rootScriptArgv();
    return callScript(this.context, file, args, script, options);
  }

  stream(script: string, onLine: (line: string) => void, options?: ExecOptions): StreamHandle {
    const [file, ...args] = rootStreamArgv();
    return callStream(this.context, file, args, script, onLine, options);
  }

  streamBytes(script: string, onData: (chunk: Buffer) => void, options?: ByteStreamOptions): StreamHandle {
    const [file, ...args] = rootStreamArgv();
    return callByteStream(this.context, file, args, script, onData, options);
  }

  async close(): Promise<void> {
    // Nothing is shared between local calls.
  }
}
