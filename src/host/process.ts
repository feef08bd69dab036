// The one place that starts processes. Every call is bounded in time and cancellable; a cancelled or
// timed-out call kills the whole process group it started, so no helper outlives the call.

import type { ExecResult } from './transport';

/** Loaded on first use: execa is ESM-only, and a dynamic import works both bundled and under tsx. */
let execaModule: Promise<typeof import('execa')> | undefined;
function loadExeca(): Promise<typeof import('execa')> {
  execaModule ??= import('execa');
  return execaModule;
}

export interface ProcessOptions {
  input?: string;
  signal?: AbortSignal;
  timeoutMs: number;
  env?: Record<string, string>;
  /** Sees each line of stdout as it arrives (without its newline); stdout is then not kept. */
  onStdoutLine?: (line: string) => void;
}

export interface ProcessOutcome extends ExecResult {
  timedOut: boolean;
  canceled: boolean;
  /** Set when the program could not be started at all (ENOENT, EACCES…). */
  spawnError: string | null;
}

const MAX_BUFFER = 512 * 1024 * 1024;

export async function runProcess(file: string, args: readonly string[], options: ProcessOptions): Promise<ProcessOutcome> {
  const { execa } = await loadExeca();
  const child = execa(file, args, {
    input: options.input ?? '',
    // Lines handed on as they come are not kept (a big host's read is megabytes).
    buffer: { stdout: !options.onStdoutLine },
    reject: false,
    stripFinalNewline: false,
    maxBuffer: MAX_BUFFER,
    // Its own process group, so that a timeout or a cancel can end helpers the program started.
    detached: true,
    cleanup: true,
    env: options.env,
    extendEnv: true,
  });
  let timedOut = false;
  let canceled = false;
  const killGroup = () => {
    if (child.pid === undefined) return;
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  const timer = setTimeout(() => { timedOut = true; killGroup(); }, options.timeoutMs);
  const onAbort = () => { canceled = true; killGroup(); };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const linesRead = options.onStdoutLine ? splitLines(child.stdout, options.onStdoutLine) : Promise.resolve();
  try {
    const result = await child;
    await linesRead;
    const spawnError = result.exitCode === undefined && result.signal === undefined && result.failed
      ? (result.code ?? result.shortMessage ?? 'could not start') : null;
    return {
      stdout: typeof result.stdout === 'string' ? result.stdout : '',
      stderr: typeof result.stderr === 'string' ? result.stderr : '',
      exitCode: result.exitCode ?? (result.signal ? 128 : 1),
      timedOut,
      canceled,
      spawnError: spawnError === null ? null : String(spawnError),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

export interface StreamProcessOptions {
  input: string;
  signal?: AbortSignal;
  /** Kills the process when no line has arrived for this long (a silent dead connection). */
  idleTimeoutMs?: number;
  onLine: (line: string) => void;
  onStderrLine?: (line: string) => void;
  /** Hands stdout over as raw bytes instead of lines (a binary stream, such as a packet capture). */
  onData?: (chunk: Buffer) => void;
}

export interface StreamProcess {
  readonly done: Promise<ProcessOutcome>;
  stop(): void;
}

/**
 * Starts a long-lived process and hands over its stdout line by line. Stdin stays open after the input,
 * so that the far end can tell the process ended (its stdin reaches end of file) and clean up after it.
 */
export function streamProcess(file: string, args: readonly string[], options: StreamProcessOptions): StreamProcess {
  let stopFn: () => void = () => { stopped = true; };
  let stopped = false;
  const done = (async (): Promise<ProcessOutcome> => {
    const { execa } = await loadExeca();
    const child = execa(file, args, {
      stdin: 'pipe',
      reject: false,
      buffer: false,
      detached: true,
      cleanup: true,
    });
    let canceled = false;
    let timedOut = false;
    let stderrTail = '';
    const killGroup = () => {
      child.stdin?.end();
      if (child.pid === undefined) return;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    };
    let idleTimer: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (!options.idleTimeoutMs) return;
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => { timedOut = true; killGroup(); }, options.idleTimeoutMs);
    };
    stopFn = () => { canceled = true; killGroup(); };
    if (stopped) stopFn();
    const onAbort = () => stopFn();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.stdin?.on('error', () => { /* the process may end before reading its input */ });
    child.stdin?.write(options.input);
    const onData = options.onData;
    if (onData) child.stdout?.on('data', (chunk: Buffer | string) => { armIdle(); onData(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)); });
    else splitLines(child.stdout, (line) => { armIdle(); options.onLine(line); });
    splitLines(child.stderr, (line) => {
      stderrTail = (stderrTail + line + '\n').slice(-8192);
      options.onStderrLine?.(line);
    });
    armIdle();
    try {
      const result = await child;
      return {
        stdout: '',
        stderr: stderrTail,
        exitCode: result.exitCode ?? (result.signal ? 128 : 1),
        timedOut,
        canceled,
        spawnError: result.exitCode === undefined && result.signal === undefined && result.failed ? String(result.code ?? 'could not start') : null,
      };
    } finally {
      clearTimeout(idleTimer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  })();
  return { done, stop: () => stopFn() };
}

/** Hands each line of the stream on as it arrives; resolves when the stream has ended (or closed). */
function splitLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): Promise<void> {
  if (!stream) return Promise.resolve();
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = pending + chunk;
    let start = 0;
    let at: number;
    while ((at = text.indexOf('\n', start)) >= 0) {
      onLine(text.slice(start, at));
      start = at + 1;
    }
    pending = text.slice(start);
  });
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      if (pending) onLine(pending);
      pending = '';
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
  });
}
