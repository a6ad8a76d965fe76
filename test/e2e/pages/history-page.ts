/** Page object of the History page: the run list and its filters, a run's detail, its timeline lanes and log. */
import type { Locator, Page } from 'playwright-core';

export class HistoryPageObject {
  constructor(readonly page: Page) {}

  /** Opens the page from the header (or the welcome screen). */
  async open(): Promise<void> {
    await this.page.getByRole('button', { name: /^History/ }).first().click();
    await this.page.getByRole('main', { name: 'History' }).waitFor();
  }

  /** The run rows drawn now (the list is virtualised: the rows in view and a few more). */
  rows(): Locator {
    return this.page.getByRole('list', { name: 'Runs' }).locator('.run-row[data-run-id]');
  }

  async runIds(): Promise<string[]> {
    return (await this.rows().evaluateAll((rows) => rows.map((r) => [Number.parseFloat((r as HTMLElement).style.top), r.getAttribute('data-run-id') ?? ''] as const)))
      .sort((a, b) => a[0] - b[0])
      .map(([, id]) => id);
  }

  count(): Locator {
    return this.page.getByTestId('history-count');
  }

  async waitForCount(n: number, timeoutMs = 15_000): Promise<void> {
    await this.page.waitForFunction(
      (want) => document.querySelector('[data-testid="history-count"]')?.textContent?.startsWith(`${want.toLocaleString()} run`) ?? false,
      n,
      { timeout: timeoutMs },
    );
  }

  async filterText(text: string): Promise<void> {
    await this.page.getByLabel('Filter runs by text').fill(text);
  }

  async filterStatus(status: string): Promise<void> {
    await this.page.getByLabel('Filter by status').selectOption(status);
  }

  async openRun(runId: string): Promise<void> {
    await this.page.getByTestId(`run-${runId}`).getByRole('button').click();
    await this.page.getByRole('region', { name: `Run ${runId}` }).waitFor();
    await this.summary().waitFor();
  }

  /** Back to the template from the History page's header. */
  async back(): Promise<void> {
    await this.page.getByRole('button', { name: /^← Back/ }).click();
  }

  /** The "Failed at file:line:column: what" line above the template as it was. */
  errorPlace(): Locator {
    return this.page.getByTestId('error-place');
  }

  /** The marked line of the template as it was: its number and its text. */
  async markedLine(): Promise<{ number: string; text: string; visible: boolean }> {
    const line = this.page.locator('.template-lines li.error-line');
    await line.waitFor();
    return {
      number: (await line.locator('.line-number').textContent()) ?? '',
      text: (await line.locator('code').textContent()) ?? '',
      visible: await line.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const list = el.closest('.template-lines')?.getBoundingClientRect();
        return !!list && box.top >= list.top && box.bottom <= list.bottom;
      }),
    };
  }

  summary(): Locator {
    return this.page.getByTestId('run-summary');
  }

  lane(build: string): Locator {
    return this.page.getByTestId(`timeline-${build}`);
  }

  /** The bars of a build's lane, as their accessible names (`label: duration, result`). */
  async bars(build: string): Promise<string[]> {
    return this.lane(build).locator('.bar-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  }

  /** A bar's left edge and width as fractions of its track. */
  async barGeometry(build: string): Promise<Array<{ left: number; width: number }>> {
    return this.lane(build)
      .locator('.bar')
      .evaluateAll((bars) =>
        bars.map((b) => {
          const track = (b.parentElement as HTMLElement).getBoundingClientRect();
          const r = b.getBoundingClientRect();
          return { left: (r.left - track.left) / track.width, width: r.width / track.width };
        }),
      );
  }

  logCount(): Locator {
    return this.page.getByRole('region', { name: /^Run / }).getByTestId('log-count');
  }

  /** Resume on a failed run's summary: the same inputs, each build starting after its last cached step. */
  async resume(): Promise<void> {
    await this.summary().getByRole('button', { name: '⏵ Resume' }).click();
  }

  /** The open run's result as its summary shows it, once it has ended. */
  async waitForResult(runId: string, timeoutMs = 240_000): Promise<string> {
    const result = this.page.getByRole('region', { name: `Run ${runId}` }).locator('.run-summary .result');
    await this.page.waitForFunction((id) => ['succeeded', 'failed', 'cancelled'].includes(document.querySelector(`section[aria-label="Run ${id}"] .run-summary .result`)?.textContent ?? ''), runId, { timeout: timeoutMs });
    return (await result.textContent()) ?? '';
  }

  /** Searches the open run's log as a user does (type, Enter) and returns the line the search landed on. */
  async findInLog(text: string): Promise<string> {
    const viewer = this.page.getByRole('region', { name: /^Run / }).locator('.log-viewer');
    await viewer.getByLabel('Search log').fill(text);
    await viewer.getByLabel('Search log').press('Enter');
    const line = viewer.locator('.log-row.current-match');
    // Typing cleared the last search's mark: a marked line now is this search's (none when nothing matches).
    const found = await line.waitFor({ timeout: 3_000 }).then(() => true, () => false);
    return found ? ((await line.textContent()) ?? '') : '';
  }

  async runAgain(): Promise<void> {
    await this.page.getByRole('button', { name: /Run again with the same inputs/ }).click();
  }
}
