/** Waiting and retrying that stop as soon as the run is cancelled. */

/** Waits `ms`; resolves false early if `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Backoff {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

/** Packer's retry backoff for provisioners: 2s, doubling, at most a minute. */
export const DEFAULT_BACKOFF: Backoff = { initialMs: 2000, maxMs: 60_000, multiplier: 2 };

/** The wait before retry number `attempt` (0-based). */
export function backoffDelay(b: Backoff, attempt: number): number {
  return Math.min(b.maxMs, b.initialMs * Math.pow(b.multiplier, attempt));
}

/** Resolves with `fallback` when `signal` aborts first; the late result of `work` is ignored (and its rejection swallowed). */
export function untilAborted<T, F>(work: Promise<T>, signal: AbortSignal, fallback: F): Promise<T | F> {
  if (signal.aborted) {
    work.catch(() => undefined);
    return Promise.resolve(fallback);
  }
  return new Promise<T | F>((resolve, reject) => {
    const onAbort = () => resolve(fallback);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** How long a cancelled build waits for a create call in flight to answer, so its cleanup can remove what it made. */
export const CREATE_GRACE_MS = 30_000;

/**
 * A signal that aborts `graceMs` after `signal` does: for a call that creates something, which should finish (so its
 * cleanup knows what to remove) rather than be cut short by a cancel, yet not hold the cancel forever if the service hangs.
 */
export function afterGrace(signal: AbortSignal, graceMs: number): AbortSignal {
  const later = new AbortController();
  const start = (): void => {
    setTimeout(() => later.abort(signal.reason), graceMs).unref();
  };
  if (signal.aborted) start();
  else signal.addEventListener('abort', start, { once: true });
  return later.signal;
}
