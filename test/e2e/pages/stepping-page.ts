/// <reference lib="dom" />
/** Page object for stepping through a build: breakpoints on graph nodes, the pause banner, the on-error dialog, the terminal. */
import type { Locator, Page } from 'playwright-core';

export class SteppingPage {
  constructor(private readonly page: Page) {}

  /** Clicks the breakpoint dot of a node until it shows as set (the graph may re-lay itself out under the mouse). */
  async toggleBreakpoint(kind: string, label: string, index = 0): Promise<void> {
    const node = this.page.getByTestId(`node-${kind}-${label}`).nth(index);
    const dot = node.getByRole('button', { name: `Breakpoint before ${label}` });
    const wanted = (await dot.getAttribute('aria-pressed')) === 'true' ? 'false' : 'true';
    for (let attempt = 0; attempt < 5; attempt++) {
      await dot.click();
      const done = await this.page
        .waitForFunction(([el, w]) => el?.getAttribute('aria-pressed') === w, [await dot.elementHandle(), wanted] as const, { timeout: 3_000 })
        .then(() => true, () => false);
      if (done) return;
    }
    throw new Error(`the breakpoint on ${label} did not turn ${wanted === 'true' ? 'on' : 'off'}`);
  }

  banner(): Locator {
    return this.page.getByRole('region', { name: 'Paused build' });
  }

  onErrorDialog(): Locator {
    return this.page.getByRole('alertdialog');
  }

  async answer(name: string | RegExp, where: Locator = this.banner()): Promise<void> {
    await where.getByRole('button', { name }).click();
  }

  terminal(): Locator {
    return this.page.getByTestId('terminal-panel');
  }

  async openTerminal(where: Locator = this.banner()): Promise<void> {
    await where.getByRole('button', { name: /Open a terminal/ }).click();
    await this.terminal().locator('.xterm-rows').waitFor();
  }

  /** Types into the terminal as a user does: focus it, then keys. */
  async type(text: string): Promise<void> {
    await this.terminal().locator('.xterm').click();
    await this.page.keyboard.type(text);
  }

  /** What the terminal's screen shows, row by row. */
  async screen(): Promise<string> {
    return this.terminal()
      .locator('.xterm-rows > div')
      .evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));
  }

  async waitForScreen(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let seen = '';
    while (Date.now() < until) {
      seen = await this.screen().catch(() => seen);
      if (pattern.test(seen)) return seen;
      await this.page.waitForTimeout(150);
    }
    throw new Error(`the terminal never showed ${pattern}; it shows:\n${seen}`);
  }
}
