/// <reference lib="dom" />
/**
 * Typing in a 5,000-line template: after the last keystroke of a burst, how long until the editor's diagnostics (the
 * markers and the graph's errors) reflect the new text. Target: within 200 ms.
 * Run: node --import tsx bench/ui-typing.ts [--runs 10]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { closeBrowser, fmt, median, newPage, percentile, startServe } from './ui-common';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;

/** One docker source and a build with enough provisioners to reach ~5,000 lines. */
function bigTemplate(): string {
  const parts = ['source "docker" "big" {\n  image  = "debian"\n  commit = true\n}\n\nbuild {\n  sources = ["source.docker.big"]\n'];
  for (let i = 0; parts.join('').split('\n').length < 5000; i++) {
    parts.push(`\n  provisioner "shell" {\n    inline = [\n      "echo step ${i}",\n      "test -d /tmp",\n    ]\n    environment_vars = ["STEP=${i}"]\n  }\n`);
  }
  parts.push('}\n');
  return parts.join('');
}

async function main(): Promise<void> {
  const served = await startServe();
  const dir = join(served.workDir, 'big');
  mkdirSync(dir);
  const text = bigTemplate();
  writeFileSync(join(dir, 'big.pkr.hcl'), text);
  const lines = text.split('\n').length;
  const page = await newPage();
  const delays: number[] = [];
  try {
    await page.goto(served.url);
    await page.getByLabel('Template path').fill(dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.locator('.monaco-editor .view-lines').waitFor();
    await page.waitForFunction(() => (window as unknown as { bakehouseUi: { store: { getState(): { analysis?: unknown } } } }).bakehouseUi.store.getState().analysis !== undefined, undefined, { timeout: 60_000 });
    // Time stamps in the page: the last keystroke, and the first analysis that arrives after it.
    await page.evaluate(`(() => {
      const w = window;
      w.typing = { lastKey: 0, updates: [] };
      window.addEventListener('keydown', () => { w.typing.lastKey = performance.now(); }, true);
      w.bakehouseUi.store.subscribe((s, prev) => {
        if (s.analysis !== prev.analysis) requestAnimationFrame(() => w.typing.updates.push({ at: performance.now(), errors: s.analysis.diagnostics.length }));
      });
    })()`);
    await page.locator('.monaco-editor .view-lines').click();
    // Middle of the file: inside a provisioner, so every burst changes the diagnostics (an unknown argument, then none).
    await page.keyboard.press('Control+g');
    await page.keyboard.type(String(Math.floor(lines / 2 / 8) * 8 + 8));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    for (let i = 0; i < runs; i++) {
      const wantErrors = i % 2 === 0;
      if (wantErrors) await page.keyboard.type('\nbogus = 1', { delay: 30 });
      else {
        await page.keyboard.press('Control+Shift+K');
        await page.keyboard.press('ArrowUp');
        await page.keyboard.press('End');
      }
      const last = await page.evaluate('window.typing.lastKey');
      type Typing = { updates: Array<{ at: number; errors: number }> };
      const update = (await page
        .waitForFunction(
          ([after, errors]) => (window as unknown as { typing: Typing }).typing.updates.find((u) => u.at > after && (errors ? u.errors > 0 : u.errors === 0)),
          [last as number, wantErrors] as const,
          { timeout: 30_000 },
        )
        .then((h) => h.jsonValue())) as { at: number };
      delays.push(Math.round(update.at - (last as number)));
      await page.waitForTimeout(300);
    }
  } finally {
    await page.context().close();
    await closeBrowser();
    await served.stop();
  }
  console.log(`ui-typing: ${fmt(lines)}-line template, ${runs} bursts (an error typed, then removed)`);
  console.log(`  last keystroke to updated diagnostics on screen: median ${fmt(median(delays))} ms, p90 ${fmt(percentile(delays, 90))} ms  (${delays.join(', ')})  target < 200 ms: ${median(delays) < 200 ? 'met (median)' : 'NOT met'}`);
  console.log(`  load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
