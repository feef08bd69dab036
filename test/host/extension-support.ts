// Shared by the extension's host tests: settings that reach testbed hosts (with a control-socket directory
// of this test process's own, so that test files running side by side, whose hosts may share addresses,
// never share an ssh connection), and waiting on a session's own change events.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestHost } from '../testbed/testbed';
import type { HostSession } from '../../src/extension/host-session';
import { DEFAULT_SETTINGS, type ExtensionSettings } from '../../src/extension/settings';

const CONTROL_DIR = mkdtempSync(join(tmpdir(), 'vnet-ext-ssh-'));

export const ARRIVES_MS = 20_000;

export function settingsFor(hosts: TestHost[], extra: Partial<ExtensionSettings> = {}): ExtensionSettings {
  return {
    ...DEFAULT_SETTINGS,
    showLocalHost: false,
    hosts: hosts.map((h) => ({ destination: h.target, label: h.name, identityFile: null })),
    // OpenSSH keeps the first value of an option: ours come before the transport's own ControlPath.
    sshOptions: [
      ['ControlPath', `${CONTROL_DIR}/%C`],
      ['ServerAliveInterval', '1'],
      ['ServerAliveCountMax', '2'],
      ...(hosts.length ? Object.entries(hosts[0].sshOptions) : []),
    ],
    ...extra,
  };
}

/** Waits, on the session's own change events, until `ready` holds. */
export async function until(session: HostSession, ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + ARRIVES_MS;
  while (!ready()) {
    const left = deadline - Date.now();
    assert.ok(left > 0, `${what}: not within ${ARRIVES_MS} ms; state ${JSON.stringify(session.view().connection).slice(0, 300)}`);
    await new Promise<void>((resolve) => {
      const stop = session.onDidChange(() => { stop(); resolve(); });
      setTimeout(() => { stop(); resolve(); }, Math.min(left, 500));
    });
  }
}
