/// <reference lib="dom" />
// Functions passed to page.evaluate run in the browser, hence the DOM types.
/** Page objects: what a user sees and does in the Bakehouse UI, so tests read as steps, not selectors. */
import type { Locator, Page } from 'playwright-core';
import { CredentialsPageObject } from './credentials-page';
import { HistoryPageObject } from './history-page';

export class AppPage {
  readonly editor: EditorPanel;
  readonly graph: GraphPanel;
  readonly build: BuildPanelPage;
  readonly credentials: CredentialsPageObject;
  readonly history: HistoryPageObject;

  constructor(readonly page: Page) {
    this.credentials = new CredentialsPageObject(page);
    this.history = new HistoryPageObject(page);
    this.editor = new EditorPanel(page);
    this.graph = new GraphPanel(page);
    this.build = new BuildPanelPage(page);
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /** Opens a template by its path from the welcome screen, as a user types it. */
  async openPath(path: string, nodes: number): Promise<void> {
    await this.page.getByLabel('Template path').fill(path);
    await this.page.getByRole('button', { name: 'Open', exact: true }).click();
    await this.editor.waitReady();
    await this.graph.waitForNodes(nodes);
  }

  async openExample(): Promise<void> {
    await this.page.getByRole('button', { name: /Open the example/ }).click();
    await this.editor.waitReady();
    await this.graph.waitForNodes(6);
  }

  /** The status bar's message (what an action says it did, or why it could not). */
  statusText(): Locator {
    return this.page.getByTestId('status-text');
  }

  problemCount(): Locator {
    return this.page.getByTestId('problem-count');
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `docs/screenshots/${name}.png` });
  }
}

export class EditorPanel {
  constructor(private readonly page: Page) {}

  private get root(): Locator {
    return this.page.getByTestId('editor');
  }

  async waitReady(): Promise<void> {
    await this.root.locator('.view-lines').waitFor();
  }

  /** The text of the active file, as the editor model holds it. */
  async text(): Promise<string> {
    return this.page.evaluate(() => {
      const ui = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi;
      const s = ui.store.getState();
      return s.texts[s.activeFile];
    });
  }

  /** Waits until the active file's text is exactly `expected` (after undo, say). */
  async waitForExactText(expected: string): Promise<void> {
    await this.page.waitForFunction(
      (b) => {
        const s = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi.store.getState();
        return s.texts[s.activeFile] === b;
      },
      expected,
      { timeout: 15_000 },
    );
  }

