/**
 * Opens the history database (`<data>/history.sqlite`): WAL, so the app reads while a CLI build writes; a busy timeout,
 * so two writers wait for each other instead of failing; and the migrations this version knows, each in its own
 * transaction. better-sqlite3 is loaded on first use, so a command that never opens the history does not load it.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { err, ok, type Result } from '../common/result';
import { MIGRATIONS } from './migrations';

export type HistoryDatabase = BetterSqlite3.Database;

export const HISTORY_FILE = 'history.sqlite';

export function historyPath(dataDir: string): string {
  return join(dataDir, HISTORY_FILE);
}

/** How long a writer waits for another process's transaction before giving up (a CLI build and the app at once). */
const BUSY_TIMEOUT_MS = 5000;

export async function openHistoryDatabase(path: string): Promise<Result<HistoryDatabase>> {
  let db: HistoryDatabase | undefined;
  try {
    const { default: Database } = await import('better-sqlite3');
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL loses at most the last transactions on power loss, never consistency; FULL's fsync per commit
    // would cost a step's recording several milliseconds on a slow disk.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const migrated = migrate(db);
    if (!migrated.ok) {
      db.close();
      return err(`${path}: ${migrated.error}`);
    }
    return ok(db);
  } catch (e) {
    db?.close();
    return err(`${path}: ${(e as Error).message}`);
  }
}

/** Runs the migrations past the database's `user_version`, each with the version bump in one transaction. */
export function migrate(db: HistoryDatabase): Result<number> {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    return err(`the history was written by a newer Bakehouse (schema version ${current}; this one knows ${MIGRATIONS.length})`);
  }
  for (let version = current + 1; version <= MIGRATIONS.length; version++) {
    // IMMEDIATE takes the write lock first, so two processes opening a new database do not both run a migration.
    db.transaction(() => {
      const now = db.pragma('user_version', { simple: true }) as number;
      if (now >= version) return;
      db.exec(MIGRATIONS[version - 1]);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
  return ok(MIGRATIONS.length);
}
