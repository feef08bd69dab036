// Tests that run inside the real (Node) extension host, with the full `vscode` API, loaded the way
// `code --extensionDevelopmentPath … --extensionTestsPath …` loads them, but through code-server's `payload`
// URL parameter. The workbench reports the test module's outcome by calling window.codeAutomationExit(code).
//
// The tests module must export `run(): Promise<void>`; a rejection is a failure. What it logs with console.*
// is forwarded to the page console and returned as `output`.
import type { Browser } from 'playwright-core';
import type { CodeServer } from './code-server';

export interface ExtensionHostTestOptions {
  /** Folder of the extension under development (its package.json); loaded in addition to installed ones. */
  developmentPath: string;
  /** The compiled JavaScript module exporting run(). */
  testsPath: string;
  timeoutMs?: number;
}

export interface ExtensionHostTestResult {
  exitCode: number;
  /** Console output of the extension host during the run, in order. */
  output: string[];
}

export async function runExtensionHostTests(
  browser: Browser,
  server: CodeServer,
  options: ExtensionHostTestOptions,
): Promise<ExtensionHostTestResult> {
  const page = await browser.newPage();
  try {
    const output: string[] = [];
    // The host's console arrives styled for devtools ("%c INFO color: #33f text"); keep level and text.
    page.on('console', (message) => output.push(message.text().replace(/^%c\s*(\w+) color: #\w+ /, '$1 ')));
    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    const host = new URL(server.url).host;
    const remote = (file: string): string => `vscode-remote://${host}${file}`;
    const url = new URL(server.url);
    url.searchParams.set('folder', server.workspaceDir);
    url.searchParams.set(
      'payload',
      JSON.stringify([
        ['extensionDevelopmentPath', remote(options.developmentPath)],
        ['extensionTestsPath', remote(options.testsPath)],
      ]),
    );
    await page.goto(url.toString());
    const timeoutMs = options.timeoutMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`extension host tests did not finish within ${timeoutMs} ms:\n${output.join('\n')}`)),
        timeoutMs,
      );
    });
    try {
      const exitCode = await Promise.race([exited, timedOut]);
      return { exitCode, output };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await page.close();
  }
}

