// The Hosts view and the topology panel in real VS Code, against testbed hosts reached over real ssh: the
// packaged .vsix in code-server, `vnet.hosts` and `vnet.ssh.options` in the user settings, host keys trusted
// through the testbed's known_hosts file. Three hosts share one code-server:
//   lab-a  scenario A built by hand (the tutorial's ip/iptables commands)
//   odd    namespaces and interfaces with names made to break markup
//   bench  empty; the context-menu commands change it, and ssh checks what they did
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameLocator } from 'playwright-core';
import { shellCommand } from '../../src/model/shell';
import { readExtensionHostLog } from './harness/code-server';
import { extensionErrors } from './harness/extension-log';
import { extensionId, extensionVsix } from './harness/extension-under-test';
import { keepEvidenceOnFailure, startSession, type Session } from './harness/session';
import { startTestbedHosts, type TestbedHosts } from './harness/testbed-hosts';
import type { TreeRow } from './harness/workbench';

const VIEW = 'Hosts';

/** Names a host can hold that would run script if anything rendered them as markup. */
const HOSTILE_NAMESPACE = '<img src=x onerror=alert(1)>';
const QUOTED_NAMESPACE = `q"u&o'te&amp;`;
const HOSTILE_IFACE_A = 'v<i>&"';
const HOSTILE_IFACE_B = "v'x&lt;";

const hostileScript = [
  shellCommand(['ip', 'netns', 'add', HOSTILE_NAMESPACE]),
  shellCommand(['ip', 'netns', 'add', QUOTED_NAMESPACE]),
  shellCommand(['ip', 'link', 'add', HOSTILE_IFACE_A, 'netns', HOSTILE_NAMESPACE, 'type', 'veth', 'peer', 'name', HOSTILE_IFACE_B, 'netns', QUOTED_NAMESPACE]),
  shellCommand(['ip', '-n', HOSTILE_NAMESPACE, 'link', 'set', HOSTILE_IFACE_A, 'up']),
  shellCommand(['ip', '-n', QUOTED_NAMESPACE, 'link', 'set', HOSTILE_IFACE_B, 'up']),
].join('\n');

