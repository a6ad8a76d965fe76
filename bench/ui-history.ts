/// <reference lib="dom" />
/**
 * The History page with 10,000 recorded runs (written into the served data folder's history database first: 20
 * templates, two builds of ten steps each per run, a tenth failed, some cancelled). Measures, in Chromium against the
 * real `bakehouse serve`:
 * - first render: from the moment the first page of runs arrives in the renderer (history.list answered) to the frame
 *   after the list is drawn. Target < 200 ms.
 * - filtering: from the change of a filter (text, status, template) to the frame after the list shows the new result,
 *   the host's query and the round trip included. Target < 100 ms.
 * - a long run's detail: one more run, the newest, whose run log holds 1,000,000 output lines; from the click on its row
 *   to the frame that shows its last line in the detail's log viewer. Target < 1 s.
 * Run: npm run bench -- ui-history [--rounds 5]
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { runLogPath, runsDir } from '../core/engine/runlog';
import { cpus, loadavg } from 'node:os';
import type { RunEvent } from '../core/contract/events';
import { historyPath, openHistoryDatabase } from '../core/history/database';
import { HistoryWriter } from '../core/history/recorder';
import { closeBrowser, fmt, median, newPage, percentile, startServe } from './ui-common';

const RUNS = 10_000;
const TEMPLATES = 20;
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const LONG_LINES = 1_000_000;
const LONG_RUN = '00000000-1000-4000-8000-000000000001';
const LAST_LINE = `output line ${LONG_LINES} of the long run`;

/** The newest run: a run log of LONG_LINES output lines, as a chatty provisioner writes it, and its history row. */
async function seedLongRun(dataDir: string): Promise<void> {
  mkdirSync(runsDir(dataDir), { recursive: true });
  const path = runLogPath(dataDir, LONG_RUN);
  const out = createWriteStream(path);
  const start = Date.now();
  const build = 'docker.web';
  const line = (e: RunEvent) => JSON.stringify(e) + '\n';
  out.write(line({ kind: 'run-started', time: start, build: '', runId: LONG_RUN, builds: [build] }));
  let chunk = '';
  for (let i = 1; i <= LONG_LINES; i++) {
    chunk += line({ kind: 'output', time: start + i, build, stream: 'stdout', line: i === LONG_LINES ? LAST_LINE : `output line ${i} of the long run` });
    if (i % 10_000 === 0) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(line({ kind: 'run-finished', time: start + LONG_LINES, build: '', runId: LONG_RUN, durationMs: LONG_LINES, failed: [], cancelled: false }));
  await finished(out);
  const db = await openHistoryDatabase(historyPath(dataDir));
  if (!db.ok) throw new Error(db.error);
  const writer = new HistoryWriter(db.value);
  const state = writer.begin({ runId: LONG_RUN, template: template(0), templateHash: 'bench', startedBy: 'cli', startedAt: start, builds: [build], variables: [], inputs: { only: [], except: [], vars: [] }, logPath: path });
  writer.applyBatch(state, [
    { kind: 'run-started', time: start, build: '', runId: LONG_RUN, builds: [build] },
    { kind: 'run-finished', time: start + 60_000, build: '', runId: LONG_RUN, durationMs: 60_000, failed: [], cancelled: false },
  ]);
  db.value.close();
}

/** In the page: clicks the long run's row and waits for the frame that shows its last line. */
const OPEN_LONG = `(async ({ runId, last }) => {
  const t0 = performance.now();
  document.querySelector('[data-testid="run-' + runId + '"] button').click();
  return await new Promise((resolve) => {
    const check = () => {
      const region = document.querySelector('section[aria-label="Run ' + runId + '"]');
      if (region && region.querySelector('.history-log')?.textContent?.includes(last)) requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
      else requestAnimationFrame(check);
    };
    check();
  });
})`;
const template = (i: number) => `/home/user/templates/app-${i % TEMPLATES}/build.pkr.hcl`;
const status = (i: number) => (i % 10 === 0 ? 'failed' : i % 25 === 1 ? 'cancelled' : 'succeeded');

async function seed(dataDir: string): Promise<number> {
  const t = performance.now();
  const db = await openHistoryDatabase(historyPath(dataDir));
  if (!db.ok) throw new Error(db.error);
  // The history's marker, so the host does not look for run logs to import: there are none.
  db.value.prepare("INSERT INTO markers (name, value) VALUES ('run-logs-imported', 'bench')").run();
  const writer = new HistoryWriter(db.value);
  const now = Date.now();
  db.value.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const runId = randomUUID();
      const start = now - (i + 1) * 60_000;
      const builds = ['amazon-ebs.web', 'docker.web'];
      const state = writer.begin({ runId, template: template(i), templateHash: 'bench', startedBy: i % 3 ? 'app' : 'cli', startedAt: start, builds, variables: [], inputs: { only: [], except: [], vars: [] }, logPath: '' });
      const events: RunEvent[] = [{ kind: 'run-started', time: start, build: '', runId, builds }];
      for (const build of builds) {
        let t0 = start;
        events.push({ kind: 'build-started', time: t0, build, builderType: build.split('.')[0] });
        for (let s = 0; s < 10; s++) {
          events.push({ kind: 'step-started', time: t0, build, step: `Step${s}` });
          t0 += 1000 + s * 300;
          events.push({ kind: 'step-finished', time: t0, build, step: `Step${s}`, result: 'continue', durationMs: 1000 + s * 300 });
        }
        const failed = status(i) === 'failed' && build === 'docker.web';
        events.push({ kind: 'build-finished', time: t0, build, result: failed ? 'failed' : status(i) === 'cancelled' ? 'cancelled' : 'succeeded', durationMs: t0 - start, error: failed ? 'Script exited with non-zero exit status: 2' : undefined, artifacts: [] });
      }
      events.push({ kind: 'run-finished', time: start + 40_000, build: '', runId, durationMs: 40_000, failed: status(i) === 'failed' ? ['docker.web'] : [], cancelled: status(i) === 'cancelled' });
      writer.applyBatch(state, events);
    }
  })();
  db.value.close();
  return performance.now() - t;
}

