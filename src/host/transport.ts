// How the engine talks to a host. Two implementations: local (this machine) and ssh (system OpenSSH).
// Everything above this line (probe, apply, watcher) sends whole scripts, so a host costs one exec.

export interface ExecOptions {
  signal?: AbortSignal;
  /** Upper bound for the whole call; every call is bounded. For stream(): the longest silence allowed. */
  timeoutMs?: number;
  /** Called with each command before it is sent, for the output channel. */
  log?: (line: string) => void;
  /**
   * runScript only: sees each line of stdout as it arrives, so a long read can be parsed while the host is
   * still writing it. ExecResult.stdout is then empty.
   */
  onStdoutLine?: (line: string) => void;
}

export interface ByteStreamOptions extends ExecOptions {
  /** Each line the script writes on stderr, as it comes. */
  onStderrLine?: (line: string) => void;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface StreamHandle {
  /**
   * Resolves when the remote process ends (or the connection drops). Rejects with a VnetError when the call
   * failed in a way with a name (connection, authentication, host key, privilege), like runScript.
   */
  readonly done: Promise<ExecResult>;
  stop(): void;
}

export interface Transport {
  /** `local`, or the ssh destination / alias as the user gave it. */
  readonly target: string;
  /** Runs a POSIX sh script on the host as root (through `sudo -n` for a non-root user). */
  runScript(script: string, options?: ExecOptions): Promise<ExecResult>;
  /** Runs a long-lived script and hands each line of its stdout to onLine (the live watcher uses it). */
  stream(script: string, onLine: (line: string) => void, options?: ExecOptions): StreamHandle;
  /** Like stream, for a script whose stdout is binary (a packet capture): hands over its bytes as they come. */
  streamBytes(script: string, onData: (chunk: Buffer) => void, options?: ByteStreamOptions): StreamHandle;
  /** Closes shared connections (the ssh ControlMaster). */
  close(): Promise<void>;
}
