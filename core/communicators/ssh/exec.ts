/** Runs one command over an SSH connection, streaming stdout and stderr line by line and returning the exit code. */
import type { ClientChannel } from 'ssh2';
import type { OutputStream } from '../../common/output';
import { cancelled, err, ok, type Err, type Result } from '../../common/result';
import type { CommandResult } from '../../engine/plugin';
import type { SshConnection } from './connect';
import { openChannel } from './open-channel';
import { LineSplitter } from '../line-splitter';

export type OnLine = (stream: OutputStream, line: string) => void;

export interface ExecOptions {
  signal: AbortSignal;
  onLine: OnLine;
  /** Request a terminal (ssh_pty); stderr then arrives mixed into stdout, as on a real terminal. */
  pty?: boolean;
  /** Bytes for the command's standard input, followed by end-of-file (never with a pty, whose line discipline would read them as keys). */
  input?: Uint8Array;
}

/** Packer's exit status for a command whose session ended without one (the connection dropped). */
export const EXIT_STATUS_MISSING = 2300218;

/** How long a cancelled command may take to end after SIGTERM before its channel is closed on it. */
const CANCEL_GRACE_MS = 5000;

/** A failure before the server accepted the command: safe to retry on a new connection. */
export type ExecResult = Result<CommandResult> | (Err<string> & { notStarted: true });

export async function execCommand(conn: SshConnection, command: string, opts: ExecOptions): Promise<ExecResult> {
  if (opts.signal.aborted) return cancelled();
  let code: number | undefined;
  let signalName: string | undefined;
  const out = new LineSplitter((l) => opts.onLine('stdout', l));
  const stderr = new LineSplitter((l) => opts.onLine('stderr', l));
  // Listeners go on inside exec's callback: a quick command's exit status can arrive in the same read as the reply.
  let channelClosed: Promise<void> = Promise.resolve();
  const listen = (ch: ClientChannel) => {
    channelClosed = new Promise((resolve) => ch.once('close', () => resolve()));
    ch.on('data', (b: Buffer) => out.push(b));
    ch.stderr.on('data', (b: Buffer) => stderr.push(b));
    ch.on('exit', (c: number | null, sig?: string) => {
      if (typeof c === 'number') code = c;
      else signalName = sig;
    });
  };
  const pty = opts.pty ? { pty: { term: 'vt100', rows: 40, cols: 80 } } : {};
  const channel = await openChannel<ClientChannel>(
    conn,
    opts.signal,
    (done) =>
      conn.client.exec(command, pty, (e, ch) => {
        // Listeners go on before this callback returns (see above); a channel opened too late is closed unread.
        if (!e) listen(ch);
        done(e, ch);
      }),
    (late) => late.close(),
  );
  if (channel === 'cancelled') return cancelled();
  if (channel instanceof Error) return { ...err(`Could not start the command over SSH: ${channel.message}`), notStarted: true };
  if (opts.input !== undefined) channel.end(opts.input);
  let aborting = false;
  const ended = await new Promise<'closed' | 'cancelled' | 'dropped'>((resolve) => {
    const onAbort = () => {
      aborting = true;
      // Ask sshd to pass SIGTERM to the command first: closing the channel alone leaves a command without a terminal running.
      try {
        channel.signal('TERM');
      } catch {
        // The channel is already going away.
      }
      // Give the command a moment to end (sshd then closes the channel), so a cancelled run returns after it, not before.
      const grace = setTimeout(() => {
        channel.close();
        resolve('cancelled');
      }, CANCEL_GRACE_MS);
      void channelClosed.then(() => clearTimeout(grace));
    };
    const onDrop = () => resolve(aborting ? 'cancelled' : 'dropped');
    opts.signal.addEventListener('abort', onAbort, { once: true });
    const forget = conn.onClose(onDrop);
    // A cancel that came while the channel was opening has no event left to fire.
    if (opts.signal.aborted) onAbort();
    void channelClosed.then(() => {
      opts.signal.removeEventListener('abort', onAbort);
      forget();
      resolve(aborting ? 'cancelled' : 'closed');
    });
  });
  out.end();
  stderr.end();
  if (ended === 'cancelled') return cancelled();
  if (code !== undefined) return ok({ exitCode: code });
  if (signalName) return ok({ exitCode: 128 + signalNumber(signalName) });
  return err(`Lost the SSH connection while the command was running (exit status ${EXIT_STATUS_MISSING}: no exit status was received)`);
}

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, SEGV: 11, PIPE: 13, ALRM: 14, TERM: 15 };

function signalNumber(name: string): number {
  return SIGNALS[name.replace(/^SIG/, '')] ?? 0;
}


/** Runs a housekeeping command and collects its output; fails unless it exits 0. */
export async function execQuiet(conn: SshConnection, command: string, signal: AbortSignal): Promise<Result<string>> {
  const lines: string[] = [];
  const r = await execCommand(conn, command, { signal, onLine: (_s, l) => lines.push(l) });
  if (!r.ok) return r;
  if (r.value.exitCode !== 0) return err(`"${command}" exited with status ${r.value.exitCode}${lines.length ? `: ${lines.join('\n')}` : ''}`);
  return ok(lines.join('\n'));
}
