/** Answers the engine's prompts from standard input: Packer's [c]/[a]/[r] question under -on-error=ask, Enter at a breakpoint. */
import { createInterface, type Interface } from 'node:readline';
import type { PromptAnswer } from '../../common/prompt';
import type { EngineEvent } from '../../engine/events';

export class StdinPrompts {
  private rl?: Interface;
  private lines: string[] = [];
  private waiting: Array<(line: string | undefined) => void> = [];
  private ended = false;

  constructor(
    private readonly stdin: NodeJS.ReadableStream,
    private readonly say: (text: string) => void,
  ) {}

  /** Waits for the user's answer to a prompt event. */
  async answer(e: EngineEvent & { kind: 'prompt' }): Promise<PromptAnswer> {
    if (e.reason !== 'on-error') {
      await this.nextLine();
      return 'continue';
    }
    for (;;) {
      const line = await this.nextLine();
      if (line === undefined) return 'cleanup';
      const first = `${line.toLowerCase()}c`[0];
      if (first === 'c') return 'cleanup';
      if (first === 'a') return 'abort';
      if (first === 'r') return 'retry';
      this.say(`Incorrect input: ${JSON.stringify(line)}\n${e.text}\n`);
    }
  }

  close(): void {
    this.rl?.close();
    this.rl = undefined;
  }

  private nextLine(): Promise<string | undefined> {
    this.open();
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private open(): void {
    if (this.rl || this.ended) return;
    this.rl = createInterface({ input: this.stdin, terminal: false });
    this.rl.on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    this.rl.on('close', () => {
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
  }
}
