/** Reads a Terminal as a user watching it would: everything printed so far, and a wait for some text to appear. */
import type { Terminal } from '../../core/engine/terminal';

export interface TerminalReader {
  text(): string;
  /** Resolves with everything printed once `pattern` matches what came after `from` (a position in text()). */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
}

export function readTerminal(terminal: Terminal): TerminalReader {
  let seen = '';
  const waiters: Array<() => void> = [];
  terminal.onData((chunk) => {
    seen += chunk.toString('utf8');
    for (const w of waiters.splice(0)) w();
  });
  return {
    text: () => seen,
    async waitFor(pattern, from = 0, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(seen.slice(from))) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`the terminal never printed ${pattern}; it printed:\n${seen.slice(from)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(t);
            resolve();
          });
        });
      }
      return seen.slice(from);
    },
  };
}
