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

  /** Every tree row a view has rendered, in display order (a virtual list: only what is scrolled in). */
  async treeRows(viewName: string): Promise<TreeRow[]> {
    const rows = await this.view(viewName)
      .locator('[role="treeitem"]')
      .evaluateAll((elements) =>
        elements.map((e) => ({
          index: Number(e.getAttribute('data-index')),
          level: Number(e.getAttribute('aria-level')),
          label: e.querySelector('.label-name')?.textContent ?? '',
          description: e.querySelector('.label-description')?.textContent ?? '',
          expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : null,
        })),
      );
    return rows.sort((a, b) => a.index - b.index);
  }

  /**
   * The row at a path of labels (`['lab-a', 'Namespaces', 'netns1']`), expanding every ancestor on the way.
   * Labels repeat in a tree (every host has a "Namespaces"), so each one is looked up only under its parent.
   * Waits for each row to appear: a host's rows arrive once it is read over ssh.
   *
   * Rows are found again by their path for every gesture, never kept: a virtual list renumbers its rows
   * whenever one above them expands (as a host's root namespace does by itself).
   */
  async treePath(viewName: string, path: readonly string[], timeoutMs = uiTimeoutMs): Promise<Locator> {
    if (path.length === 0) throw new Error('treePath needs at least one label');
    for (let depth = 1; depth < path.length; depth++) await this.expandPath(viewName, path.slice(0, depth), timeoutMs);
    return this.rowLocator(viewName, await this.findRow(viewName, path, timeoutMs));
  }

  /** The rows right under the row at `path` (expanded first); waits until `ready` accepts them. */
  async treeChildren(
    viewName: string,
    path: readonly string[],
    ready: (children: TreeRow[]) => boolean = (children) => children.length > 0,
    timeoutMs = uiTimeoutMs,
  ): Promise<TreeRow[]> {
    for (let depth = 1; depth <= path.length; depth++) await this.expandPath(viewName, path.slice(0, depth), timeoutMs);
    let last: TreeRow[] = [];
    try {
      return await this.waitFor(
        async () => {
          const rows = await this.settledTreeRows(viewName);
          const parent = rowAtPath(rows, path);
          last = parent ? childRows(rows, parent) : [];
          return parent && ready(last) ? last : undefined;
        },
        () => `the children of ${JSON.stringify(path)} in ${viewName}`,
        timeoutMs,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; last seen: ${JSON.stringify(last.map((r) => r.label))}`);
    }
  }

  /** Collapses the row at `path` (no-op when collapsed), so the rows after it stay in view. */
  async collapsePath(viewName: string, path: readonly string[], timeoutMs = uiTimeoutMs): Promise<void> {
    await this.setExpanded(viewName, path, false, timeoutMs);
  }

  /** Expands the row at `path` (no-op when expanded); its ancestors must be expanded. */
  private async expandPath(viewName: string, path: readonly string[], timeoutMs: number): Promise<void> {
    await this.setExpanded(viewName, path, true, timeoutMs);
  }

  private async setExpanded(viewName: string, path: readonly string[], expanded: boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const reached = async () => rowAtPath(await this.treeRows(viewName), path)?.expanded === expanded;
    for (;;) {
      const row = await this.findRow(viewName, path, Math.max(1, deadline - Date.now()));
      if (row.expanded === null || row.expanded === expanded) return;
      // Rows can move between reading and clicking (a host that connects expands by itself and pushes the
      // rows below it down): the locator matches only while that index still holds this label at this
      // level, and a click that changed nothing is tried again from a fresh read.
      const clicked = await this.rowLocator(viewName, row).locator('.monaco-tl-twistie').click({ timeout: 2_000 })
        .then(() => true, () => false);
      if (clicked && await this.waitFor(async () => ((await reached()) ? true : undefined), () => '', 3_000).catch(() => false)) return;
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${JSON.stringify(path)} to ${expanded ? 'expand' : 'collapse'}`);
      }
    }
  }

  /** Waits for the row at `path` (its ancestors already expanded) once the list has stopped changing. */
  private findRow(viewName: string, path: readonly string[], timeoutMs: number): Promise<TreeRow> {
    return this.waitFor(
      async () => rowAtPath(await this.settledTreeRows(viewName), path),
      () => `tree row ${JSON.stringify(path)} in ${viewName}`,
      timeoutMs,
    );
  }

  /** The rows, read until two reads a moment apart agree (rows being inserted would renumber the others). */
  private async settledTreeRows(viewName: string): Promise<TreeRow[]> {
    let previous = JSON.stringify(await this.treeRows(viewName));
    for (;;) {
      await this.page.waitForTimeout(50);
      const rows = await this.treeRows(viewName);
      const now = JSON.stringify(rows);
      if (now === previous) return rows;
      previous = now;
    }
  }

  /** The row's element, for as long as its index still holds its label at its level (rows move). */
  private rowLocator(viewName: string, row: TreeRow): Locator {
    return this.view(viewName)
      .locator(`[role="treeitem"][data-index="${row.index}"][aria-level="${row.level}"]`)
      .filter({ has: this.page.locator('.label-name', { hasText: sameTextAs(row.label) }) });
  }

  /** Expands a collapsed tree item (no-op when already expanded). */
  async expand(item: Locator): Promise<void> {
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.locator('.monaco-tl-twistie').click();
    await item.and(this.page.locator('[aria-expanded="true"]')).waitFor();
  }

  /** Right-clicks past tooltips: a row's hover, left open by the pointer, would take a click meant for the next row. */
  private async rightClick(target: Locator): Promise<void> {
    await this.page.mouse.move(0, 0);
    await this.page.locator('.context-view .hover-contents').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    await target.click({ button: 'right' });
  }

  /** Right-clicks an element (a tree item, an editor) and picks an entry of its context menu by label. */
  async contextMenu(target: Locator, action: string): Promise<void> {
    await this.rightClick(target);
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

  /** The entries of an element's context menu, as labels (the menu is closed again). */
  async contextMenuEntries(target: Locator): Promise<string[]> {
    await this.rightClick(target);
    const menu = this.page.locator('.context-view .monaco-menu');
    await menu.waitFor();
    const entries = await menu
      .locator('.action-item .action-label')
      .evaluateAll((elements) => elements.map((e) => e.textContent ?? '').filter((text) => text !== ''));
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden' });
    return entries;
  }

  /**
   * Answers the input box an extension opened (showInputBox): types the text and presses Enter. In a wizard,
   * pass the step's `title` (or part of it): one widget serves every step, so without it the answer could land
   * in the step that is just closing.
   */
  async answerInput(text: string, options: QuickInputOptions = {}): Promise<void> {
    await this.waitForQuickInputTitle(options.title);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor();
    await input.fill(text);
    await this.page.keyboard.press('Enter');
  }

  /** Picks an item by label in the quick pick an extension opened (showQuickPick); `title` as for answerInput. */
  async pick(label: string, options: QuickInputOptions = {}): Promise<void> {
    await this.waitForQuickInputTitle(options.title);
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) })
      .first();
    await row.waitFor();
    await row.click();
  }

  private async waitForQuickInputTitle(title: string | RegExp | undefined): Promise<void> {
    if (title === undefined) return;
    await this.page.locator('.quick-input-widget .quick-input-title').filter({ hasText: title }).waitFor();
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
    const name = path.basename(relativePath);
    // Wait for the file itself: until the search answers, the list still shows the recently opened files.
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactly(name) }) })
      .first();
    const tab = this.page.locator(`.tabs-container .tab.active[data-resource-name="${cssString(name)}"]`);
    // The list can still re-render under the pointer as the search answers, and a click on the row it
    // replaced opens nothing: click the row as it is now until the file's tab is active.
    for (let attempt = 1; ; attempt++) {
      await row.waitFor();
      await row.click();
      try {
        await tab.waitFor({ timeout: 10_000 });
        break;
      } catch (error) {
        if (attempt === 3 || !(await row.isVisible())) throw error;
      }
    }
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

  /** Clicks a button of the notification toast whose message matches (e.g. "Run Tests" after an apply). */
  async clickNotificationButton(pattern: RegExp, button: string, timeoutMs = uiTimeoutMs): Promise<void> {
    await this.waitForNotification(pattern, timeoutMs);
    const toast = this.page.locator('.notifications-toasts .notification-list-item').filter({
      has: this.page.locator('.notification-list-item-message', { hasText: pattern }),
    }).first();
    await toast.locator('.notification-list-item-buttons-container .monaco-button').filter({ hasText: exactly(button) }).first().click();
  }

  /**
   * The rows of the Testing view's Test Explorer as a person reads them: label (without the duration VS Code
   * adds), nesting level, expanded or not, and the state its icon shows (passed, failed, unset, ...).
   */
  async testExplorerRows(): Promise<TestRow[]> {
    const rows = await this.view('Test Explorer')
      .locator('[role="treeitem"]')
      .evaluateAll((elements) =>
        elements.map((e) => {
          const label = e.querySelector('.testing-stdtree-container .label');
          const description = label?.querySelector('.test-label-description')?.textContent ?? '';
          const icon = e.querySelector('.testing-stdtree-container .computed-state')?.className ?? '';
          return {
            index: Number(e.getAttribute('data-index')),
            level: Number(e.getAttribute('aria-level')),
            label: (label?.textContent ?? '').slice(0, (label?.textContent ?? '').length - description.length).trim(),
            state: /codicon-testing-(\w+)-icon/.exec(icon)?.[1] ?? 'none',
            expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : null,
          };
        }),
      );
    return rows.sort((a, b) => a.index - b.index).map(({ index: _index, ...row }) => row);
  }

  /** Expands the Test Explorer row with this label (no-op when expanded or a leaf). */
  async expandTestItem(label: string): Promise<void> {
    const row = this.view('Test Explorer').locator('[role="treeitem"]').filter({
      has: this.page.locator('.testing-stdtree-container .label', { hasText: new RegExp(`^${escapeRegExp(label)}`) }),
    }).first();
    await row.waitFor();
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await row.and(this.page.locator('[aria-expanded="true"]')).waitFor();
  }

  /** Answers a modal dialog (e.g. "Remove namespace … ?") with one of its buttons; returns what it said. */
  async answerDialog(button: string): Promise<{ message: string; detail: string }> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor();
    const message = (await dialog.locator('.dialog-message-text').textContent()) ?? '';
    const detail = (await dialog.locator('.dialog-message-detail').textContent().catch(() => '')) ?? '';
    const choice = dialog.locator('.dialog-buttons .monaco-button').filter({ hasText: exactly(button) }).first();
    try {
      await choice.waitFor({ timeout: 5_000 });
    } catch {
      const offered = await dialog.locator('.dialog-buttons .monaco-button').allTextContents();
      throw new Error(`the dialog "${message}" has no button "${button}"; it offers ${JSON.stringify(offered)}`);
    }
    await choice.click();
    await dialog.waitFor({ state: 'hidden' });
    return { message, detail };
  }

  /** Clicks a code lens of the active editor by its title (e.g. "Plan"). */
  async clickCodeLens(title: string): Promise<void> {
    const lens = this.activeEditor().locator('.codelens-decoration a').filter({ hasText: exactly(title) }).first();
    await lens.waitFor();
    await lens.click();
  }

  /** The active editor's Monaco widget. */
  activeEditor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Puts the cursor of the active editor at a 1-based line and column (Go to Line, as a person would). */
  async goToPosition(line: number, column: number): Promise<void> {
    await this.activeEditor().locator('.view-lines').click();
    const input = await this.openQuickInput('Control+G');
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    const cursor = this.page.locator('.statusbar-item[id="status.editor.selection"]');
    await cursor.filter({ hasText: `Ln ${line}, Col ${column}` }).waitFor();
  }

  /**
   * Opens completion at the cursor (Ctrl+Space) and returns the labels it offers once `ready` accepts them
   * (the list can fill in as providers answer); closes it again.
   */
  async completionLabels(ready: (labels: string[]) => boolean = (labels) => labels.length > 0): Promise<string[]> {
    await this.page.keyboard.press('Control+Space');
    const rows = this.page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    await rows.first().waitFor();
    let last: string[] = [];
    try {
      return await this.waitFor(async () => {
        last = await rows.evaluateAll((elements) =>
          elements.map((e) => e.querySelector('.label-name')?.textContent ?? e.getAttribute('aria-label') ?? ''),
        );
        return ready(last) ? last : undefined;
      }, () => `completion items; offered ${JSON.stringify(last)}`);
    } finally {
      await this.page.keyboard.press('Escape');
    }
  }

  /**
   * Shows the hover at the cursor (Ctrl+K Ctrl+I) and returns its text once it matches `ready` (a hover says
   * "Loading…" until the language server answers); closes it again.
   */
  async hoverText(ready: RegExp = /\S/): Promise<string> {
    await this.page.keyboard.press('Control+K');
    await this.page.keyboard.press('Control+I');
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').filter({ visible: true }).first();
    await hover.waitFor();
    let last = '';
    try {
      return await this.waitFor(async () => {
        last = (await hover.innerText()).trim();
        return ready.test(last) ? last : undefined;
      }, () => `a hover matching ${ready}; it shows ${JSON.stringify(last)}`);
    } finally {
      await this.page.keyboard.press('Escape');
    }
  }

  /** Renames the symbol at the cursor (F2, type, Enter) and waits for the rename box to close. */
  async renameSymbol(newName: string): Promise<void> {
    await this.page.keyboard.press('F2');
    const input = this.page.locator('.rename-box input').first();
    await input.waitFor();
    await input.fill(newName);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
  }

  /** Saves the active editor (Ctrl+S) and waits until its tab is no longer dirty. */
  async saveActiveEditor(): Promise<void> {
    await this.activeEditor().locator('.view-lines').click();
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tabs-container .tab.active:not(.dirty)').waitFor();
  }

  /** The Problems view's entries (message and source, as its rows read them); opens the view. */
  async problems(ready: (entries: string[]) => boolean = (entries) => entries.length > 0): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await this.page.locator('.monaco-workbench').focus();
      await this.page.keyboard.press('Control+Shift+M');
    }
    await panel.waitFor();
    return this.waitFor(
      async () => {
        const entries = await panel
          .locator('.monaco-list-row')
          .evaluateAll((elements) => elements.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()));
        return ready(entries) ? entries : undefined;
      },
      () => 'entries in the Problems view',
    );
  }

  /** Types into the Problems view's filter box (empty text clears it), as a person narrows a long list. */
  async filterProblems(text: string): Promise<void> {
    await this.problems(() => true);
    const input = this.page.locator('.part.panel .viewpane-filter input').first();
    await input.fill(text);
  }

  /**
   * Polls `probe` until it returns a value (not undefined), or fails naming what it waited for. For state
   * that no single element announces (a tree row among many, a file on disk); everything else uses
   * playwright's own waiting.
   */
  async waitFor<T>(probe: () => Promise<T | undefined>, what: () => string, timeoutMs = uiTimeoutMs): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
      await this.page.waitForTimeout(100);
    }
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

