// A VS Code workbench page and the few gestures tests need, written the way a person uses VS Code: the
// command palette, the activity bar, tree items, quick open, notifications. Selectors are VS Code 1.100's DOM;
// when an upgrade breaks one, it breaks here only.
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import type { Browser, FrameLocator, Locator, Page } from 'playwright-core';
import type { CodeServer } from './code-server';
import { resultsDir } from './paths';

const uiTimeoutMs = 30_000;

export interface OpenOptions {
  /** Pairs for VS Code's `payload` URL parameter (e.g. extensionDevelopmentPath / extensionTestsPath). */
  payload?: ReadonlyArray<readonly [string, string]>;
  viewport?: { width: number; height: number };
}

export class Workbench {
  private constructor(
    readonly page: Page,
    readonly server: CodeServer,
    /** Errors the page logged to its console, for a test to inspect or report. */
    readonly consoleErrors: string[],
  ) {}

  static async open(browser: Browser, server: CodeServer, options: OpenOptions = {}): Promise<Workbench> {
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
    page.setDefaultTimeout(uiTimeoutMs);
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    const workbench = new Workbench(page, server, consoleErrors);
    await page.goto(workbench.urlFor(options.payload));
    await workbench.waitUntilReady();
    return workbench;
  }

  /** The workbench URL for this server's workspace, with an optional `payload`. */
  urlFor(payload?: ReadonlyArray<readonly [string, string]>): string {
    const url = new URL(this.server.url);
    url.searchParams.set('folder', this.server.workspaceDir);
    if (payload) url.searchParams.set('payload', JSON.stringify(payload));
    return url.toString();
  }

  /** A file URI the remote (code-server side) extension host understands, for payload entries. */
  remoteUri(absolutePath: string): string {
    return `vscode-remote://${new URL(this.server.url).host}${absolutePath}`;
  }

