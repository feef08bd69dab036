// The demo seen through a browser, as its user will see it: the workbench loads, the VNet view connects to
// every demo host over ssh (from code-server, through the ProxyCommand in the settings). `--check` stops
// there; `--screenshots` also takes the README's pictures of the Hosts tree and the topology panel.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../e2e/harness/browser';
import type { CodeServer } from '../e2e/harness/code-server';
import type { LabHost } from '../e2e/harness/testbed-hosts';
import { Workbench } from '../e2e/harness/workbench';

const VIEW = 'Hosts';
/** A common laptop window; the pictures stay readable when the README scales them down. */
const VIEWPORT = { width: 1280, height: 800 };

export interface BrowserCheckOptions {
  /** Where to write hosts-tree.png and topology.png; no pictures when absent. */
  screenshotsDir?: string;
  log(line: string): void;
}

/** Opens the workbench and waits until every host is connected; fails naming the host that is not. */
export async function checkInBrowser(server: CodeServer, hosts: readonly LabHost[], options: BrowserCheckOptions): Promise<void> {
  const browser = await launchBrowser();
  try {
    const workbench = await Workbench.open(browser, server, { viewport: VIEWPORT });
    await workbench.openViewContainer('VNet');
    for (const { label } of hosts) {
      const row = await workbench.treePath(VIEW, [label], 60_000);
      try {
        await row.locator('.label-description', { hasText: /^\d+ namespaces?\b/ }).waitFor({ timeout: 60_000 });
      } catch {
        const shown = await row.locator('.label-description').textContent().catch(() => '');
        throw new Error(`the Hosts view did not connect to ${label}: it shows "${shown ?? ''}"`);
      }
      options.log(`  ${label}: connected in the Hosts view`);
    }
    if (options.screenshotsDir) await takeScreenshots(workbench, hosts, options.screenshotsDir, options.log);
  } finally {
    await browser.close();
  }
}

async function takeScreenshots(workbench: Workbench, hosts: readonly LabHost[], dir: string, log: (line: string) => void): Promise<void> {
  await mkdir(dir, { recursive: true });
  const page = workbench.page;
  const [first, ...others] = hosts.map((h) => h.label);
  // Room for the descriptions (addresses, peers) next to the labels: drag the side bar's edge to the right.
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (sidebar) {
    const edge = { x: sidebar.x + sidebar.width + 1, y: sidebar.y + sidebar.height / 2 };
    await page.mouse.move(edge.x, edge.y);
    await page.mouse.down();
    await page.mouse.move(edge.x + 150, edge.y, { steps: 10 });
    await page.mouse.up();
  }

  // The tree: one host opened up far enough to show each kind of row, the others folded.
  for (const label of others) await workbench.collapsePath(VIEW, [label]);
  await workbench.treeChildren(VIEW, [first, 'Namespaces']);
  await workbench.treeChildren(VIEW, [first, 'Links']);
  await workbench.treeChildren(VIEW, [first, 'NAT', 'host', 'PREROUTING']);
  await workbench.treeChildren(VIEW, [first, 'NAT', 'host', 'POSTROUTING']);
  await workbench.openFile('examples/a-bridge-nat.vnet');
  await workbench.activeEditor().locator('.codelens-decoration a').first().waitFor();
  await restMouse(page);
  const tree = path.join(dir, 'hosts-tree.png');
  await page.screenshot({ path: tree });
  log(`  wrote ${tree}`);

  // The topology of the same host, laid out, with the whole window for it.
  await workbench.contextMenu(await workbench.treePath(VIEW, [first]), 'Show Topology');
  const frame = await workbench.webview('Topology:');
  await frame.locator('svg.vnet-diagram g.vnet-box.vnet-namespace').first().waitFor({ timeout: 60_000 });
  await page.keyboard.press('Control+B');
  await page.locator('.part.sidebar').waitFor({ state: 'hidden' });
  await frame.getByRole('button', { name: 'Fit' }).click();
  // A namespace selected: its details fill the pane beside the diagram.
  const namespaces = frame.locator('g.vnet-box.vnet-namespace');
  await namespaces.nth(1).locator('rect.vnet-frame').click();
  // Without the focus ring the click leaves around the diagram.
  await frame.locator(':focus').evaluateAll((elements) => elements.forEach((e) => (e as HTMLElement).blur()));
  await restMouse(page);
  const topology = path.join(dir, 'topology.png');
  await page.screenshot({ path: topology });
  log(`  wrote ${topology}`);
}

/** Parks the pointer where it opens no tooltip, and waits for any open one to go. */
async function restMouse(page: Page): Promise<void> {
  await page.mouse.move(VIEWPORT.width / 2, VIEWPORT.height - 2);
  await page.locator('.workbench-hover, .monaco-hover:not(.hidden)').filter({ visible: true }).first().waitFor({ state: 'hidden' }).catch(() => undefined);
}