/** In the page: a filter changed as a user changes it (the control's value, then its event), and the time until drawn. */
const MEASURE = `(async ({ kind, value, expect }) => {
  const el = kind === 'text' ? document.querySelector('input[aria-label="Filter runs by text"]') : document.querySelector(kind === 'status' ? 'select[aria-label="Filter by status"]' : 'select[aria-label="Filter by template"]');
  const proto = kind === 'text' ? HTMLInputElement.prototype : HTMLSelectElement.prototype;
  const count = () => Number((document.querySelector('[data-testid="history-count"]')?.textContent ?? '').replace(/\\D/g, ''));
  const t0 = performance.now();
  Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
  el.dispatchEvent(new Event(kind === 'text' ? 'input' : 'change', { bubbles: true }));
  return await new Promise((resolve) => {
    const check = () => {
      const rows = document.querySelectorAll('.run-row[data-run-id]').length;
      if (count() === expect && (expect === 0 || rows > 0))
        requestAnimationFrame(() => setTimeout(() => resolve({ total: performance.now() - t0, answered: window.hb.arrived[window.hb.arrived.length - 1] - t0 }), 0));
      else requestAnimationFrame(check);
    };
    check();
  });
})`;

async function main(): Promise<void> {
  const served = await startServe();
  const seedMs = await seed(served.dataDir);
  await seedLongRun(served.dataDir);
  const firstRender: number[] = [];
  const longOpen: number[] = [];
  const filtering: Record<string, number[]> = {};
  /** Of each filter's time, how much passed before the host's answer arrived (the query and the round trip). */
  const answered: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const page = await newPage();
      await page.goto(served.url);
      await page.getByRole('button', { name: /^History/ }).first().waitFor();
      await page.evaluate(`(() => {
        const api = window.bakehouseUi.services.api;
        const list = api.history.list;
        window.hb = { arrived: [], drawn: undefined };
        api.history.list = async (input) => {
          const r = await list(input);
          window.hb.arrived.push(performance.now());
          return r;
        };
        const observer = new MutationObserver(() => {
          if (window.hb.drawn === undefined && document.querySelector('.run-row[data-run-id]')) {
            window.hb.drawn = -1;
            requestAnimationFrame(() => setTimeout(() => { window.hb.drawn = performance.now(); }, 0));
          }
        });
        observer.observe(document.body, { childList: true, subtree: true });
      })()`);
      await page.getByRole('button', { name: /^History/ }).first().click();
      await page.waitForFunction(() => ((window as unknown as { hb: { drawn?: number } }).hb.drawn ?? -1) > 0);
      const { arrived, drawn } = await page.evaluate(() => (window as unknown as { hb: { arrived: number[]; drawn: number } }).hb);
      firstRender.push(drawn - arrived[0]);
      const steps: Array<{ name: string; kind: string; value: string; expect: number }> = [
        { name: 'text (500 match)', kind: 'text', value: 'app-7/', expect: RUNS / TEMPLATES },
        { name: 'text cleared (10,000)', kind: 'text', value: '', expect: RUNS + 1 },
        { name: 'status failed (1,000)', kind: 'status', value: 'failed', expect: RUNS / 10 },
        { name: 'status cancelled (400)', kind: 'status', value: 'cancelled', expect: 400 },
        { name: 'status any (10,000)', kind: 'status', value: '', expect: RUNS + 1 },
        { name: 'template (500)', kind: 'template', value: template(3), expect: RUNS / TEMPLATES },
        { name: 'template + text, none', kind: 'text', value: 'no such run', expect: 0 },
        { name: 'text cleared, template (500)', kind: 'text', value: '', expect: RUNS / TEMPLATES },
      ];
      for (const s of steps) {
        const ms = (await page.evaluate(`${MEASURE}(${JSON.stringify(s)})`)) as { total: number; answered: number };
        (filtering[s.name] ??= []).push(ms.total);
        answered.push(ms.answered);
      }
      await page.evaluate(`${MEASURE}(${JSON.stringify({ kind: 'template', value: '', expect: RUNS + 1 })})`);
      longOpen.push((await page.evaluate(`${OPEN_LONG}(${JSON.stringify({ runId: LONG_RUN, last: LAST_LINE })})`)) as number);
      await page.context().close();
    }
  } finally {
    await closeBrowser();
    await served.stop();
  }
  const all = Object.values(filtering).flat();
  console.log(`ui-history: ${fmt(RUNS)} runs recorded (seeded in ${fmt(seedMs)} ms), ${ROUNDS} fresh pages`);
  console.log(`  first render after the data arrived: median ${fmt(median(firstRender), 1)} ms, max ${fmt(Math.max(...firstRender), 1)} ms  (${firstRender.map((n) => fmt(n)).join(', ')})  target < 200 ms: ${Math.max(...firstRender) < 200 ? 'met' : median(firstRender) < 200 ? 'met at the median' : 'NOT met'}`);
  for (const [name, xs] of Object.entries(filtering)) console.log(`  filter ${name.padEnd(24)} median ${fmt(median(xs), 1)} ms, max ${fmt(Math.max(...xs), 1)} ms`);
  console.log(`  filtering overall: p50 ${fmt(percentile(all, 50), 1)} ms, p95 ${fmt(percentile(all, 95), 1)} ms  target < 100 ms: ${percentile(all, 95) < 100 ? 'met' : percentile(all, 50) < 100 ? 'met at the median' : 'NOT met'}`);
  console.log(`  of which until the host's answer arrived: p50 ${fmt(percentile(answered, 50), 1)} ms, p95 ${fmt(percentile(answered, 95), 1)} ms`);
  console.log(`  a ${fmt(LONG_LINES)}-line run's detail, click to its last line shown: median ${fmt(median(longOpen), 1)} ms, max ${fmt(Math.max(...longOpen), 1)} ms  target < 1 s: ${Math.max(...longOpen) < 1000 ? 'met' : median(longOpen) < 1000 ? 'met at the median' : 'NOT met'}`);
  console.log(`  load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(', ')} on ${cpus().length} cores`);
}

void main().catch((e) => {
  console.error(e);
  process.exit(1);
});
