/**
 * Getting a connection back after an expected disconnect (a reboot, a restarted sshd): keep trying until the machine
 * answers again or start_retry_timeout runs out.
 */
import { sleep } from '../../engine/retry';
import { cancelled, err, type Result } from '../../common/result';
import type { ConnectResult, SshConnection } from './connect';

export interface ReconnectOptions {
  signal: AbortSignal;
  /** Give up after this long (Packer's start_retry_timeout, 5 minutes by default). */
  timeoutMs: number;
  /** Pause between tries. */
  intervalMs: number;
}

export async function reconnect(connect: (signal: AbortSignal) => Promise<ConnectResult>, opts: ReconnectOptions): Promise<Result<SshConnection>> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = 'no try was made';
  for (;;) {
    if (opts.signal.aborted) return cancelled();
    const r = await connect(opts.signal);
    if (r.ok) return r;
    if (r.kind === 'cancelled') return cancelled();
    last = r.error;
    // A wrong key or a bad file will not fix itself by waiting.
    if (r.kind === 'config') return err(`Could not reconnect over SSH: ${last}`);
    if (Date.now() + opts.intervalMs > deadline) {
      return err(`Could not reconnect over SSH within the start retry timeout: ${last}`);
    }
    if (!(await sleep(opts.intervalMs, opts.signal))) return cancelled();
  }
}

