/// <reference lib="dom" />
/**
 * Served UI load to an interactive editor: a fresh page opens the address `bakehouse serve` printed (cold browser cache),
 * clicks "Open the example" and waits until the editor shows text and takes a keystroke. Target: under 1.5 s.
 * Run: node --import tsx bench/ui-load.ts [--runs 5]
 */
import { cpus, loadavg } from 'node:os';
import { closeBrowser, fmt, median, newPage, startServe } from './ui-common';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

async function main(): Promise<void> {
  const served = await startServe();
  const toWelcome: number[] = [];
  const toEditor: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const page = await newPage();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const t0 = Date.now();
      await page.goto(served.url);
      await page.getByRole('button', { name: /Open the example/ }).waitFor();
      toWelcome.push(Date.now() - t0);
      await page.getByRole('button', { name: /Open the example/ }).click();
      await page.locator('.monaco-editor .view-lines').getByText('source "docker" "debian"').waitFor();
      // Interactive: a keystroke lands in the model.
      await page.locator('.monaco-editor .view-lines').click();
      await page.keyboard.type('#');
      await page.waitForFunction(() => {
        const s = (window as unknown as { bakehouseUi: { store: { getState(): { texts: Record<string, string>; saved: Record<string, string> } } } }).bakehouseUi.store.getState();
        return Object.keys(s.texts).some((f) => s.texts[f] !== s.saved[f]);
      });
      toEditor.push(Date.now() - t0);
      // The page's main-thread busy time: what the UI itself costs, apart from waiting for a shared, loaded CPU.
      const m = (await cdp.send('Performance.getMetrics')).metrics;
      cpu.push(Math.round((m.find((x) => x.name === 'TaskDuration')?.value ?? 0) * 1000));
      await page.context().close();
    }
  } finally {
    await closeBrowser();
    await served.stop();
  }
  console.log(`ui-load: ${runs} runs, fresh browser context each (cold cache)`);
  console.log(`  page to welcome screen:  median ${fmt(median(toWelcome))} ms  (${toWelcome.join(', ')})`);
  console.log(`  page to editing example: median ${fmt(median(toEditor))} ms wall  (${toEditor.join(', ')})  target < 1500 ms: ${median(toEditor) < 1500 ? 'met' : 'NOT met'}`);
  console.log(`  renderer main-thread busy time for the same: median ${fmt(median(cpu))} ms  (${cpu.join(', ')})  target < 1500 ms: ${median(cpu) < 1500 ? 'met' : 'NOT met'}`);
  console.log(`  load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
