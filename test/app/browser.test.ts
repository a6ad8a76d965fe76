/**
 * The browser transport in a real Chromium against a real `bakehouse serve` server: the tokened address, the cookie that
 * loads the page's script under the CSP, contract calls and a build's events over the WebSocket.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { createHost } from '../../core/app/host';
import { startServer, type RunningServer } from '../../core/app/transport/ws-server';
import { workspace } from './fixtures';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
// In CI a missing browser fails the test instead of skipping it (.ci/run installs Chromium).
const skip = CHROMIUM || process.env.CI ? false : 'Chromium is not installed (apt-get install -y chromium)';

/** Browser code: connects the way the renderer does and reports what it saw on `window.probe`. */
const PROBE = `
import { connect } from ${JSON.stringify(resolve('renderer/transport/index.ts'))};
const params = new URLSearchParams(location.search);
window.probe = (async () => {
  const conn = await connect();
  const opened = await conn.api.templates.open({ path: params.get('path') });
  const started = await conn.api.builds.start({ path: params.get('path'), only: ['null.box'] });
  const lines = [];
  const firstSeqs = [];
  await new Promise((done) => conn.onRunEvents(started.value.runId, (b) => {
    firstSeqs.push(b.firstSeq);
    for (const e of b.events) if (e.kind === 'output') lines.push(e.line);
    if (b.events.some((e) => e.kind === 'run-finished')) done();
  }));
  return { kind: conn.kind, files: opened.ok ? opened.value.files.length : opened.error.message, lines, firstSeqs };
})();
`;

const ws = workspace();
const host = createHost({ dataDir: ws.dataDir, env: { PATH: process.env.PATH } });
const staticDir = join(ws.dir, 'ui');
let server: RunningServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  mkdirSync(staticDir);
  await build({ stdin: { contents: PROBE, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, format: 'esm', platform: 'browser', outfile: join(staticDir, 'probe.js'), logLevel: 'error', tsconfig: 'tsconfig.web.json' });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>probe</title><link rel="icon" href="data:,"><script type="module" src="/probe.js"></script>');
  server = await startServer({ host, staticDir });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
  await host.dispose();
});

test('the page from the printed address connects, calls the contract and follows a build', { skip }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(`${server.url}&path=${encodeURIComponent(ws.templatePath)}`);
  const seen = await page.evaluate(() => (globalThis as unknown as { probe: Promise<unknown> }).probe);
  assert.deepEqual(errors, [], 'no CSP violations or script errors');
  const r = seen as { kind: string; files: number; lines: string[]; firstSeqs: number[] };
  assert.equal(r.kind, 'websocket');
  assert.equal(r.files, 1);
  assert.ok(r.lines.includes('hello world'));
  assert.ok(r.lines.includes('pw=<sensitive>'));
  assert.deepEqual([...r.firstSeqs].sort((a, b) => a - b), r.firstSeqs);
  await page.close();
});

test('after the token leaves the address bar, the session cookie still lets the page in; another browser profile is refused', { skip }, async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.url}&path=${encodeURIComponent(ws.templatePath)}`);
  await page.evaluate(() => (globalThis as unknown as { probe: Promise<unknown> }).probe);
  await page.goto(`http://127.0.0.1:${server.port}/?path=${encodeURIComponent(ws.templatePath)}`);
  const again = (await page.evaluate(() => (globalThis as unknown as { probe: Promise<unknown> }).probe)) as { files: number };
  assert.equal(again.files, 1);
  await context.close();

  const stranger = await browser.newContext();
  const other = await stranger.newPage();
  const response = await other.goto(`http://127.0.0.1:${server.port}/`);
  assert.equal(response?.status(), 401);
  await stranger.close();
});
