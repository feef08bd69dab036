// Reads what the extension host wrote about one extension: whether (and why) it was activated, and the errors
// it raised. This is what a person would find in Output ▸ "Extension Host" (Remote), read from its log file.
import type { CodeServer } from './code-server';
import { readExtensionHostLog } from './code-server';

export interface ActivationRecord {
  /** e.g. "onView:vnet.hosts" */
  activationEvent: string;
}

/** Waits until the extension host starts activating `extensionId`; fails with the log if it never does. */
export async function waitForActivation(
  server: CodeServer,
  extensionId: string,
  timeoutMs = 30_000,
): Promise<ActivationRecord> {
  const pattern = new RegExp(`_doActivateExtension ${escapeRegExp(extensionId)}, .*activationEvent: '([^']*)'`);
  const deadline = Date.now() + timeoutMs;
  let log = '';
  while (Date.now() < deadline) {
    log = await readExtensionHostLog(server);
    const match = pattern.exec(log);
    if (match) return { activationEvent: match[1] };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`extension ${extensionId} was never activated within ${timeoutMs} ms. Extension host log:\n${log.slice(-4000)}`);
}

/**
 * Error entries (an "[error]" line with its stack) that concern the extension: a failed activation, or an
 * exception whose stack runs through the extension's installed files.
 */
export function extensionErrors(log: string, extensionId: string): string[] {
  const entries: string[] = [];
  for (const line of log.split('\n')) {
    if (/^\d{4}-\d\d-\d\d [\d:.]+ \[\w+\]/.test(line)) entries.push(line);
    else if (entries.length > 0) entries[entries.length - 1] += `\n${line}`;
  }
  const installedFolder = `/${extensionId}-`;
  return entries.filter(
    (entry) => /\[error\]/.test(entry) && (entry.includes(` ${extensionId} `) || entry.includes(installedFolder)),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