  async waitUntilReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.activitybar').waitFor({ timeout: 60_000 });
    await this.page.locator('.statusbar').waitFor({ timeout: 60_000 });
  }

  /** Runs a command by its palette title (e.g. "VNet: Refresh Hosts"), as a person would. */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickInput('F1');
    await input.fill(`>${title}`);
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const row = rows.filter({ has: this.page.locator('.label-name', { hasText: exactly(title) }) }).first();
    try {
      await row.waitFor({ timeout: 10_000 });
    } catch {
      const offered = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('aria-label')));
      await this.page.keyboard.press('Escape');
      throw new Error(`command "${title}" is not in the command palette; it offered: ${JSON.stringify(offered)}`);
    }
    await row.click();
  }

  /** Opens an activity-bar container by its title (e.g. "VNet") and returns the side bar. */
  async openViewContainer(title: string): Promise<Locator> {
    const button = this.page.locator(`.activitybar .action-item a[aria-label="${cssString(title)}"]`);
    await button.waitFor();
    const sidebar = this.page.locator('.part.sidebar');
    const heading = sidebar.locator('.composite.title');
    // Clicking an already-open container closes it, so click only when it is not the one showing.
    const headingText = (await heading.isVisible()) ? await heading.innerText() : '';
    if (!headingText.toUpperCase().startsWith(title.toUpperCase())) await button.click();
    await heading.filter({ hasText: new RegExp(`^${escapeRegExp(title)}`, 'i') }).waitFor();
    return sidebar;
  }

  /** A view (pane) in the side bar by its name (e.g. "Hosts"); its header is hidden when it is alone. */
  view(name: string): Locator {
    return this.page.locator('.part.sidebar .pane').filter({
      has: this.page.locator(`.pane-header[aria-label="${cssString(name)} Section"]`),
    });
  }

  /** Expands a collapsed view so its body is visible. */
  async expandView(name: string): Promise<Locator> {
    const view = this.view(name);
    const header = view.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    await view.locator('.pane-body').waitFor();
    return view;
  }

  /** A tree item in a view whose label is exactly `label` (labels are rendered as text, never as HTML). */
  treeItem(viewName: string, label: string): Locator {
    return this.view(viewName)
      .locator('[role="treeitem"]')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) });
  }

  /** The labels of every tree item currently rendered in a view (a virtual list: only what is scrolled in). */
  async treeLabels(viewName: string): Promise<string[]> {
    return this.view(viewName)
      .locator('[role="treeitem"] .label-name')
      .evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
  }

  /** Expands a collapsed tree item (no-op when already expanded). */
  async expand(item: Locator): Promise<void> {
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.locator('.monaco-tl-twistie').click();
    await item.and(this.page.locator('[aria-expanded="true"]')).waitFor();
  }

  /** Right-clicks an element (a tree item, an editor) and picks an entry of its context menu by label. */
  async contextMenu(target: Locator, action: string): Promise<void> {
    await target.click({ button: 'right' });
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    const entry = menu.locator('.action-item .action-label').filter({ hasText: exactly(action) }).first();
    try {
      await entry.waitFor({ timeout: 10_000 });
    } catch {
      const offered = await menu.locator('.action-item .action-label').evaluateAll((elements) =>
        elements.map((e) => e.textContent ?? '').filter((text) => text !== ''),
      );
      await this.page.keyboard.press('Escape');
      throw new Error(`context menu has no "${action}"; it offered: ${JSON.stringify(offered)}`);
    }
    // VS Code's menu ignores a click that lands right after it opened (it guards against the opening
    // right-click's own mouseup); hovering focuses the entry, and Enter runs it reliably.
    await entry.hover();
    await this.page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden' });
  }

  /** Answers the input box an extension opened (showInputBox): types the text and presses Enter. */
  async answerInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Picks an item by label in the quick pick an extension opened (showQuickPick). */
  async pick(label: string): Promise<void> {
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
    await row.waitFor();
    await row.click();
  }

  /** Text of the active editor as rendered (only the lines in view; Monaco renders lazily). */
  async activeEditorText(): Promise<string> {
    const lines = this.page.locator('.editor-group-container.active .monaco-editor .view-lines .view-line');
    await lines.first().waitFor();
    // Monaco positions lines absolutely; order them by their top offset, and turn its nbsp back into spaces.
    return lines.evaluateAll((elements) =>
      elements
        .map((e) => ({ top: parseFloat((e as HTMLElement).style.top), text: e.textContent ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
  }

  /**
   * The content of a webview panel by its tab title (e.g. "VNet Topology"). Webviews live two iframes deep:
   * the outer one VS Code owns, the inner "active-frame" holds the extension's HTML.
   */
  async webview(title: string): Promise<FrameLocator> {
    await this.page.locator(`.tabs-container .tab[aria-label^="${cssString(title)}"]`).first().waitFor();
    const outer = this.page.locator('iframe.webview.ready').filter({ visible: true }).first();
    await outer.waitFor();
    return outer.contentFrame().frameLocator('iframe#active-frame');
  }

  /** Opens a workspace file through quick open and returns the active editor. */
  async openFile(relativePath: string): Promise<Locator> {
    const input = await this.openQuickInput('Control+P');
    await input.fill(relativePath);
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
    await row.waitFor();
    await this.page.keyboard.press('Enter');
    const name = path.basename(relativePath);
    await this.page.locator(`.tabs-container .tab.active[data-resource-name="${cssString(name)}"]`).waitFor();
    const editor = this.page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor();
    return editor;
  }

  /** Messages of the notification toasts now showing. */
  async notifications(): Promise<string[]> {
    return this.page
      .locator('.notifications-toasts .notification-list-item-message')
      .evaluateAll((elements) => elements.map((e) => e.textContent ?? ''));
  }

  /** Waits for a notification toast whose message matches, and returns its text. */
  async waitForNotification(pattern: RegExp, timeoutMs = uiTimeoutMs): Promise<string> {
    const toast = this.page
      .locator('.notifications-toasts .notification-list-item-message')
      .filter({ hasText: pattern })
      .first();
    try {
      await toast.waitFor({ timeout: timeoutMs });
    } catch {
      throw new Error(`no notification matching ${pattern}; showing: ${JSON.stringify(await this.notifications())}`);
    }
    return (await toast.textContent()) ?? '';
  }

  /** Saves a full-window screenshot as test-results/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const dir = path.join(resultsDir, 'e2e');
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  private async openQuickInput(shortcut: string): Promise<Locator> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    // Focus the workbench first: a key press in an unfocused page goes nowhere.
    await this.page.locator('.monaco-workbench').focus();
    await this.page.keyboard.press(shortcut);
    await input.waitFor();
    return input;
  }
}

function exactly(text: string): RegExp {
  return new RegExp(`^${escapeRegExp(text)}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Escapes text for a double-quoted CSS attribute value. */
function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