describe('Hosts view and topology against testbed hosts', () => {
  let hosts: TestbedHosts | undefined;
  let session: Session | undefined;
  /** Dialogs (alert, confirm) any frame of the page opened: an injected script would show up here. */
  const pageDialogs: string[] = [];

  before(async () => {
    const [bed, vsix] = await Promise.all([
      startTestbedHosts([
        { label: 'lab-a', scenario: 'A' },
        { label: 'odd', script: hostileScript },
        { label: 'bench' },
      ]),
      extensionVsix(),
    ]);
    hosts = bed;
    session = await startSession({ vsixPaths: [vsix], settings: bed.settings, viewport: { width: 1400, height: 1200 } });
    session.workbench.page.on('dialog', (dialog) => {
      pageDialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
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

  const labels = (rows: TreeRow[]) => rows.map((r) => r.label);

  test('the tree shows scenario A as built by hand: namespaces, bridges, links and NAT rules', async () => {
    const { s } = current();
    await keepEvidenceOnFailure(s, 'hosts-tree-scenario-a', async () => {
      const { workbench } = s;
      const host = await workbench.treePath(VIEW, ['lab-a']);
      // Connected: the host row counts the namespaces besides the root one.
      await host.locator('.label-description', { hasText: /^3 namespaces/ }).waitFor();

      const namespaces = await workbench.treeChildren(VIEW, ['lab-a', 'Namespaces']);
      assert.deepEqual(labels(namespaces), ['host', 'netns1', 'netns2', 'netns3']);
      const root = await workbench.treeChildren(VIEW, ['lab-a', 'Namespaces', 'host']);
      const veth1 = root.find((r) => r.label === 'veth1');
      assert.ok(veth1, `the root namespace lists veth1; it lists ${JSON.stringify(labels(root))}`);
      assert.match(veth1.description, /172\.16\.0\.1\/24 · ⇄ netns1:veth1-peer/);
      assert.match(root.find((r) => r.label === 'veth2')?.description ?? '', /⇄ netns2:veth2-peer · on br0/);
      assert.ok(labels(root).includes('forwarding on'), 'forwarding is on in the root namespace');
      await workbench.screenshot('hosts-tree-scenario-a');
      await workbench.collapsePath(VIEW, ['lab-a', 'Namespaces']);

      const bridges = await workbench.treeChildren(VIEW, ['lab-a', 'Bridges']);
      assert.deepEqual(labels(bridges), ['br0']);
      assert.match(bridges[0].description, /172\.16\.0\.100\/24 · 2 ports/);
      const ports = await workbench.treeChildren(VIEW, ['lab-a', 'Bridges', 'br0']);
      assert.deepEqual(labels(ports).sort(), ['veth2', 'veth3']);
      await workbench.collapsePath(VIEW, ['lab-a', 'Bridges']);

      const links = labels(await workbench.treeChildren(VIEW, ['lab-a', 'Links']));
      for (const pair of ['host:veth1 ⇄ netns1:veth1-peer', 'host:veth2 ⇄ netns2:veth2-peer', 'host:veth3 ⇄ netns3:veth3-peer']) {
        assert.ok(links.includes(pair), `Links shows ${pair}; it shows ${JSON.stringify(links)}`);
      }
      await workbench.collapsePath(VIEW, ['lab-a', 'Links']);

      const nat = ['lab-a', 'NAT', 'host'];
      assert.deepEqual(labels(await workbench.treeChildren(VIEW, nat)), ['PREROUTING', 'POSTROUTING']);
      assert.deepEqual(labels(await workbench.treeChildren(VIEW, [...nat, 'PREROUTING'])),
        ['tcp :8088 → 172.16.0.102:80 arriving by any but br0']);
      assert.deepEqual(labels(await workbench.treeChildren(VIEW, [...nat, 'POSTROUTING'])),
        ['masquerade 172.16.0.0/24 leaving by any but br0']);
      await workbench.collapsePath(VIEW, ['lab-a', 'NAT']);
    });
  });

  test('each row\'s context menu offers that row\'s commands, and only removals that apply to it', async () => {
    const { s } = current();
    await keepEvidenceOnFailure(s, 'context-menus', async () => {
      const { workbench } = s;
      const removals = ['Remove Host', 'Remove Namespace…', 'Remove veth Pair…', 'Remove Bridge…', 'Remove Interface…'];
      const menuOf = async (path: string[]) => workbench.contextMenuEntries(await workbench.treePath(VIEW, path));
      const expectations: { path: string[]; offers: string[]; removes: string[] }[] = [
        { path: ['lab-a'], offers: ['Add Namespace…', 'Add Bridge…', 'Add veth Pair…', 'Add Masquerade Rule…', 'Add Port Forward…', 'Show Topology', 'Export Host as .vnet', 'Refresh Hosts'], removes: ['Remove Host'] },
        { path: ['lab-a', 'Namespaces'], offers: ['Add Namespace…'], removes: [] },
        { path: ['lab-a', 'Namespaces', 'host'], offers: ['Open Shell in Namespace', 'Add veth Pair…', 'Add Route…', 'Toggle Forwarding'], removes: [] },
        { path: ['lab-a', 'Namespaces', 'netns1'], offers: ['Open Shell in Namespace', 'Ping from Namespace…'], removes: ['Remove Namespace…'] },
        { path: ['lab-a', 'Namespaces', 'host', 'veth1'], offers: ['Watch Packets in Terminal', 'Capture on Interface…', 'Add Address…'], removes: ['Remove veth Pair…'] },
        { path: ['lab-a', 'Namespaces', 'host', 'br0'], offers: ['Add veth Pair…', 'Add Address…'], removes: ['Remove Bridge…'] },
        { path: ['lab-a', 'Namespaces', 'host', 'lo'], offers: ['Watch Packets in Terminal', 'Capture on Interface…'], removes: [] },
      ];
      const wrong: string[] = [];
      for (const { path, offers, removes } of expectations) {
        const menu = await menuOf(path);
        const missing = offers.filter((entry) => !menu.includes(entry));
        const removalsShown = menu.filter((entry) => removals.includes(entry));
        if (missing.length || JSON.stringify(removalsShown) !== JSON.stringify(removes)) {
          wrong.push(`${path.join(' › ')}: offers ${JSON.stringify(menu)}; expected it to include ${JSON.stringify(offers)} and, of the removals, exactly ${JSON.stringify(removes)}`);
        }
      }
      await workbench.collapsePath(VIEW, ['lab-a', 'Namespaces']);
      assert.deepEqual(wrong, []);
    });
  });

  test('Show Topology draws every namespace and every veth pair of the host', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'topology-scenario-a', async () => {
      const { workbench } = s;
      const target = bed.get('lab-a');
      await workbench.contextMenu(await workbench.treePath(VIEW, ['lab-a']), 'Show Topology');
      const diagram = await topologyDiagram(workbench.webview(`Topology: ${target.target}`));

      const host = encodeURIComponent(target.target);
      // Every namespace the host has, as the host itself lists them.
      const onHost = (await target.mustSh('ip netns list')).split('\n').map((line) => line.split(' ')[0]).filter(Boolean);
      const boxes = await diagramIds(diagram, 'g.vnet-box.vnet-namespace');
      assert.deepEqual(boxes.sort(), onHost.map((ns) => `ns:${host}/${ns}`).sort());
      assert.deepEqual(await diagramIds(diagram, 'g.vnet-box.vnet-host'), [`host:${host}`]);
      assert.deepEqual(await diagramIds(diagram, 'g.vnet-box.vnet-bridge'), [`br:${host}/host/br0`]);

      const end = (ns: string, iface: string) => `if:${host}/${ns}/${iface}`;
      const veths = await diagramIds(diagram, 'g.vnet-link.kind-veth');
      assert.deepEqual(veths.sort(), [
        `link:${end('host', 'veth1')}|${end('netns1', 'veth1-peer')}`,
        `link:${end('host', 'veth2')}|${end('netns2', 'veth2-peer')}`,
        `link:${end('host', 'veth3')}|${end('netns3', 'veth3-peer')}`,
      ]);
      // The published port: an arrow from outside to the host's edge, and on to the namespace it reaches.
      const dnat = await diagramIds(diagram, 'g.vnet-link.kind-dnat');
      assert.equal(dnat.length, 1);
      assert.ok(dnat[0].endsWith(`>${end('netns2', 'veth2-peer')}`), dnat[0]);
      assert.equal((await diagramIds(diagram, 'g.vnet-link.kind-dnat-entry')).length, 1);
      // The ports are labelled with names and addresses a person reads.
      await diagram.locator('g.vnet-port text.vnet-name', { hasText: /^veth2-peer$/ }).waitFor();
      await diagram.locator('g.vnet-port text.vnet-addr', { hasText: /^172\.16\.0\.102\/24$/ }).waitFor();
      await workbench.page.mouse.move(0, 0);
      await workbench.screenshot('topology-scenario-a');
      // Nothing but the diagram and its toolbar shows until someone right-clicks (the menu is built hidden).
      assert.equal(await diagram.locator('.vnet-menu').isVisible(), false, 'the empty context menu shows in the panel');
    });
  });

  test('hostile names on a host render as text, in the tree and in the topology', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'hostile-names', async () => {
      const { workbench, page } = { workbench: s.workbench, page: s.workbench.page };
      const namespaces = labels(await workbench.treeChildren(VIEW, ['odd', 'Namespaces'], (rows) => rows.length === 3));
      assert.deepEqual(namespaces, ['host', HOSTILE_NAMESPACE, QUOTED_NAMESPACE]);
      const inside = await workbench.treeChildren(VIEW, ['odd', 'Namespaces', HOSTILE_NAMESPACE],
        (rows) => rows.some((r) => r.label === HOSTILE_IFACE_A));
      assert.match(inside.find((r) => r.label === HOSTILE_IFACE_A)?.description ?? '', new RegExp(`⇄ ${escapeRegExp(`${QUOTED_NAMESPACE}:${HOSTILE_IFACE_B}`)}`));
      // The literal text is on screen, and nothing it spells became an element.
      await workbench.view(VIEW).getByText(HOSTILE_NAMESPACE, { exact: true }).first().waitFor();
      assert.equal(await workbench.view(VIEW).locator('img, i, [onerror]').count(), 0, 'a name turned into markup in the Hosts view');
      assert.equal(await page.locator('img[src="x"], [onerror]').count(), 0, 'a name turned into markup in the workbench');
      await workbench.screenshot('hostile-names-tree');
      await workbench.collapsePath(VIEW, ['odd', 'Namespaces']);

      const target = bed.get('odd');
      await workbench.contextMenu(await workbench.treePath(VIEW, ['odd']), 'Show Topology');
      const diagram = await topologyDiagram(workbench.webview(`Topology: ${target.target}`));
      const host = encodeURIComponent(target.target);
      const boxes = await diagramIds(diagram, 'g.vnet-box.vnet-namespace');
      assert.deepEqual(boxes.sort(), [`ns:${host}/${encodeURIComponent(HOSTILE_NAMESPACE)}`, `ns:${host}/${encodeURIComponent(QUOTED_NAMESPACE)}`].sort());
      for (const name of [HOSTILE_NAMESPACE, QUOTED_NAMESPACE]) {
        await diagram.locator('g.vnet-namespace text', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }).first().waitFor();
      }
      for (const name of [HOSTILE_IFACE_A, HOSTILE_IFACE_B]) {
        await diagram.locator('g.vnet-port text.vnet-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }).waitFor();
      }
      assert.equal((await diagramIds(diagram, 'g.vnet-link.kind-veth')).length, 1, 'the pair between the two namespaces is drawn');
      const injected = await diagram.locator('img, i, foreignObject, [onerror]').evaluateAll((elements) => elements.map((e) => e.outerHTML));
      assert.deepEqual(injected, [], 'a name turned into markup in the topology');
      await page.mouse.move(0, 0);
      await workbench.screenshot('hostile-names-topology');
      assert.deepEqual(pageDialogs, [], 'a name ran script');
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });

  test('Add Namespace and Add veth Pair from the context menu change the host; Remove takes them away', async () => {
    const { s, bed } = current();
    await keepEvidenceOnFailure(s, 'tree-commands', async () => {
      const { workbench } = s;
      const bench = bed.get('bench');
      const namespacesOnHost = async () => (await bench.mustSh('ip netns list')).split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
      await (await workbench.treePath(VIEW, ['bench'])).locator('.label-description', { hasText: /^0 namespaces/ }).waitFor();

      // A namespace, through the host's context menu and an input box.
      await workbench.contextMenu(await workbench.treePath(VIEW, ['bench']), 'Add Namespace…');
      await workbench.answerInput('blue', { title: 'Add namespace' });
      await workbench.treePath(VIEW, ['bench', 'Namespaces', 'blue']);
      assert.deepEqual(await namespacesOnHost(), ['blue']);

      // A veth pair between the host and blue, through the wizard: two picks, two names, two addresses.
      await workbench.contextMenu(await workbench.treePath(VIEW, ['bench']), 'Add veth Pair…');
      await workbench.pick('host', { title: '1/7: first end' });
      await workbench.pick('blue', { title: '2/7: second end' });
      await workbench.answerInput('veth-blue', { title: '3/7: first name' });
      await workbench.answerInput('eth0', { title: '4/7: second name' });
      await workbench.answerInput('10.50.0.1/24', { title: '5/7: first address' });
      await workbench.answerInput('10.50.0.2/24', { title: '6/7: second address' });
      const pair = 'host:veth-blue ⇄ blue:eth0';
      const links = await workbench.treeChildren(VIEW, ['bench', 'Links'], (rows) => rows.some((r) => r.label === pair));
      assert.equal(links.find((r) => r.label === pair)?.description, '10.50.0.1/24 ⇄ 10.50.0.2/24');
      assert.match(await bench.mustSh('ip -br addr show dev veth-blue'), /^veth-blue@\S+\s+UP\s+10\.50\.0\.1\/24/);
      assert.match(await bench.mustSh('ip -n blue -br addr show dev eth0'), /^eth0@\S+\s+UP\s+10\.50\.0\.2\/24/);
      await workbench.screenshot('tree-commands-added');

      // Remove the pair from its row in Links: the dialog names both ends, and both go.
      await workbench.contextMenu(await workbench.treePath(VIEW, ['bench', 'Links', pair]), 'Remove veth Pair…');
      const pairDialog = await workbench.answerDialog('Remove');
      assert.match(pairDialog.message, /Remove veth pair host:veth-blue ⇄ blue:eth0 from bench\?/);
      await workbench.treeChildren(VIEW, ['bench', 'Links'], (rows) => !rows.some((r) => r.label === pair));
      assert.equal((await bench.sh('ip link show dev veth-blue')).exitCode, 1, 'veth-blue is gone from the host');

      // Remove the namespace from its row.
      await workbench.contextMenu(await workbench.treePath(VIEW, ['bench', 'Namespaces', 'blue']), 'Remove Namespace…');
      const nsDialog = await workbench.answerDialog('Remove');
      assert.match(nsDialog.message, /Remove namespace blue from bench\?/);
      await workbench.treeChildren(VIEW, ['bench', 'Namespaces'], (rows) => labels(rows).join() === 'host');
      assert.deepEqual(await namespacesOnHost(), []);
      assert.deepEqual(extensionErrors(await readExtensionHostLog(s.server), extensionId), []);
    });
  });
});

/** The topology panel's SVG, once laid out and drawn (the layout runs in a worker, so wait for it). */
async function topologyDiagram(frame: Promise<FrameLocator>): Promise<FrameLocator> {
  const diagram = await frame;
  await diagram.locator('svg.vnet-diagram g.vnet-box').first().waitFor({ timeout: 60_000 });
  return diagram;
}

/** The data-id of every diagram element matching a selector. */
function diagramIds(diagram: FrameLocator, selector: string): Promise<string[]> {
  return diagram.locator(selector).evaluateAll((elements) => elements.map((e) => e.getAttribute('data-id') ?? ''));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