  async waitForText(pattern: RegExp): Promise<void> {
    await this.page.waitForFunction(
      ([source, flags]) => {
        const ui = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; activeFile: string } } } }).bakehouseUi;
        const s = ui.store.getState();
        return new RegExp(source, flags).test(s.texts[s.activeFile] ?? '');
      },
      [pattern.source, pattern.flags] as const,
      { timeout: 10_000 },
    );
  }

  /** Puts the cursor at the end of the (visible) line showing `text`, clicked as a user would. */
  async clickLineEnd(text: string): Promise<void> {
    await this.root.locator('.view-line', { hasText: text }).first().click();
    await this.page.keyboard.press('End');
  }

  /** Puts the cursor at the end of a line (Ctrl+G), as a user would. */
  async goToLineEnd(line: number): Promise<void> {
    await this.root.locator('.view-lines').click();
    await this.page.keyboard.press('Control+g');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`:${line}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden' });
    await this.page.keyboard.press('End');
  }

  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  async undo(): Promise<void> {
    await this.root.locator('.view-lines').click();
    await this.page.keyboard.press('Control+z');
  }

  errorMarkers(): Locator {
    return this.root.locator('.squiggly-error');
  }
}

export class GraphPanel {
  constructor(private readonly page: Page) {}

  nodes(): Locator {
    return this.page.locator('.pipeline-node');
  }

  node(kind: string, label: string): Locator {
    return this.page.getByTestId(`node-${kind}-${label}`);
  }

  async waitForNodes(count: number): Promise<void> {
    // Counted in the analysis the graph draws: nodes scrolled out of the view are not in the DOM.
    await this.page.waitForFunction(
      (n) => (window as unknown as { bakehouseUi: { store: { getState(): { analysis?: { graph: { nodes: unknown[] } } } } } }).bakehouseUi.store.getState().analysis?.graph.nodes.length === n,
      count,
      { timeout: 15_000 },
    );
  }

  /** The selected node's settings form. */
  form(label: string): Locator {
    return this.page.getByRole('form', { name: `Settings form of ${label}` });
  }

  /** One field of the selected node's form: its row (name, required marker, help text, control). */
  formField(label: string, name: string): Locator {
    return this.form(label).locator(`[data-field="${name}"]`);
  }

  /**
   * The value a form control shows, once it shows `expected` (or the last one seen after `ms`): the form is rebuilt each time
   * the graph catches up with the text, so a read right after an edit or a selection may see the form of a moment before.
   */
  async fieldValue(label: string, name: string, expected: string, ms = 10_000): Promise<string> {
    const control = this.page.getByLabel(`${name} of ${label}`, { exact: true });
    const until = Date.now() + ms;
    let seen = '';
    for (;;) {
      seen = await control.inputValue({ timeout: Math.max(1, until - Date.now()) }).catch(() => seen);
      if (seen === expected || Date.now() >= until) return seen;
      await this.page.waitForTimeout(100);
    }
  }

  /** Sets a field of the selected node through its form control, as a user would, and applies it (Tab leaves the field). */
  async setField(label: string, name: string, value: string): Promise<void> {
    const control = this.page.getByLabel(`${name} of ${label}`, { exact: true });
    const more = this.form(label).getByText(/More settings/);
    // The form may be between two renders: wait until it shows the control or the fold that holds it.
    await control.or(more).first().waitFor();
    // Settings not written in the block wait under "More settings".
    if (!(await control.isVisible())) await more.click();
    const tag = await control.evaluate((el) => el.tagName);
    if (tag === 'SELECT') await control.selectOption(value);
    else {
      await control.fill(value);
      await control.press('Tab');
    }
  }

  /** A node's state and duration as its pill shows them ("done · 1.2 s"). */
  async statePill(kind: string, label: string, index = 0): Promise<string> {
    return (await this.node(kind, label).nth(index).locator('.state-pill').textContent()) ?? '';
  }

  async addProvisioner(type: string): Promise<void> {
    await this.page.getByLabel('Provisioner type to add').selectOption(type);
  }

  /** Drags a connection from one post-processor's output handle onto another's input handle, with the mouse. */
  async connect(fromLabel: string, toLabel: string): Promise<void> {
    const from = this.node('post-processor', fromLabel).locator('.react-flow__handle[data-handleid="out"]');
    const to = this.node('post-processor', toLabel).locator('.react-flow__handle[data-handleid="in"]');
    // The view refits after each edit: wait until both handles stand still.
    let a = await from.boundingBox();
    let b = await to.boundingBox();
    for (let i = 0; i < 20; i++) {
      await this.page.waitForTimeout(150);
      const [a2, b2] = [await from.boundingBox(), await to.boundingBox()];
      const still = a && b && a2 && b2 && a.x === a2.x && a.y === a2.y && b.x === b2.x && b.y === b2.y;
      [a, b] = [a2, b2];
      if (still) break;
    }
    if (!a || !b) throw new Error(`handles of ${fromLabel} and ${toLabel} are not on screen`);
    await this.page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
    await this.page.mouse.down();
    await this.page.mouse.move((a.x + b.x) / 2 + 40, (a.y + b.y) / 2, { steps: 8 });
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Cuts a post-processor chain between two nodes with the button on the edge joining them. */
  async splitChain(fromLabel: string, toLabel: string): Promise<void> {
    await this.page.getByRole('button', { name: `Split chain between ${fromLabel} and ${toLabel}`, exact: true }).first().click();
  }

  /** Clicks a node until it shows as selected: the graph re-lays itself out after each edit, and a click while nodes move can miss. */
  async select(kind: string, label: string, index = 0): Promise<void> {
    const node = this.node(kind, label).nth(index);
    const selected = node.and(this.page.locator('.selected'));
    for (let attempt = 0; attempt < 5; attempt++) {
      await node.click();
      if (await selected.waitFor({ timeout: 3_000 }).then(() => true, () => false)) return;
    }
    await selected.waitFor({ timeout: 1_000 });
  }
}

export class BuildPanelPage {
  constructor(private readonly page: Page) {}

  async run(): Promise<void> {
    await this.page.getByRole('button', { name: '▶ Run build' }).click();
  }

  /** The id of the run the panel shows. */
  async runId(): Promise<string | undefined> {
    return this.page.evaluate(() => (window as unknown as { bakehouseUi: { store: { getState(): { currentRunId?: string } } } }).bakehouseUi.store.getState().currentRunId);
  }

  /** Waits until the panel shows a run other than `previous` (it shows the last run's result until the new one starts). */
  async waitForNewRun(previous: string | undefined): Promise<void> {
    await this.page.waitForFunction(
      (prev) => (window as unknown as { bakehouseUi: { store: { getState(): { currentRunId?: string } } } }).bakehouseUi.store.getState().currentRunId !== prev,
      previous,
      { timeout: 30_000 },
    );
  }

  /** Binds a build (`example.docker.debian`) to a credential, or to none with ''. */
  async bindSource(build: string, credential: string): Promise<void> {
    await this.page.getByLabel(`Credential for ${build}`).selectOption(credential);
  }

  /** Gives a sensitive variable the value of a `secret` credential. */
  async bindVariable(variable: string, credential: string): Promise<void> {
    await this.page.getByLabel(`Secret for ${variable}`).selectOption(credential);
  }

  /** Resume, offered once the panel's run has failed. */
  resumeButton(): Locator {
    return this.page.getByRole('region', { name: 'Build' }).getByRole('button', { name: '⏵ Resume' });
  }

  async resume(): Promise<void> {
    await this.resumeButton().click();
  }

  async cancel(): Promise<void> {
    await this.page.getByRole('button', { name: '■ Cancel' }).click();
  }

  status(): Locator {
    return this.page.getByTestId('run-status');
  }

  async waitForResult(timeoutMs = 180_000): Promise<string> {
    await this.page.waitForFunction(() => ['succeeded', 'failed', 'cancelled'].includes(document.querySelector('[data-testid=run-status]')?.textContent ?? ''), undefined, { timeout: timeoutMs });
    return (await this.status().textContent()) ?? '';
  }

  logLines(): Locator {
    return this.page.getByTestId('log-lines').locator('.log-row');
  }

  async waitForLogLine(text: string | RegExp, timeoutMs = 60_000): Promise<void> {
    await this.page.getByTestId('log-lines').getByText(text).first().waitFor({ timeout: timeoutMs });
  }

  /** The current run's whole log as text (what Copy puts on the clipboard). */
  async logText(): Promise<string> {
    return this.page.evaluate(() => {
      type Ui = { store: { getState(): { currentRunId?: string } }; services: { logs: Map<string, { plainText(): string }> } };
      const ui = (window as unknown as { bakehouseUi: Ui }).bakehouseUi;
      const id = ui.store.getState().currentRunId;
      return id ? (ui.services.logs.get(id)?.plainText() ?? '') : '';
    });
  }

  artifacts(): Locator {
    return this.page.getByTestId('artifacts');
  }
}
