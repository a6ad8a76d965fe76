/**
 * "Open a shell" at a paused build's question: the user's own terminal is bridged to a shell on the build's machine —
 * keys go there in raw mode (so Ctrl-C, arrows and tab completion reach the remote shell, not this process), what the
 * shell prints comes back, and the window's size follows. Leaving the shell (`exit`) brings the question back.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Terminal, TerminalSize } from '../../engine/terminal';

/** The CLI's terminal when standard input and output are one (CliIO.tty). */
export interface CliTerminal {
  size(): TerminalSize;
  /** Calls `listener` when the window is resized; returns a function that stops. */
  onResize(listener: () => void): () => void;
  setRawMode(raw: boolean): void;
}

export interface ShellConsole {
  /** The user's keys. */
  input: NodeJS.ReadableStream;
  write(text: string): void;
  tty?: CliTerminal;
}

/** Bridges `console` to `terminal` until the shell ends; the console is left as it was found (cooked mode, input paused). */
export async function attachShell(terminal: Terminal, console: ShellConsole): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const stopOutput = terminal.onData((chunk) => console.write(decoder.write(chunk)));
  const onKeys = (chunk: Buffer | string) => terminal.write(chunk);
  const stopResize = console.tty?.onResize(() => terminal.resize(console.tty!.size()));
  console.tty?.setRawMode(true);
  console.input.on('data', onKeys);
  console.input.resume();
  try {
    await terminal.ended;
  } finally {
    console.input.off('data', onKeys);
    console.input.pause();
    console.tty?.setRawMode(false);
    stopResize?.();
    stopOutput();
    const rest = decoder.end();
    if (rest) console.write(rest);
  }
}

/** A size for a shell when the CLI's output is not a terminal (a test, a pipe). */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { cols: 80, rows: 24 };
