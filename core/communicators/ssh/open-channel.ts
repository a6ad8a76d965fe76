/**
 * Waiting for ssh2 to open a channel (exec, sftp), bounded: it settles on the answer, on a cancel or on the connection
 * closing, whichever comes first. A channel that opens after we stopped waiting is closed, so no session is left
 * open on the server.
 */
import type { SshConnection } from './connect';

export function openChannel<C>(
  conn: SshConnection,
  signal: AbortSignal,
  start: (done: (err: Error | undefined, channel?: C) => void) => void,
  discard: (channel: C) => void,
): Promise<C | Error | 'cancelled'> {
  return new Promise((resolve) => {
    let settled = false;
    let forget = (): void => undefined;
    const settle = (v: C | Error | 'cancelled') => {
      if (settled) return;
      settled = true;
      forget();
      signal.removeEventListener('abort', onAbort);
      resolve(v);
    };
    const onAbort = () => settle('cancelled');
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort();
    forget = conn.onClose(() => settle(new Error('the connection closed')));
    if (settled) return;
    try {
      start((err, channel) => {
        if (settled) {
          if (channel !== undefined) discard(channel);
          return;
        }
        settle(err ?? (channel as C));
      });
    } catch (e) {
      settle(e as Error);
    }
  });
}
