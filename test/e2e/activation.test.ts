// First contact in real VS Code: the packaged .vsix installed into code-server, the workbench in Chromium.
// A person clicks the VNet icon in the activity bar and sees the Hosts view; the extension activates without
// an error, running one of its commands activates it too, and every command it contributes has a handler
// behind it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { readExtensionHostLog } from './harness/code-server';
import { runExtensionHostTests } from './harness/extension-host-tests';
import { extensionErrors, waitForActivation } from './harness/extension-log';
import { extensionId, extensionVsix } from './harness/extension-under-test';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';

/** What the manifest contributes and a person sees: the activity-bar container's title and the view's name. */
const containerTitle = 'VNet';
const hostsViewName = 'Hosts';

describe('activation in code-server', () => {
  let session: Session | undefined;

  before(async () => {
    session = await startSession({ vsixPaths: [await extensionVsix()] });
  });

  after(async () => {
    await session?.close();
  });

  function current(): Session {
    assert.ok(session, 'the code-server session did not start');
    return session;
  }

  test('the VNet container opens on the Hosts view and activates the extension', async () => {
    const s = current();
    await keepEvidenceOnFailure(s, 'activation-hosts-view', async () => {
      const { workbench } = s;
      await workbench.openViewContainer(containerTitle);
      const hosts = workbench.view(hostsViewName);
      await hosts.locator('.pane-body').waitFor({ state: 'visible' });

      const activation = await waitForActivation(s.server, extensionId);
      assert.ok(activation.activationEvent, 'the extension host records why it activated the extension');
      // The view is populated by the extension (tree items) or its welcome content; an empty pane would mean
      // no data provider was registered for it.
      const content = hosts.locator('[role="treeitem"], .welcome-view-content').filter({ visible: true }).first();
      const populated = await content.waitFor({ state: 'visible' }).then(() => true, () => false);
      await workbench.screenshot('activation-hosts-view');

      // Errors first: when activation threw, they say why the view stayed empty.
      const errors = extensionErrors(await readExtensionHostLog(s.server), extensionId);
      assert.deepEqual(errors, [], 'the extension host logged errors for the extension');
      assert.ok(populated, `the ${hostsViewName} view stayed empty: no tree items and no welcome content`);
    });
  });

  test('inside the extension host: a contributed command activates the extension, and every contributed command is registered', async () => {
    const s = current();
    await keepEvidenceOnFailure(s, 'activation-extension-host', async () => {
      const testsPath = path.join(s.server.root, 'extension-host-tests', 'activation.js');
      await mkdir(path.dirname(testsPath), { recursive: true });
      await writeFile(testsPath, activationCheckModule(extensionId));
      const installed = path.join(s.server.extensionsDir, await installedFolderName(s));

      const result = await runExtensionHostTests(s.browser, s.server, { developmentPath: installed, testsPath });

      assert.equal(result.exitCode, 0, `extension host checks failed:\n${result.output.join('\n')}`);
      assert.ok(result.output.some((line) => line.includes('activation check passed')), result.output.join('\n'));
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });
});

/** The installed copy (extensions/<publisher>.<name>-<version>), so the check runs the packaged code. */
async function installedFolderName(s: Session): Promise<string> {
  const folder = (await readdir(s.server.extensionsDir)).find((name) => name.startsWith(`${extensionId}-`));
  assert.ok(folder, `${extensionId} is not installed in ${s.server.extensionsDir}`);
  return folder;
}

/** A CommonJS test module for the extension host; it throws (exit code 1) on the first broken promise. */
function activationCheckModule(id: string): string {
  return `
const vscode = require('vscode');
exports.run = async function run() {
  const extension = vscode.extensions.getExtension(${JSON.stringify(id)});
  if (!extension) throw new Error('extension ${id} is not installed');
  // The manifest lists no onCommand events: running a contributed command must activate the extension anyway.
  // This window shows no VNet view and no .vnet file, so nothing else has activated it yet.
  if (extension.isActive) throw new Error('${id} was active before any command ran: this check cannot see a command activate it');
  await vscode.commands.executeCommand('vnet.showLog');
  if (!extension.isActive) throw new Error('running vnet.showLog did not activate ${id}');
  await extension.activate();
  if (!extension.isActive) throw new Error('extension ${id} did not become active');
  const contributed = (extension.packageJSON.contributes && extension.packageJSON.contributes.commands) || [];
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.map((c) => c.command).filter((command) => !registered.has(command));
  if (missing.length > 0) throw new Error('contributed commands without a handler: ' + missing.join(', '));
  console.log('activation check passed: ' + contributed.length + ' commands registered');
};
`;
}
