/**
 * Reads one answer from the terminal, for the commands that ask (credentials). A secret answer is not echoed: the
 * terminal is put in raw mode and the characters are collected here, as `read -s` does. Questions go to standard error
 * so standard output stays what scripts read.
 */
import type { ReadStream } from 'node:tty';

export interface TerminalQuestion {
  /** The text before the cursor, e.g. `secret_key: `. */
  prompt: string;
  secret: boolean;
}

/** Why reading stopped without an answer: Ctrl-C, or the end of input (Ctrl-D on an empty line). */
export const TERMINAL_INTERRUPTED = 'interrupted';

export type AskTerminal = (question: TerminalQuestion) => Promise<string | typeof TERMINAL_INTERRUPTED>;

export function terminalAsker(stdin: NodeJS.ReadableStream, write: (text: string) => void): AskTerminal {
  const tty = stdin as ReadStream;
  return (q) =>
    new Promise((resolve) => {
      let answer = '';
      const wasRaw = tty.isRaw;
      // Echo goes off before the question shows, so an answer typed as soon as it appears is not echoed by the terminal.
      tty.setRawMode?.(true);
      write(q.prompt);
      const finish = (result: string): void => {
        tty.off('data', onData);
        tty.setRawMode?.(wasRaw);
        tty.pause();
        write('\n');
        resolve(result);
      };
      const onData = (chunk: Buffer | string): void => {
        // A paste arrives as one chunk: each character is handled in turn.
        for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return finish(answer);
          if (ch === '\u0003' || (ch === '\u0004' && answer === '')) return finish(TERMINAL_INTERRUPTED);
          if (ch === '\u007f' || ch === '\b') {
            if (answer.length > 0) {
              answer = [...answer].slice(0, -1).join('');
              if (!q.secret) write('\b \b');
            }
            continue;
          }
          if (ch < ' ') continue;
          answer += ch;
          if (!q.secret) write(ch);
        }
      };
      tty.on('data', onData);
      tty.resume();
    });
}
