import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Result } from '../../core/contract/result';
import type { OpenedTemplate } from '../../core/contract/types';
import { workspace } from '../app/fixtures';
import { launchApp, skipReason, type BrowserGlobals } from './launch';

const skip = skipReason();

test('the window shows our page from app://bakehouse, sandboxed, with the bridge and without Node', { skip }, async () => {
  const { app, page, close } = await launchApp();
  try {
    assert.match(page.url(), /^app:\/\/bakehouse\//);
    const seen = await page.evaluate(() => ({
      bridge: typeof (globalThis as unknown as BrowserGlobals).bakehouse?.templates.open,
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      invoke: 'invoke' in ((globalThis as unknown as BrowserGlobals).bakehouse ?? {}),
    }));
    assert.deepEqual(seen, { bridge: 'function', require: 'undefined', process: 'undefined', invoke: false });
    const csp = await page.evaluate(async () => (await fetch('app://bakehouse/index.html')).headers.get('content-security-policy'));
    assert.match(csp ?? '', /default-src 'self'/);
    assert.equal(app.windows().length, 1);
  } finally {
    await close();
  }
});

test('new windows and navigation away from the app are refused', { skip }, async () => {
  const { app, page, close } = await launchApp();
  try {
    const opened = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).open('https://example.com/') === null);
    assert.equal(opened, true);
    await page.evaluate(() => {
      (globalThis as unknown as BrowserGlobals).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(300);
    assert.match(page.url(), /^app:\/\/bakehouse\//);
    assert.equal(app.windows().length, 1);
  } finally {
    await close();
  }
});

test('the bridge opens a template and streams a real build run in numbered batches', { skip }, async () => {
  const ws = workspace();
  const { page, close } = await launchApp();
  try {
    const opened = await page.evaluate((path) => (globalThis as unknown as BrowserGlobals).bakehouse!.templates.open({ path }), ws.templatePath);
    assert.ok((opened as Result<OpenedTemplate>).ok);
    const seqs = await page.evaluate(async (path) => {
      const b = (globalThis as unknown as BrowserGlobals).bakehouse!;
      const started = await b.builds.start({ path, only: ['null.box'] });
      if (!started.ok) throw new Error(started.error.message);
      return new Promise<number[]>((resolve) => {
        const firsts: number[] = [];
        b.onRunEvents(started.value.runId, (batch) => {
          firsts.push(batch.firstSeq);
          if (batch.events.some((e) => e.kind === 'run-finished')) resolve(firsts);
        });
      });
    }, ws.templatePath);
    assert.equal(seqs[0], 0);
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs);
  } finally {
    await close();
  }
});

test('the application menu offers open, save, run, cancel and format', { skip }, async () => {
  const { app, close } = await launchApp();
  try {
    const labels = await app.evaluate(({ Menu }) =>
      (Menu.getApplicationMenu()?.items ?? []).flatMap((top) => (top.submenu?.items ?? []).map((i) => `${top.label}/${i.label}/${i.accelerator ?? ''}`)),
    );
    for (const expected of ['File/Open Template…/CmdOrCtrl+O', 'File/Save/CmdOrCtrl+S', 'File/Format Document/Shift+Alt+F', 'Build/Run Build/F5', 'Build/Cancel Build/Shift+F5']) {
      assert.ok(labels.includes(expected), `${expected} in ${labels.join(', ')}`);
    }
  } finally {
    await close();
  }
});
