/**
 * Launching the desktop app for Playwright's `_electron` tests, each with a fresh data folder. Where Electron's binary is
 * missing the tests skip with `ELECTRON_MISSING`.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BakehouseBridge } from '../../core/contract/bridge';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';

export const ELECTRON_MISSING = "Electron's binary is not installed here (it cannot be downloaded on this machine); the same UI is tested in Chromium through bakehouse serve";

const MAIN = resolve('dist/electron/main.js');

/** The Electron executable, if its binary was downloaded when the package was installed. */
export function electronBinary(): string | undefined {
  try {
    // The electron package's entry point returns the binary's path, and throws when the download never happened.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Why the Electron tests cannot run here, or false when they can. */
export function skipReason(): string | false {
  if (!electronBinary()) return ELECTRON_MISSING;
  if (!existsSync(MAIN)) return 'dist/electron/main.js is missing: run `npm run build` first';
  return false;
}

/** What tests read of the page's globals (the test files are compiled without the DOM library). */
export interface BrowserGlobals {
  bakehouse?: BakehouseBridge;
  open(url: string): unknown;
  location: { href: string };
}

export interface LaunchedApp {
  app: ElectronApplication;
  page: Page;
  dataDir: string;
  close(): Promise<void>;
}

export async function launchApp(): Promise<LaunchedApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bakehouse-electron-'));
  const app = await _electron.launch({
    executablePath: electronBinary(),
    args: [MAIN, ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
    env: { ...process.env, BAKEHOUSE_DATA_DIR: dataDir } as Record<string, string>,
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return { app, page, dataDir, close: () => app.close() };
}
