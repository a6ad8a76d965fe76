/**
 * The app's data folder: settings, recently opened templates and run logs live here, one folder per user, shared by the
 * desktop app and `bakehouse serve` so both remember the same things.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOnErrorPolicy } from '../common/on-error';
import { isTheme } from '../common/settings';
import type { Settings } from '../contract/types';
import { dataDir } from '../engine/runlog';
import { writeFileAtomic } from '../files/atomic-write';

export const DEFAULT_SETTINGS: Settings = { theme: 'system', defaultOnError: 'cleanup', historyKeepRuns: 0, historyKeepDays: 0, cacheMaxMb: 0 };

/** How many recently opened templates the app remembers. */
const RECENT_LIMIT = 15;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

export class AppDataDir {
  constructor(readonly path: string) {}

  static fromEnv(env: Record<string, string | undefined> = process.env): AppDataDir {
    return new AppDataDir(dataDir(env));
  }

  readSettings(): Settings {
    const stored = this.readJson<Partial<Settings>>('settings.json');
    const out: Settings = { ...DEFAULT_SETTINGS };
    // The file may be hand-edited or from another version: keep only values this version knows.
    if (isTheme(stored?.theme)) out.theme = stored.theme;
    if (isOnErrorPolicy(stored?.defaultOnError)) out.defaultOnError = stored.defaultOnError;
    if (isCount(stored?.historyKeepRuns)) out.historyKeepRuns = stored.historyKeepRuns;
    if (isCount(stored?.historyKeepDays)) out.historyKeepDays = stored.historyKeepDays;
    if (isCount(stored?.cacheMaxMb)) out.cacheMaxMb = stored.cacheMaxMb;
    return out;
  }

  /** Merges the given settings into the stored ones and returns the result. */
  writeSettings(change: Partial<Settings>): Settings {
    const next: Settings = { ...this.readSettings() };
    if (change.theme !== undefined) next.theme = change.theme;
    if (change.defaultOnError !== undefined) next.defaultOnError = change.defaultOnError;
    if (change.historyKeepRuns !== undefined) next.historyKeepRuns = change.historyKeepRuns;
    if (change.historyKeepDays !== undefined) next.historyKeepDays = change.historyKeepDays;
    if (change.cacheMaxMb !== undefined) next.cacheMaxMb = change.cacheMaxMb;
    this.writeJson('settings.json', next);
    return next;
  }

  recentFiles(): string[] {
    const stored = this.readJson<unknown>('recent-files.json');
    return Array.isArray(stored) ? stored.filter((p): p is string => typeof p === 'string') : [];
  }

  /** Puts `path` first in the recent list (once). */
  addRecentFile(path: string): string[] {
    const next = [path, ...this.recentFiles().filter((p) => p !== path)].slice(0, RECENT_LIMIT);
    this.writeJson('recent-files.json', next);
    return next;
  }

  /** Small per-folder state the Electron shell keeps (window bounds); plain JSON. */
  readState<T>(name: string): T | undefined {
    return this.readJson<T>(`${name}.json`);
  }

  writeState(name: string, value: unknown): void {
    this.writeJson(`${name}.json`, value);
  }

  private readJson<T>(name: string): T | undefined {
    const file = join(this.path, name);
    if (!existsSync(file)) return undefined;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      // A damaged file is treated as absent: losing a preference beats refusing to start.
      return undefined;
    }
  }

  private writeJson(name: string, value: unknown): void {
    mkdirSync(this.path, { recursive: true });
    writeFileAtomic(join(this.path, name), `${JSON.stringify(value, null, 2)}\n`);
  }
}
