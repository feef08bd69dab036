// A host over the system's OpenSSH: ~/.ssh/config, keys and agents work as they do for ssh itself. One
// connection is shared by all calls (ControlMaster), every call is bounded, and nothing ever prompts.

import { runProcess } from './process';
import { callByteStream, callScript, callStream, DEFAULT_SCRIPT_TIMEOUT_MS, type CallContext } from './script-call';
import { shellCommand } from '../model/shell';
import { rootScriptArgv, rootStreamArgv } from './remote-wrapper';
import {
  DEFAULT_CONNECT_TIMEOUT_SEC, DEFAULT_CONTROL_PERSIST_SEC, sshControlArgs, sshExecArgs, type SshSettings,
} from './ssh-args';
import { defaultControlDir, ensurePrivateDir } from './ssh-control-dir';
import { parseDestination, type SshDestination } from './ssh-destination';
import type { ByteStreamOptions, ExecOptions, ExecResult, StreamHandle, Transport } from './transport';

export interface SshTransportOptions {
  /** An ssh config file (`ssh -F`), e.g. the extension's `vnet.ssh.configFile`. */
  configFile?: string | null;
  /** `--identity FILE`. */
  identity?: string | null;
  /** `--ssh-option KEY=VALUE`, in the order given; a record is taken in its key order. */
  sshOptions?: ReadonlyArray<readonly [string, string]> | Record<string, string>;
  connectTimeoutSec?: number;
  controlPersistSec?: number;
  /** Where control sockets live; null turns connection sharing off. Default: a private dir per user. */
  controlDir?: string | null;
  /** Bound for a call that gives no timeoutMs. */
  defaultTimeoutMs?: number;
  log?: (line: string) => void;
  /** The ssh program (tests may point it elsewhere). */
  sshCommand?: string;
}

export class SshTransport implements Transport {
  readonly target: string;
  private readonly destination: SshDestination;
  private readonly settings: SshSettings;
  private readonly context: CallContext;
  private readonly ssh: string;
  private controlReady: Promise<void> | undefined;

  constructor(target: string, options: SshTransportOptions = {}) {
    this.target = target;
    this.destination = parseDestination(target);
    const sshOptions = options.sshOptions === undefined ? [] : Array.isArray(options.sshOptions)
      ? options.sshOptions as ReadonlyArray<readonly [string, string]>
      : Object.entries(options.sshOptions as Record<string, string>);
    this.settings = {
      configFile: options.configFile ?? null,
      identity: options.identity ?? null,
      options: sshOptions,
      connectTimeoutSec: options.connectTimeoutSec ?? DEFAULT_CONNECT_TIMEOUT_SEC,
      controlPersistSec: options.controlPersistSec ?? DEFAULT_CONTROL_PERSIST_SEC,
      controlDir: options.controlDir === undefined ? defaultControlDir() : options.controlDir,
    };
    this.ssh = options.sshCommand ?? 'ssh';
    this.context = {
      target,
      host: this.destination.host,
      port: this.destination.port,
      overSsh: true,
      connectTimeoutSec: this.settings.connectTimeoutSec,
      defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
      log: options.log,
    };
  }

  private prepare(): Promise<void> {
    const dir = this.settings.controlDir;
    this.controlReady ??= dir ? ensurePrivateDir(dir).then(() => undefined) : Promise.resolve();
    return this.controlReady;
  }

  async runScript(script: string, options?: ExecOptions): Promise<ExecResult> {
    await this.prepare();
    return callScript(this.context, this.ssh, sshExecArgs(this.destination, this.settings, shellCommand(rootScriptArgv())), script, options);
  }

  stream(script: string, onLine: (line: string) => void, options?: ExecOptions): StreamHandle {
    return this.whenPrepared((args) => callStream(this.context, this.ssh, args, script, onLine, options));
  }

  streamBytes(script: string, onData: (chunk: Buffer) => void, options?: ByteStreamOptions): StreamHandle {
    return this.whenPrepared((args) => callByteStream(this.context, this.ssh, args, script, onData, options));
  }

  /** Starts a stream once the control directory exists; a stop() before that stops it as it starts. */
  private whenPrepared(start: (args: string[]) => StreamHandle): StreamHandle {
    let handle: StreamHandle | undefined;
    let stopped = false;
    const done = this.prepare().then(() => {
      handle = start(sshExecArgs(this.destination, this.settings, shellCommand(rootStreamArgv())));
      if (stopped) handle.stop();
      return handle.done;
    });
    return { done, stop: () => { stopped = true; handle?.stop(); } };
  }

  async close(): Promise<void> {
    if (!this.settings.controlDir) return;
    await runProcess(this.ssh, sshControlArgs(this.destination, this.settings, 'stop'), { timeoutMs: 5000 }).catch(() => undefined);
  }
}
