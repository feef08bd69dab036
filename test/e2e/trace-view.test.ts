// Traces on the topology and the Reachability Matrix in real VS Code, against a testbed host with scenario A
// built by hand (the tutorial's commands): "Trace from here…" in the diagram's context menu draws the path
// with its drop point, the details pane lists the hops, and the matrix opens from the host's row, verifies
// its grid with real pings (inside the testbed), and opens a cell's trace on the topology.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { readExtensionHostLog } from './harness/code-server';
import { extensionErrors } from './harness/extension-log';
import { extensionId, extensionVsix } from './harness/extension-under-test';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';
import { startTestbedHosts, type TestbedHosts } from './harness/testbed-hosts';

const VIEW = 'Hosts';
const HOST = 'lab-a';

describe('traces on the topology and the Reachability Matrix against a testbed host', () => {
  let hosts: TestbedHosts | undefined;
  let session: Session | undefined;

  before(async () => {
    const [bed, vsix] = await Promise.all([startTestbedHosts([{ label: HOST, scenario: 'A' }]), extensionVsix()]);
    hosts = bed;
    session = await startSession({ vsixPaths: [vsix], settings: bed.settings, viewport: { width: 1400, height: 1100 } });
    await session.workbench.openViewContainer('VNet');
  });

  after(async () => {
    await session?.close();
    await hosts?.stop();
  });

  function current(): { s: Session; bed: TestbedHosts } {
    assert.ok(session && hosts, 'the testbed or the code-server session did not start');
    return { s: session, bed: hosts };
  }

  test('"Trace from here…" draws the request path and the drop point, with the reason; the pane lists the hops', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'trace-from-here', async () => {
      const { workbench } = s;
      const target = bed.get(HOST).target;
      const host = encodeURIComponent(target);
      // Connected (the row counts the namespaces): only then does its menu offer the host's commands.
      await (await workbench.treePath(VIEW, [HOST])).locator('.label-description', { hasText: /^3 namespaces/ }).waitFor();
      await workbench.contextMenu(await workbench.treePath(VIEW, [HOST]), 'Show Topology');
      const diagram = await drawn(workbench.webview(`Topology: ${target}`));

      // netns2 → netns1: 172.16.0.2 is on netns2's own subnet, so it asks br0's ports, and netns1 hangs off veth1.
      await diagram.locator(`g.vnet-box[data-id="ns:${host}/netns2"] > rect.vnet-frame`).click({ button: 'right' });
      await diagram.locator('.vnet-menu button', { hasText: 'Trace from here…' }).click();
      await workbench.pick('netns1', { title: 'Trace from netns2' });
      await workbench.pick('ICMP', { title: /Trace from netns2 to netns1/ });

      const drop = diagram.locator('[data-trace="drop"]');
      await drop.waitFor({ timeout: 30_000 });
      assert.equal(await drop.getAttribute('data-trace-of'), `br:${host}/host/br0`);
      assert.match(await drop.locator('text').textContent() ?? '', /^dropped: no neighbour answers for 172\.16\.0\.2 on br0$/);
      const request = await traced(diagram, 'request');
      for (const id of [`ns:${host}/netns2`, `if:${host}/netns2/veth2-peer`, `link:if:${host}/host/veth2|if:${host}/netns2/veth2-peer`, `br:${host}/host/br0`]) {
        assert.ok(request.includes(id), `${id} is on the request path; it holds ${JSON.stringify(request)}`);
      }
      assert.deepEqual(await traced(diagram, 'reply'), [], 'a dropped request has no reply');

      // The details pane: the verdict, then every hop; a hop selects its element.
      await diagram.locator('.vnet-trace-title', { hasText: 'icmp netns2 → netns1: dropped (request)' }).waitFor();
      const hops = diagram.locator('.vnet-trace-hop');
      assert.ok(await hops.count() >= 3, 'the request\'s hops are listed');
      await hops.filter({ hasText: /^netns2 veth2-peer: routed out veth2-peer/ }).first().click();
      await diagram.locator(`g.vnet-port.selected[data-id="if:${host}/netns2/veth2-peer"]`).waitFor();
      await workbench.page.mouse.move(0, 0);
      await workbench.screenshot('trace-from-here');

      await diagram.locator('.vnet-toolbar button', { hasText: 'Clear Trace' }).click();
      await diagram.locator('[data-trace]').first().waitFor({ state: 'detached' });
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });

  test('"Trace to…" on an interface row asks for the destination and protocol, then draws the trace on the topology', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'trace-to', async () => {
      const { workbench } = s;
      const target = bed.get(HOST).target;
      const host = encodeURIComponent(target);
      await (await workbench.treePath(VIEW, [HOST])).locator('.label-description', { hasText: /^3 namespaces/ }).waitFor();
      // From netns3's interface: it sends from 172.16.0.103, across br0 to netns2's web port.
      await workbench.contextMenu(await workbench.treePath(VIEW, [HOST, 'Namespaces', 'netns3', 'veth3-peer']), 'Trace to…');
      await workbench.pick('netns2', { title: 'Trace from 172.16.0.103' });
      await workbench.pick('TCP…', { title: /Trace from 172\.16\.0\.103 to netns2/ });
      await workbench.answerInput('80', { title: /Trace from 172\.16\.0\.103 to netns2/ });
      await workbench.collapsePath(VIEW, [HOST, 'Namespaces']);
      const diagram = await drawn(workbench.webview(`Topology: ${target}`));
      await diagram.locator('.vnet-trace-title', { hasText: /^tcp 80 172\.16\.0\.103 → netns2: reachable/ }).waitFor({ timeout: 30_000 });
      const veth3 = `link:if:${host}/host/veth3|if:${host}/netns3/veth3-peer`;
      const veth2 = `link:if:${host}/host/veth2|if:${host}/netns2/veth2-peer`;
      for (const direction of ['request', 'reply'] as const) {
        const path = await traced(diagram, direction);
        for (const id of [veth3, veth2, `br:${host}/host/br0`]) assert.ok(path.includes(id), `${id} is on the ${direction} path; it holds ${JSON.stringify(path)}`);
      }
      assert.equal(await diagram.locator('[data-trace="drop"]').count(), 0, 'a trace that gets through has no drop point');
    });
  });

  test('the Reachability Matrix opens from the host row, verifies live, and a cell opens its trace', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'reachability-matrix', async () => {
      const { workbench } = s;
      const target = bed.get(HOST).target;
      await (await workbench.treePath(VIEW, [HOST])).locator('.label-description', { hasText: /^3 namespaces/ }).waitFor();
      await workbench.contextMenu(await workbench.treePath(VIEW, [HOST]), 'Reachability Matrix');
      const matrix = await workbench.webview(`Reachability: ${HOST}`);
      await matrix.locator('table.vnet-matrix').waitFor({ timeout: 30_000 });
      const columns = await matrix.locator('th.vnet-matrix-to').allTextContents();
      for (const name of ['host', 'netns1', 'netns2', 'netns3']) assert.ok(columns.includes(name), `column ${name}; the grid has ${JSON.stringify(columns)}`);
      const cell = (from: string, to: string) => matrix.locator(`button.vnet-matrix-cell[data-from="${from}"][data-to="${to}"]`);
      assert.equal(await cell('netns2', 'netns3').textContent(), '✓');
      assert.equal(await cell('netns1', 'netns2').textContent(), '✗');
      assert.match(await cell('netns1', 'netns2').getAttribute('title') ?? '', /no neighbour answers for 172\.16\.0\.102/);

      await matrix.locator('button', { hasText: 'Verify live' }).click();
      await matrix.locator('.vnet-status', { hasText: /^Live:/ }).waitFor({ timeout: 60_000 });
      assert.equal(await cell('netns2', 'netns3').textContent(), '✓ live ✓', 'netns2 pings netns3 across br0');
      assert.equal(await cell('netns1', 'netns2').textContent(), '✗ live ✗', 'netns1 cannot reach netns2');
      await workbench.screenshot('reachability-matrix');

      await cell('netns1', 'netns2').click();
      const diagram = await drawn(workbench.webview(`Topology: ${target}`));
      const drop = diagram.locator('[data-trace="drop"]');
      await drop.waitFor({ timeout: 30_000 });
      assert.equal(await drop.getAttribute('data-trace-of'), `if:${encodeURIComponent(target)}/netns1/veth1-peer`);
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });
});

/** The topology panel's SVG, once laid out and drawn (the layout runs in a worker, so wait for it). */
async function drawn(frame: Promise<FrameLocator>): Promise<FrameLocator> {
  const diagram = await frame;
  await diagram.locator('svg.vnet-diagram g.vnet-box').first().waitFor({ timeout: 60_000 });
  return diagram;
}

/** The ids of the elements the drawn trace highlights in one direction. */
function traced(diagram: FrameLocator, direction: 'request' | 'reply'): Promise<string[]> {
  return diagram.locator(`[data-trace="${direction}"]`).evaluateAll((elements) => elements.map((e) => e.getAttribute('data-trace-of') ?? ''));
}
