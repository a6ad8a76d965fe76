/**
 * One writer at a time for the vault, across processes (the app and the CLI): a lock file created with O_EXCL beside the
 * vault, holding the owner's pid, host and time. A lock whose process is gone (same host) or that is older than
 * `STALE_MS` (a crashed writer on another host sharing the folder) is broken. Breaking renames the lock to a name of our own
 * first and checks it is the one judged stale, so two processes breaking the same stale lock cannot remove a fresh one.
 */
import { linkSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { err, ok, type Result } from '../common/result';
import { processAlive } from '../engine/process-alive';

/** A write holds the lock for milliseconds; a minute means its owner died without removing it. */
const STALE_MS = 60_000;
const WAIT_MS = 15_000;

export interface HeldLock {
  release(): void;
}

export async function acquireLock(vaultPath: string, waitMs = WAIT_MS): Promise<Result<HeldLock, string>> {
  const path = `${vaultPath}.lock`;
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  const deadline = Date.now() + waitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, mine);
      } finally {
        closeSync(fd);
      }
      return ok({ release: () => releaseIfMine(path, mine) });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return err(`${path}: cannot create the vault's lock file: ${(e as Error).message}`);
    }
    const holder = readHolder(path);
    if (holder !== undefined && isStale(path, holder)) {
      breakLock(path, holder.text);
      continue;
    }
    if (Date.now() > deadline) {
      const who = holder?.owner ? `process ${holder.owner.pid} on ${holder.owner.host} since ${holder.owner.at}` : 'another process';
      return err(`${path}: the vault is locked by ${who}; if no Bakehouse is running, remove this file`);
    }
    // Jitter keeps two waiting writers from retrying in lockstep.
    await sleep(5 + Math.min(attempt, 20) * 2 + Math.random() * 10);
  }
}

interface Holder {
  text: string;
  owner?: { pid: number; host: string; at: string };
}

function readHolder(path: string): Holder | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as { pid?: unknown; host?: unknown; at?: unknown };
    if (typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.at === 'string') return { text, owner: { pid: v.pid, host: v.host, at: v.at } };
  } catch {
    // Created but not yet written (or written by something else): judged by its age alone.
  }
  return { text };
}

function isStale(path: string, holder: Holder): boolean {
  if (holder.owner && holder.owner.host === hostname() && !processAlive(holder.owner.pid)) return true;
  try {
    return Date.now() - statSync(path).mtimeMs > STALE_MS;
  } catch {
    return false;
  }
}

function breakLock(path: string, staleText: string): void {
  const aside = `${path}.${process.pid}.${Date.now()}.broken`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  let taken = '';
  try {
    taken = readFileSync(aside, 'utf8');
  } catch {
    // Gone already: nothing to put back.
  }
  if (taken !== staleText) {
    // Another process broke the stale lock and took a fresh one between our read and rename: give it back.
    try {
      linkSync(aside, path);
    } catch {
      // The path is taken again: that owner holds the lock and the one we moved lost it, as a crash would have.
    }
  }
  rmSync(aside, { force: true });
}

function releaseIfMine(path: string, mine: string): void {
  try {
    if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
  } catch {
    // Already gone (broken as stale): nothing to release.
  }
}
