/**
 * End-to-end fixture: a real `bakehouse serve` (real host, real engine) with a fresh data folder and a fresh copy of the
 * example, and Debian's Chromium driven by playwright-core. Each test gets its own server, folder and page.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pruneCache } from '../../core/cache/maintenance';
import { cacheDir, CacheStore } from '../../core/cache/store';
import { dockerCacheImages } from '../../core/builders/docker/cache-images';
import { DockerDriver } from '../../core/builders/docker/driver';
import { TSX_LOADER } from '../support/tsx';

export const REPO = resolve(__dirname, '../..');
export const CHROMIUM = process.env.BAKEHOUSE_CHROMIUM ?? '/usr/bin/chromium';
// In CI nothing may be missing: the tests run (and fail) rather than skip.
export const canRun = Boolean(process.env.CI) || (existsSync(CHROMIUM) && existsSync(join(REPO, 'dist/renderer/index.html')));

function dockerUp(): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', 'local/debian:bookworm'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Options for a test that builds with Docker in the app: skipped only outside CI, saying what is missing. */
export function dockerTestOptions(timeout: number): { skip: string | false; timeout: number } {
  const skip = !canRun ? 'needs /usr/bin/chromium and a built renderer' : !dockerUp() && !process.env.CI ? 'needs dockerd and local/debian:bookworm (.ci/services.sh)' : false;
  return { skip, timeout };
}

export interface Served {
  url: string;
  /** The folder the server runs in: it holds resources/examples/docker-debian, a copy of the example. */
  workDir: string;
  dataDir: string;
  output: () => string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** false: the server's folder has no copy of the example, so the app's own one (found from its install folder) is used. */
  copyExample?: boolean;
  /** More environment for the server (BAKEHOUSE_VAULT_KEYRING=0 for a passphrase vault, say). */
  env?: Record<string, string>;
}

/** Starts `node bin/bakehouse.js serve --port 0` (or the source version when the bundle lacks it) and reads its address. */
export async function startServe(opts: ServeOptions = {}): Promise<Served> {
  const workDir = mkdtempSync(join(tmpdir(), 'bakehouse-e2e-'));
  const dataDir = join(workDir, 'data');
  if (opts.copyExample !== false) cpSync(join(REPO, 'resources/examples/docker-debian'), join(workDir, 'resources/examples/docker-debian'), { recursive: true });
  const bundled = readFileSync(join(REPO, 'dist/cli.js'), 'utf8').includes('Bakehouse is serving');
  const args = bundled ? [join(REPO, 'bin/bakehouse.js'), 'serve', '--port', '0'] : ['--import', TSX_LOADER, join(REPO, 'test/e2e/serve-from-source.ts'), '--port', '0'];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: workDir,
    env: { ...process.env, ...opts.env, BAKEHOUSE_DATA_DIR: dataDir, BAKEHOUSE_RENDERER_DIR: join(REPO, 'dist/renderer'), NODE_PATH: join(REPO, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`serve did not print its address within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => fail(new Error(`serve exited (${code}):\n${out}`)));
  });
  return {
    url,
    workDir,
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      removeBuiltImages(dataDir);
      await removeCacheImages(dataDir);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** The images this server's builds committed (their artifacts in its run logs): a test leaves no image behind. */
function removeBuiltImages(dataDir: string): void {
  const runs = join(dataDir, 'runs');
  if (!existsSync(runs)) return;
  const ids = new Set<string>();
  for (const f of readdirSync(runs).filter((n) => n.endsWith('.jsonl'))) {
    for (const m of readFileSync(join(runs, f), 'utf8').matchAll(/"kind":"artifact","artifact":\{"id":"(sha256:[0-9a-f]{64})"/g)) ids.add(m[1]);
  }
  if (ids.size === 0) return;
  try {
    execFileSync('docker', ['rmi', '-f', ...ids], { stdio: 'ignore' });
  } catch {
    // Already removed, or Docker is not running here: nothing to clean.
  }
}

/** The build cache's images this server's builds committed (the app builds with the cache on), pruned as `cache prune --all` does. */
async function removeCacheImages(dataDir: string): Promise<void> {
  const store = new CacheStore(cacheDir(dataDir));
  if (store.list().length === 0 && store.pending().length === 0) return;
  // A month ahead, so a save a killed build left pending is an orphan to remove, not a build still committing.
  await pruneCache(store, dockerCacheImages(DockerDriver.fromEnv(process.env)), { all: true }, Date.now() + 30 * 86_400_000);
}

let browser: Browser | undefined;

export async function launchBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export async function newPage(): Promise<Page> {
  const b = await launchBrowser();
  const context = await b.newContext({ viewport: { width: 1440, height: 900 } });
  return context.newPage();
}

/** A server and a page for one test, cleaned up after it. */
export async function withApp<T>(fn: (s: Served, page: Page) => Promise<T>, opts?: ServeOptions): Promise<T> {
  const served = await startServe(opts);
  const page = await newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    return await fn(served, page);
  } catch (e) {
    (e as Error).message += `\n-- page errors: ${errors.join('\n')}\n-- serve output:\n${served.output().slice(-3000)}`;
    throw e;
  } finally {
    await page.context().close();
    await served.stop();
  }
}
