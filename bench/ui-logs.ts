/// <reference lib="dom" />
/**
 * The log viewer under a flood: a real build (null source, shell-local printing N lines with `seq`) started from the UI,
 * its lines streamed over the WebSocket into the viewer while the benchmark scrolls it up and down. Measures how fast
 * lines reach the UI, frame times (requestAnimationFrame deltas, long tasks) and the renderer's memory.
 * Targets: ≥ 100,000 lines/s, p95 frame < 50 ms, renderer memory < 300 MB.
 * Two sources: `host` (default) runs the build through `bakehouse serve`, so the host's batching limits the rate;
 * `synthetic` feeds the viewer's RunLog in the page at --rate lines/s in 100 ms batches (as the host batches), to measure
 * the renderer alone.
 * Run: node --import tsx bench/ui-logs.ts [--lines 1000000] [--source host|synthetic] [--rate 100000] [--profile FILE]
 * (--profile writes the page's CPU profile of the flood, for Chromium's DevTools or any .cpuprofile viewer).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeBrowser, fmt, newPage, percentile, startServe } from './ui-common';

const LINES = Number(process.argv[process.argv.indexOf('--lines') + 1]) || 1_000_000;
const SOURCE = process.argv.includes('synthetic') ? 'synthetic' : 'host';
const RATE = Number(process.argv[process.argv.indexOf('--rate') + 1]) || 100_000;
const PROFILE = process.argv.includes('--profile') ? process.argv[process.argv.indexOf('--profile') + 1] : undefined;

async function main(): Promise<void> {
  const served = await startServe();
  const dir = join(served.workDir, 'flood');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'flood.pkr.hcl'),
    `source "null" "flood" {\n  communicator = "none"\n}\n\nbuild {\n  sources = ["source.null.flood"]\n\n  provisioner "shell-local" {\n    inline = ["seq -f 'output line %.0f of the build, with some text' 1 ${LINES}"]\n  }\n}\n`,
  );
  const page = await newPage();
  try {
    await page.goto(served.url);
    await page.getByLabel('Template path').fill(dir);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('button', { name: '▶ Run build' }).waitFor();
    await page.waitForFunction(() => !(document.querySelector('button.primary') as HTMLButtonElement | null)?.disabled);
    // Frame and long-task recorders, started before the flood.
    // A plain string: tsx would otherwise wrap the named callbacks in a helper the page does not have.
    await page.evaluate(`(() => {
      const w = window;
      w.bench = { frames: [], longTasks: [], samples: [], stop: false };
      new PerformanceObserver((list) => list.getEntries().forEach((e) => w.bench.longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
      let last = performance.now();
      const tick = (now) => {
        w.bench.frames.push(now - last);
        last = now;
        const ui = w.bakehouseUi;
        const id = ui.store.getState().currentRunId;
        const total = id ? (ui.services.logs.get(id)?.total ?? 0) : 0;
        w.bench.samples.push([now, total]);
        if (!w.bench.stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })()`);
    const profiler = PROFILE ? await page.context().newCDPSession(page) : undefined;
    if (profiler) {
      await profiler.send('Profiler.enable');
      await profiler.send('Profiler.start');
    }
    if (SOURCE === 'host') await page.getByRole('button', { name: '▶ Run build' }).click();
    else
      await page.evaluate(`(() => {
        const ui = window.bakehouseUi;
        const log = new ui.RunLog();
        const state = new ui.RunState({ nodes: [], edges: [] });
        ui.services.logs.set('synthetic', log);
        ui.services.runStates.set('synthetic', state);
        ui.store.getState().setCurrentRun('synthetic');
        let seq = 0;
        const perBatch = ${RATE} / 10;
        const started = performance.now();
        const timer = setInterval(() => {
          // Catch up to the wall clock, so a slow frame does not lower the rate.
          const due = Math.min(${LINES}, Math.round(((performance.now() - started) / 1000) * ${RATE}) + perBatch);
          const lines = [];
          for (; seq < due; seq++) lines.push({ seq, time: Date.now(), build: 'null.flood', stream: seq % 50 === 0 ? 'stderr' : 'stdout', text: 'output line ' + seq + ' of the build, with some text' });
          log.append(lines[0] ? lines[0].seq : seq, lines);
          if (seq >= ${LINES}) {
            clearInterval(timer);
            state.finished = true;
            state.result = 'succeeded';
            ui.store.getState().bumpRun();
          }
        }, 100);
      })()`);
    await page.getByTestId('log-lines').waitFor();
    const box = (await page.getByTestId('log-lines').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // Scroll while lines pour in: up (which stops following the tail), down, and jumps, until the run ends.
    let direction = -1;
    const deadline = Date.now() + 180_000;
    for (let i = 0; Date.now() < deadline; i++) {
      await page.mouse.wheel(0, direction * 600);
      if (i % 15 === 14) direction = -direction;
      await page.waitForTimeout(30);
      if (i % 10 === 0 && (await page.getByTestId('run-status').textContent()) !== 'running…') break;
    }
    await page.getByRole('button', { name: 'Follow the end of the log' }).click();
    await page.waitForTimeout(500);
    const result = await page.evaluate(() => {
      const w = window as unknown as { bench: { frames: number[]; longTasks: number[]; samples: Array<[number, number]>; stop: boolean } };
      w.bench.stop = true;
      return w.bench;
    });
    if (profiler && PROFILE) writeFileSync(PROFILE, JSON.stringify((await profiler.send('Profiler.stop')).profile));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const metrics = (await cdp.send('Performance.enable').then(() => cdp.send('Performance.getMetrics'))).metrics;
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    const nodes = metrics.find((m) => m.name === 'Nodes')?.value ?? 0;
    const rss = rendererRss();
    const total = result.samples[result.samples.length - 1][1];
    const first = result.samples.find(([, n]) => n > 0)![0];
    const lastT = result.samples.find(([, n]) => n >= total)![0];
    const frames = result.frames.filter((f) => f > 0).slice(1);
    const rate = total / ((lastT - first) / 1000);
    console.log(`ui-logs (${SOURCE}${SOURCE === 'synthetic' ? ` at ${fmt(RATE)} lines/s` : ''}): ${fmt(total)} lines, scrolling while they streamed`);
    console.log(`  lines into the viewer: ${fmt(rate)} lines/s over ${fmt((lastT - first) / 1000, 2)} s  target ≥ 100,000: ${rate >= 100_000 ? 'met' : 'NOT met'}`);
    console.log(`  frame time (rAF delta): p50 ${fmt(percentile(frames, 50), 1)} ms, p95 ${fmt(percentile(frames, 95), 1)} ms, max ${fmt(Math.max(...frames), 1)} ms over ${fmt(frames.length)} frames  target p95 < 50: ${percentile(frames, 95) < 50 ? 'met' : 'NOT met'}`);
    console.log(`  long tasks: ${result.longTasks.length}, longest ${fmt(Math.max(0, ...result.longTasks))} ms`);
    console.log(`  renderer memory after GC: JS heap ${fmt(heap / 1048576)} MB, renderer process RSS ${rss ? `${fmt(rss / 1024)} MB` : 'n/a'}, DOM nodes ${fmt(nodes)}  target < 300 MB: ${Math.max(heap / 1048576, rss / 1024) < 300 ? 'met' : 'NOT met'}`);
  } finally {
    await page.context().close();
    await closeBrowser();
    await served.stop();
  }
}

/** The largest Chromium renderer process's resident memory, in KB (the page's renderer is the one holding the log). */
function rendererRss(): number {
  try {
    const out = execFileSync('ps', ['-eo', 'rss,args'], { encoding: 'utf8' });
    return Math.max(0, ...out.split('\n').filter((l) => l.includes('chromium') && l.includes('--type=renderer')).map((l) => Number(l.trim().split(/\s+/)[0])));
  } catch {
    return 0;
  }
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
