/** A lock file so parallel builds (or two bakehouse processes) appending to one manifest don't lose each other's records. */
import { closeSync, openSync, rmSync } from 'node:fs';

export async function withFileLock<T>(lockPath: string, work: () => T, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      closeSync(openSync(lockPath, 'wx'));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return work();
  } finally {
    rmSync(lockPath, { force: true });
  }
}
