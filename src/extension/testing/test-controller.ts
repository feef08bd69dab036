// The Testing view's VNet tests: each .vnet file of the workspace with its `expect` statements as test
// items (kept in step with open editors), run live on the lab's host(s). "VNet: Test Lab" runs one file's.
// The compiler and the live check load on first use (lab-tests.ts), so activation stays cheap.

import * as vscode from 'vscode';
import type { LabContext } from '../commands/lab-commands';
import type { ExpectationRun } from '../../model/expectation-run';
import { plainText } from '../text-safety';

type LabTests = typeof import('./lab-tests');

let labTestsModule: Promise<LabTests> | undefined;
function labTests(): Promise<LabTests> {
  labTestsModule ??= import('./lab-tests.js');
  return labTestsModule;
}

function isVnet(document: vscode.TextDocument): boolean {
  return document.languageId === 'vnet' || document.fileName.endsWith('.vnet');
}

export class LabTesting implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('vnet.expectations', 'VNet expectations');
  /** The last live run's failures, on their lines; an edit of the file clears them (they described other text). */
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('vnet-test');
  private readonly disposables: vscode.Disposable[] = [this.controller, this.diagnostics];

  constructor(private readonly ctx: LabContext) {
    this.controller.resolveHandler = async (item) => { if (!item) await this.discover(); };
    this.controller.createRunProfile('Check on host', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => { if (isVnet(d)) void this.update(d.uri, d.getText()); }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isVnet(e.document) || !e.contentChanges.length) return;
        this.diagnostics.delete(e.document.uri);
        void this.update(e.document.uri, e.document.getText());
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  /** Lists every .vnet file of the workspace that states expectations. */
  private async discover(): Promise<void> {
    const uris = await vscode.workspace.findFiles('**/*.vnet', '**/node_modules/**', 500);
    for (const uri of uris) {
      const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri).then((b) => b, () => new Uint8Array()));
      await this.update(uri, text);
    }
  }

  /** The file's test item and its expectations, from its current text; none when it states none. */
  private async update(uri: vscode.Uri, text: string): Promise<vscode.TestItem | undefined> {
    const items = (await labTests()).documentItems(text);
    const key = uri.toString();
    if (!items.length) { this.controller.items.delete(key); return undefined; }
    const file = this.controller.items.get(key) ?? this.controller.createTestItem(key, plainText(vscode.workspace.asRelativePath(uri)), uri);
    file.children.replace(items.map((item) => {
      const test = this.controller.createTestItem(`${key}\n${item.id}`, plainText(item.label), uri);
      if (item.line !== null) test.range = new vscode.Range(item.line, 0, item.line, 0);
      return test;
    }));
    this.controller.items.add(file);
    return file;
  }

  /** Runs the requested files' expectations; a file runs whole (one connection, one host pick). */
  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const files = new Set<vscode.TestItem>();
    for (const item of request.include ?? [...iterate(this.controller.items)]) files.add(item.parent ?? item);
    const run = this.controller.createTestRun(request);
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      for (const file of files) await this.runFile(run, file, request, abort.signal);
    } finally {
      cancel.dispose();
      run.end();
    }
  }

  private async runFile(run: vscode.TestRun, file: vscode.TestItem, request: vscode.TestRunRequest, signal: AbortSignal): Promise<void> {
    const tests = [...iterate(file.children)];
    const wanted = (test: vscode.TestItem) => !request.include || request.include.includes(file) || request.include.includes(test);
    tests.filter(wanted).forEach((test) => run.started(test));
    const module = await labTests();
    const failures: vscode.Diagnostic[] = [];
    try {
      const labFile = await this.ctx.readLabFile(file.uri);
      const { lab, runs } = await module.runFileTests(this.ctx, labFile, signal, (result, index) => {
        const failure = failureDiagnostic(result);
        if (failure) failures.push(failure);
        const test = tests[index];
        if (test && wanted(test)) report(run, test, result, module);
      });
      run.appendOutput(`${module.testSummary(lab, runs)}\r\n`);
      if (file.uri) this.diagnostics.set(file.uri, failures);
    } catch (error) {
      const message = new vscode.TestMessage(error instanceof Error ? error.message : String(error));
      tests.filter(wanted).forEach((test) => run.errored(test, message));
    }
  }

  /** "VNet: Test Lab": the file's expectations, run as a test run (shown in the Testing view). */
  async testFile(arg: unknown): Promise<void> {
    const labFile = await this.ctx.readLabFile(arg);
    const file = await this.update(vscode.Uri.parse(labFile.key), labFile.text);
    if (!file) {
      void this.ctx.ui.info(plainText(`${labFile.label} states no expectations ("expect FROM reaches TARGET"): nothing to test.`));
      return;
    }
    await this.runItems([file]);
  }

  /** The "Check on host…" code lens of one `expect` line (its zero-based line): that expectation alone. */
  async testExpectation(arg: unknown, line: unknown): Promise<void> {
    const labFile = await this.ctx.readLabFile(arg);
    const file = await this.update(vscode.Uri.parse(labFile.key), labFile.text);
    const test = file ? [...iterate(file.children)].find((item) => item.range?.start.line === line) : undefined;
    if (!test) {
      void this.ctx.ui.info(plainText(`${labFile.label} has no expectation on line ${typeof line === 'number' ? line + 1 : '?'} any more: the file changed. Try the lens again.`));
      return;
    }
    await this.runItems([test]);
  }

  private async runItems(items: vscode.TestItem[]): Promise<void> {
    const tokens = new vscode.CancellationTokenSource();
    try {
      await this.run(new vscode.TestRunRequest(items), tokens.token);
    } finally {
      tokens.dispose();
    }
    void vscode.commands.executeCommand('workbench.view.testing.focus');
  }
}

/** One expectation's result in the test run: passed, failed with its message at its line, or skipped. */
function report(run: vscode.TestRun, test: vscode.TestItem, result: ExpectationRun, module: LabTests): void {
  const text = module.testMessageOf(result);
  const state = module.testStateOf(result);
  if (state === 'passed') { run.passed(test); return; }
  if (state === 'skipped') { run.appendOutput(`${text}\r\n`.replace(/\n/g, '\r\n'), undefined, test); run.skipped(test); return; }
  const message = new vscode.TestMessage(text);
  if (test.uri && test.range) message.location = new vscode.Location(test.uri, test.range);
  run.failed(test, message);
}

/** A failed expectation as a diagnostic on its line, beside the language server's static ones. */
function failureDiagnostic(result: ExpectationRun): vscode.Diagnostic | null {
  const line = result.expectation.line;
  if (result.result !== 'fail' || line === null) return null;
  const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), plainText(`Fails on the host: ${result.why ?? 'see the Testing view'}`), vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'vnet test';
  return diagnostic;
}

function* iterate(collection: vscode.TestItemCollection): Iterable<vscode.TestItem> {
  for (const [, item] of collection) yield item;
}
