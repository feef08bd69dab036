// .vnet files in real VS Code: the language server behind the editor (diagnostics, completion, hover,
// rename), and Plan / Apply from the code lens converging a testbed host over real ssh, with the Hosts view
// following by itself. The workspace holds the project's examples, as a person's would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import * as path from 'node:path';
import { readExtensionHostLog } from './harness/code-server';
import { extensionErrors } from './harness/extension-log';
import { extensionId, extensionVsix } from './harness/extension-under-test';
import { repoRoot } from './harness/paths';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';
import { startTestbedHosts, type TestbedHosts } from './harness/testbed-hosts';

const VIEW = 'Hosts';
const HOST = 'lab-host';

async function exampleFiles(): Promise<Record<string, string>> {
  const dir = path.join(repoRoot, 'examples');
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.vnet'))) {
    files[`examples/${name}`] = await readFile(path.join(dir, name), 'utf8');
  }
  return files;
}

/** The data-id of every element a locator matches. */
function dataIds(locator: Locator): Promise<string[]> {
  return locator.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-id') ?? ''));
}

/** 1-based line and column of `needle` in `text`, plus `offset` characters into it. */
function positionOf(text: string, needle: string, offset = 0): { line: number; column: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `"${needle}" is not in the example`);
  const before = text.slice(0, at + offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe('.vnet files: language features and Plan/Apply against a testbed host', () => {
  let hosts: TestbedHosts | undefined;
  let session: Session | undefined;
  let examples: Record<string, string> = {};

  before(async () => {
    examples = await exampleFiles();
    const [bed, vsix] = await Promise.all([startTestbedHosts([{ label: HOST }]), extensionVsix()]);
    hosts = bed;
    session = await startSession({
      vsixPaths: [vsix],
      // Only the language server may offer completions: VS Code's own word list would offer every name too.
      settings: { ...bed.settings, 'editor.wordBasedSuggestions': 'off' },
      workspaceFiles: examples,
    });
  });

  after(async () => {
    await session?.close();
    await hosts?.stop();
  });

  function current(): { s: Session; bed: TestbedHosts } {
    assert.ok(session && hosts, 'the testbed or the code-server session did not start');
    return { s: session, bed: hosts };
  }

  test('diagnostics, completion, hover and rename in examples/a-bridge-nat.vnet', async () => {
    const { s } = current();
    await keepEvidenceOnFailure(s, 'language-features', async () => {
      const { workbench } = s;
      const file = 'examples/a-bridge-nat.vnet';
      const text = examples[file];
      await workbench.openFile(file);

      // An error typed into the file shows up in the Problems view, with the server's code; undoing clears it.
      const netns3 = positionOf(text, 'namespace netns3');
      await workbench.goToPosition(netns3.line, netns3.column);
      await workbench.page.keyboard.type('x');
      const withError = await workbench.problems((entries) => entries.some((e) => e.includes('VN-SYNTAX-UNKNOWN')));
      const error = withError.find((e) => e.includes('VN-SYNTAX-UNKNOWN')) ?? '';
      assert.match(error, /xnamespace/);
      assert.match(error, new RegExp(`\\[Ln ${netns3.line}, Col 1\\]`));
      await workbench.page.keyboard.press('Control+Z');
      await workbench.problems((entries) => !entries.some((e) => e.includes('VN-SYNTAX-UNKNOWN')));

      // Completion after "veth " on a new line offers the places the file declares.
      const lastLine = text.trimEnd().split('\n').length;
      await workbench.goToPosition(lastLine, 1);
      await workbench.page.keyboard.press('End');
      await workbench.page.keyboard.press('Enter');
      await workbench.page.keyboard.type('veth ');
      const places = ['host', 'br0', 'netns1', 'netns2', 'netns3'];
      const offered = await workbench.completionLabels((labels) => places.every((name) => labels.includes(name)));
      assert.ok(places.every((name) => offered.includes(name)), `completion offers ${JSON.stringify(offered)}`);
      await workbench.runCommand('File: Revert File');
      await workbench.page.locator('.tabs-container .tab.active:not(.dirty)').waitFor();

      // Hover on a namespace tells what it holds.
      const netns2 = positionOf(text, 'namespace netns2', 'namespace '.length + 2);
      await workbench.goToPosition(netns2.line, netns2.column);
      const hover = await workbench.hoverText(/namespace netns2/);
      assert.match(hover, /namespace netns2/);
      assert.match(hover, /veth2-peer/);

      // Rename the bridge: every reference follows (declaration, not-out, not-in and two veth ends).
      const br0 = positionOf(text, 'bridge br0', 'bridge '.length + 1);
      await workbench.goToPosition(br0.line, br0.column);
      await workbench.renameSymbol('lan0');
      // The edit arrives from the server a moment after the rename box closes.
      await workbench.activeEditor().locator('.view-line', { hasText: 'bridge lan0' }).waitFor();
      await workbench.saveActiveEditor();
      const onDisk = path.join(s.server.workspaceDir, file);
      const renamed = await workbench.waitFor(async () => {
        const saved = await readFile(onDisk, 'utf8');
        return saved.includes('lan0') ? saved : undefined;
      }, () => `${file} saved with the rename`);
      // Comments are prose, not references: only the statements count.
      const statements = renamed.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
      assert.equal(statements.match(/\bbr0\b/g), null, `br0 is left in:\n${renamed}`);
      assert.equal(statements.match(/\blan0\b/g)?.length, 5, renamed);
      assert.match(renamed, /bridge lan0 \{ address 172\.16\.0\.100\/24 \}/);
      assert.match(renamed, /veth lan0:veth2 -- netns2:veth2-peer/);
      await workbench.screenshot('language-renamed');
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });

  test('Plan and Apply from the code lens converge the host, and the Hosts view follows by itself', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'plan-apply', async () => {
      const { workbench } = s;
      const host = bed.get(HOST);
      await workbench.openViewContainer('VNet');
      const hostRow = () => workbench.treePath(VIEW, [HOST]);
      await (await hostRow()).locator('.label-description', { hasText: /^0 namespaces/ }).waitFor();

      const file = 'examples/c-net1.vnet';
      await workbench.openFile(file);

      // Plan: asks where, shows every step, changes nothing.
      await workbench.clickCodeLens('Plan');
      await workbench.pick(HOST, { title: 'Lab c-net1' });
      await workbench.page.locator('.tabs-container .tab.active[data-resource-name^="Plan"]').waitFor();
      const plan = await workbench.activeEditorText();
      assert.match(plan, /Plan for lab c-net1/);
      assert.match(plan, /\+ .*net1/);
      assert.match(plan, /\+ .*br0/);
      await workbench.waitForNotification(/Plan for lab c-net1: .*Nothing has changed\./);
      assert.equal((await host.mustSh('ip netns list')).trim(), '', 'Plan changed the host');

      // Apply: the same plan, a modal question, then the host converges.
      await workbench.page.locator(`.tabs-container .tab[data-resource-name="c-net1.vnet"]`).click();
      await workbench.clickCodeLens('Apply');
      await workbench.pick(HOST, { title: 'Lab c-net1' });
      const question = await workbench.answerDialog('Apply');
      assert.match(question.message, new RegExp(`Apply lab c-net1 on ${host.target.replace(/\./g, '\\.')}\\?`));
      await workbench.waitForNotification(/Applied lab c-net1\./, 60_000);

      assert.match(await host.mustSh('ip netns list'), /^net1\b/m);
      assert.match(await host.mustSh('ip -n net1 -br addr show dev veth1'), /^veth1@\S+\s+UP\s+192\.168\.0\.2\/24/);
      assert.match(await host.mustSh('ip -br addr show dev br0'), /^br0\s+UP\s+192\.168\.0\.1\/24/);
      assert.match(await host.mustSh('ip -n net1 route show default'), /^default via 192\.168\.0\.1 dev veth1/);
      assert.equal((await host.mustSh('cat /proc/sys/net/ipv4/ip_forward')).trim(), '1');
      const nat = await host.mustSh('iptables-save -t nat');
      assert.match(nat, /-A POSTROUTING -s 192\.168\.0\.0\/24 ! -o br0 .*-j MASQUERADE/);
      assert.match(nat, /-A PREROUTING ! -i br0 -p tcp -m tcp --dport 8088 .*-j DNAT --to-destination 192\.168\.0\.2:80/);

      // The tree shows the lab without anyone pressing refresh.
      await (await hostRow()).locator('.label-description', { hasText: /^1 namespace\b/ }).waitFor();
      await workbench.treeChildren(VIEW, [HOST, 'Namespaces'], (rows) => rows.some((r) => r.label === 'net1'));
      const bridges = await workbench.treeChildren(VIEW, [HOST, 'Bridges']);
      assert.deepEqual(bridges.map((r) => r.label), ['br0']);
      assert.match(bridges[0].description, /192\.168\.0\.1\/24 · 1 port/);
      await workbench.screenshot('plan-apply-converged');
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });

  test('Show Drift draws what was changed by hand against the file, and follows the host back to the file', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'drift', async () => {
      const { workbench } = s;
      const host = bed.get(HOST);
      // The lab of the test before, changed by hand: a namespace nobody declared, a route taken away.
      await host.mustSh('ip netns list | grep -q "^net1\\b" && ip netns add stray && ip -n net1 route del default');

      await workbench.openFile('examples/c-net1.vnet');
      await workbench.runCommand('VNet: Show Drift Against Host…');
      await workbench.pick(HOST, { title: 'Lab c-net1' });
      const title = `Drift: examples/c-net1.vnet ↔ ${host.target}`;
      const diagram = await workbench.webview(title);
      await diagram.locator('svg.vnet-diagram g.vnet-box').first().waitFor({ timeout: 60_000 });

      const onlyOnHost = diagram.locator('g.vnet-box.vnet-namespace.status-only-host');
      await onlyOnHost.first().waitFor();
      assert.deepEqual(await dataIds(onlyOnHost), ['ns:host/stray']);
      const fileOnly = diagram.locator('.vnet-line.status-only-file', { hasText: /default via 192\.168\.0\.1/ });
      await fileOnly.waitFor();
      // What the file and the host agree on is drawn plainly.
      assert.equal(await diagram.locator('g.vnet-box.vnet-namespace.status-same[data-id="ns:host/net1"]').count(), 1);
      await workbench.page.mouse.move(0, 0);
      await workbench.screenshot('drift-by-hand');

      // Put back by hand: the open panel follows the host and shows no drift left.
      await host.mustSh('ip netns del stray && ip -n net1 route add default via 192.168.0.1');
      await onlyOnHost.first().waitFor({ state: 'detached', timeout: 30_000 });
      await fileOnly.waitFor({ state: 'detached', timeout: 30_000 });
      const drifting = ['only-host', 'only-file', 'differs'].flatMap((status) => [`.vnet-el.status-${status}`, `.vnet-line.status-${status}`]);
      assert.equal(await diagram.locator(drifting.join(', ')).count(), 0, 'drift is left in the picture (the legend does not count)');

      // The same view from the host's side: closed, then opened from the host's row with the file picked.
      const tab = workbench.page.locator(`.tabs-container .tab[aria-label^="${title}"]`);
      await workbench.runCommand('View: Close Editor');
      await tab.waitFor({ state: 'detached' });
      await workbench.openViewContainer('VNet');
      await workbench.contextMenu(await workbench.treePath(VIEW, [HOST]), 'Compare with .vnet File…');
      await workbench.pick('examples/c-net1.vnet', { title: `Compare ${host.target}` });
      const again = await workbench.webview(title);
      await again.locator('g.vnet-box.vnet-namespace.status-same[data-id="ns:host/net1"]').waitFor({ timeout: 60_000 });
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });

  test('topology panels open when the window reloads come back, drawn from what they showed', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'panel-restored', async () => {
      const { workbench } = s;
      const host = bed.get(HOST);
      const drift = `Drift: examples/c-net1.vnet ↔ ${host.target}`;
      const file = 'Topology: examples/c-net1.vnet';
      const tab = (title: string) => workbench.page.locator(`.tabs-container .tab[aria-label^="${title}"]`);
      // The drift panel of the test before (opened here if that test did not get so far), then the file's own.
      if (!(await tab(drift).count())) {
        await workbench.openFile('examples/c-net1.vnet');
        await workbench.runCommand('VNet: Show Drift Against Host…');
        await workbench.pick(HOST, { title: 'Lab c-net1' });
        await tab(drift).waitFor();
      }
      await workbench.openFile('examples/c-net1.vnet');
      await workbench.runCommand('VNet: Show Topology');
      const net1 = 'g.vnet-box.vnet-namespace[data-id="ns:host/net1"]';
      await (await workbench.webview(file)).locator(net1).waitFor({ timeout: 60_000 });

      // As a person reloads: the command saves the workbench's state (open editors, webview states) first.
      const reloaded = workbench.page.waitForEvent('load', { timeout: 60_000 });
      reloaded.catch(() => undefined); // awaited below; this only keeps a failed command from leaving it unhandled
      await workbench.runCommand('Developer: Reload Window');
      await reloaded;
      await workbench.waitUntilReady();
      // The file's panel, in front when the window went, is drawn again from the file.
      await (await workbench.webview(file)).locator(net1).waitFor({ timeout: 60_000 });
      // The drift panel is back behind it. (Its host comes from the settings, which VS Code may hand to an
      // extension started this early only later; the Show Drift test above shows it following the host.)
      await tab(drift).waitFor();
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });
});
