// The harness reads VS Code's extension host log to tell "activated" from "activated and threw". These lines
// are copied from a real code-server 4.100.3 log, so a format change upstream shows up here first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extensionErrors } from './harness/extension-log';

const realLog = `2026-11-23 15:16:14.528 [info] Lock '/tmp/vnet-e2e-Iyj6O4/user-data/User/workspaceStorage/2712707a/vscode.lock': Lock acquired.
2026-11-23 15:16:14.609 [info] ExtensionService#_doActivateExtension vnet.vnet, startup: false, activationEvent: 'onView:vnet.hosts'
2026-11-23 15:16:14.610 [error] Activating extension vscode.other failed due to an error:
2026-11-23 15:16:14.610 [error] Error: not ours
	at x (/tmp/vnet-e2e-Iyj6O4/extensions/vscode.other-1.0.0/dist/extension.js:1:1)
2026-11-23 15:16:14.659 [error] Activating extension vnet.vnet failed due to an error:
2026-11-23 15:16:14.659 [error] Error: boom from fixture
	at l (/tmp/vnet-e2e-Iyj6O4/extensions/vnet.vnet-0.0.1/dist/extension.js:1:725)
	at ly.kb (file:///work/main/.cache/code-server/node_modules/code-server/lib/vscode/out/vs/workbench/api/node/extensionHostProcess.js:123:15268)
2026-11-23 15:16:15.001 [info] Eager extensions activated
`;

test('extensionErrors keeps the failed activation and the stack through our files, nothing else', () => {
  const errors = extensionErrors(realLog, 'vnet.vnet');
  assert.equal(errors.length, 2);
  assert.match(errors[0], /Activating extension vnet\.vnet failed/);
  assert.match(errors[1], /boom from fixture\n\tat l \(.*vnet\.vnet-0\.0\.1\/dist\/extension\.js/);
  assert.ok(!errors.some((entry) => entry.includes('not ours')));
});

test('extensionErrors finds nothing in a clean activation', () => {
  const clean = realLog
    .split('\n')
    .filter((line) => !line.includes('[error]') && !line.startsWith('\t'))
    .join('\n');
  assert.deepEqual(extensionErrors(clean, 'vnet.vnet'), []);
});
