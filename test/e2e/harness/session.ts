// The one object an e2e test file holds: a code-server with the extension installed, a Chromium, and the
// workbench page. One per test file (startup costs seconds), shared by that file's tests, closed in `after`.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser';
import { readExtensionHostLog, startCodeServer, type CodeServer, type CodeServerOptions } from './code-server';
import { resultsDir } from './paths';
import { Workbench, type OpenOptions } from './workbench';

export interface Session {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly workbench: Workbench;
  /** Kills Chromium and code-server (and everything code-server started). Safe to call twice. */
  close(): Promise<void>;
}

export async function startSession(options: CodeServerOptions & OpenOptions = {}): Promise<Session> {
  const server = await startCodeServer(options);
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const workbench = await Workbench.open(browser, server, options);
    let closed = false;
    const openBrowser = browser;
    return {
      server,
      browser,
      workbench,
      async close() {
        if (closed) return;
        closed = true;
        await openBrowser.close().catch(() => undefined);
        await server.stop();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw error;
  }
}

/**
 * Runs a test body; if it throws, keeps evidence in test-results/e2e/<name>/ (a screenshot and code-server's
 * log, the extension host's log and the page's console errors) before rethrowing, because a failed e2e run is otherwise hard to read after the fact.
 */
export async function keepEvidenceOnFailure<T>(session: Session, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const safeName = name.replace(/[^\w.-]+/g, '_');
    const dir = path.join(resultsDir, 'e2e', safeName);
    await mkdir(dir, { recursive: true });
    await session.workbench.page.screenshot({ path: path.join(dir, 'failure.png') }).catch(() => undefined);
    await copyFile(session.server.logFile, path.join(dir, 'code-server.log')).catch(() => undefined);
    const extensionHostLog = await readExtensionHostLog(session.server).catch(() => '');
    await writeFile(path.join(dir, 'extension-host.log'), extensionHostLog).catch(() => undefined);
    await writeFile(path.join(dir, 'console-errors.txt'), session.workbench.consoleErrors.join('\n')).catch(() => undefined);
    throw error;
  }
}
