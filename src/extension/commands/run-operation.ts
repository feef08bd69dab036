// Runs one of the engine's imperative operations on a host under a cancellable progress notification,
// then reads the host again so the tree shows the result at once (the watcher would, a moment later).

import { describeError } from '../../model/errors';
import { runOperation } from '../../engine/run-operation';
import type { Operation } from '../../plan/operations';
import type { HostSession } from '../host-session';
import { hostTitle } from '../host-state';
import { clip, plainMessage, plainText } from '../text-safety';
import type { CommandContext } from './context';
import { isCancelled } from './resolve';

export async function runOperationOn(ctx: CommandContext, session: HostSession, op: Operation, title: string): Promise<void> {
  const host = hostTitle(session.entry);
  await ctx.ui.progress(`${title} on ${host}`, async (signal, report) => {
    await runOperation(session.transport, op, { topology: session.topology, signal });
    report('reading the host again');
    // The change is made; a failed re-read shows on the host's row and must not report the change as failed.
    await session.refresh(signal).catch(() => undefined);
  });
  void ctx.ui.info(`${plainText(title)} on ${plainText(host)}: done.`);
}

/**
 * Runs a command handler and reports its failure as a message that says what happened and what to do.
 * A picker the user dismissed ends the command silently.
 */
export async function reportFailures(ctx: CommandContext, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (isCancelled(error)) {
      if (error.message !== 'Cancelled.') void ctx.ui.warn(plainMessage(error.message)).catch(() => undefined);
      return;
    }
    const message = clip(plainMessage(describeError(error)), 1200);
    // When the window is going away (reloaded while a message waited for an answer), there is nowhere left
    // to show the error, and the failure to show it is not one more error.
    const choice = await ctx.ui.error(message, 'Show log').catch(() => undefined);
    if (choice === 'Show log') ctx.ui.showLog();
  }
}
