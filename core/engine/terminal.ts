/**
 * A terminal into the machine a paused build is working on: a shell with a pty, opened by the build's communicator
 * (`docker exec -it`, an SSH `shell`), whose bytes go to whoever asked for it (the CLI's own terminal, the app's xterm.js).
 * `overStream` turns the Duplex each of them gives into one, keeping what the shell prints before anyone listens (its
 * first prompt) so it is not lost.
 */
import type { Duplex } from 'node:stream';

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface Terminal {
  /** Bytes the shell printed (a pty mixes its stdout and stderr); what came before the first listener is given to it first. */
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Keys, pasted text: bytes for the shell's pty. */
  write(data: string | Uint8Array): void;
  resize(size: TerminalSize): void;
  /** Ends the shell; resolves once it is gone. */
  close(): Promise<void>;
  /** Resolves when the shell has ended, closed here or by itself (`exit`). */
  readonly ended: Promise<void>;
}

export interface StreamTerminalHooks {
  resize(size: TerminalSize): Promise<void> | void;
  /** Makes sure nothing of the shell is left running once its stream is gone. */
  close(): Promise<void> | void;
}

export function overStream(stream: Duplex, hooks: StreamTerminalHooks): Terminal {
  const listeners = new Set<(chunk: Buffer) => void>();
  let early: Buffer[] = [];
  let done = false;
  const ended = new Promise<void>((resolve) => {
    const finish = () => {
      done = true;
      resolve();
    };
    stream.once('end', finish);
    stream.once('close', finish);
    stream.on('error', finish);
  });
  stream.on('data', (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (listeners.size === 0) early.push(bytes);
    else for (const l of listeners) l(bytes);
  });
  let closing: Promise<void> | undefined;
  return {
    onData(listener) {
      listeners.add(listener);
      if (early.length > 0) {
        const kept = early;
        early = [];
        for (const b of kept) listener(b);
      }
      return () => listeners.delete(listener);
    },
    write(data) {
      if (!done) stream.write(data);
    },
    resize(size) {
      if (done) return;
      void Promise.resolve(hooks.resize(size)).catch(() => undefined);
    },
    close() {
      closing ??= (async () => {
        try {
          await hooks.close();
        } catch {
          // Best effort: the stream is destroyed below whatever the machine answered.
        }
        stream.destroy();
        await ended;
      })();
      return closing;
    },
    ended,
  };
}
