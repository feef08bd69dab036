// A real LSP client for tests: starts `node dist/server.js` as a process (stdio or node-ipc) and talks
// to it with vscode-languageserver-protocol, the same library VS Code's client is built on.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, rmdir, stat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import {
  createProtocolConnection, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification,
  ExitNotification, InitializedNotification, LogMessageNotification, InitializeRequest, IPCMessageReader, IPCMessageWriter, PublishDiagnosticsNotification,
  ShutdownRequest, StreamMessageReader, StreamMessageWriter, type Diagnostic, type InitializeResult, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.js');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

async function run(command: string, args: string[]): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`))));
  });
}

/** Builds dist/server.js when it is missing or older than its sources; one builder at a time. */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), 'vnet-lsp-build.lock');
  for (;;) {
    try { await mkdir(lock); break; } catch { /* held by another test file */ }
    // A lock left by a killed run would block every later one: a build never takes two minutes.
    const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > 120_000) await rmdir(lock).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    const builtAt = () => stat(SERVER).then((s) => s.mtimeMs, () => 0);
    const sources = Math.max(await newestSource(join(ROOT, 'src', 'server')), await newestSource(join(ROOT, 'src', 'language')), await newestSource(join(ROOT, 'src', 'model')));
    if (await builtAt() < sources) {
      // `npm run build` bundles every entry; another entry failing must not hide a good server bundle.
      const failure = await run(process.execPath, ['esbuild.mjs']).then(() => null, (error: Error) => error);
      if (await builtAt() < sources) throw failure ?? new Error('dist/server.js was not rebuilt');
    }
  } finally {
    await rmdir(lock);
  }
}

export class LspClient {
  readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  private readonly waiters: (() => void)[] = [];
  private versions = new Map<string, number>();
  stderr = '';
  /** window/logMessage texts: the server logs a feature that threw here. */
  readonly logs: string[] = [];
  exited = false;
  initializeResult!: InitializeResult;

  private constructor(readonly connection: ProtocolConnection, readonly child: ChildProcess) {
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      this.diagnostics.set(params.uri, { version: params.version, diagnostics: params.diagnostics });
      for (const wake of this.waiters.splice(0)) wake();
    });
    connection.onNotification(LogMessageNotification.type, (params) => { this.logs.push(params.message); });
    child.stderr?.on('data', (chunk: Buffer) => { this.stderr += chunk.toString(); });
    child.on('exit', () => { this.exited = true; });
  }

  static async start(mode: 'stdio' | 'node-ipc' = 'stdio', initializationOptions: object = { diagnosticsDelay: 20 }): Promise<LspClient> {
    await ensureBuilt();
    const child = spawn(process.execPath, [SERVER, `--${mode}`], { stdio: mode === 'stdio' ? ['pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe', 'ipc'] });
    const connection = mode === 'stdio'
      ? createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!))
      : createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const client = new LspClient(connection, child);
    connection.listen();
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {}, initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  async open(uri: string, text: string): Promise<void> {
    this.versions.set(uri, 1);
    this.diagnostics.delete(uri);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'vnet', version: 1, text } });
  }

  /** Replaces the whole text (a full-content change, which incremental sync also accepts). */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** Diagnostics for `uri` at the latest version sent. */
  async waitForDiagnostics(uri: string, timeoutMs = 10_000): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.diagnostics.get(uri);
      if (got && (got.version === undefined || got.version === this.versions.get(uri))) return got.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} (stderr: ${this.stderr})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await this.connection.sendRequest(ShutdownRequest.type);
        await this.connection.sendNotification(ExitNotification.type);
      } catch { /* already gone */ }
    }
    const exited = new Promise<void>((resolve) => (this.exited ? resolve() : this.child.once('exit', () => resolve())));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.connection.dispose();
  }
}