export interface QuickInputOptions {
  /** The title the step shows (a substring, or a pattern). */
  title?: string | RegExp;
}

export interface TreeRow {
  /** Position in the rendered list (data-index); stable only until a row above it expands or collapses. */
  index: number;
  /** 1 for top-level rows. */
  level: number;
  label: string;
  description: string;
  /** null for a row without children. */
  expanded: boolean | null;
}

export interface TestRow {
  level: number;
  label: string;
  /** What the row's icon shows: passed, failed, errored, skipped, queued, unset, or none. */
  state: string;
  expanded: boolean | null;
}

/** The rows directly under `parent` (top-level rows when it is undefined), from a display-ordered list. */
function childRows(rows: readonly TreeRow[], parent: TreeRow | undefined): TreeRow[] {
  if (!parent) return rows.filter((r) => r.level === 1);
  const start = rows.findIndex((r) => r.index === parent.index);
  if (start < 0) return [];
  const children: TreeRow[] = [];
  for (const row of rows.slice(start + 1)) {
    if (row.level <= parent.level) break;
    if (row.level === parent.level + 1) children.push(row);
  }
  return children;
}

/** The row at a path of labels, each looked up under the previous one. */
function rowAtPath(rows: readonly TreeRow[], path: readonly string[]): TreeRow | undefined {
  let parent: TreeRow | undefined;
  for (const label of path) {
    parent = childRows(rows, parent).find((r) => r.label === label);
    if (!parent) return undefined;
  }
  return parent;
}

function exactly(text: string): RegExp {
  return new RegExp(`^${escapeRegExp(text)}$`);
}

/** Matches an element whose text is `text`, whitespace collapsed as playwright collapses it. */
function sameTextAs(text: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(text.trim()).replace(/\s+/g, '\\s+')}\\s*$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Escapes text for a double-quoted CSS attribute value. */
function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}
