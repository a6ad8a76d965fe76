/**
 * Answers the engine's prompts from standard input: Packer's [c]/[a]/[r] question under -on-error=ask, [c]/[s]/[a] at a
 * pause before a step (-debug-step), Enter at a breakpoint provisioner or a -debug pause. On a terminal, a prompt whose
 * build has a machine also takes [o]: a shell on that machine, after which the question is asked again.
 */
import { createInterface, type Interface } from 'node:readline';
import type { PromptAnswer } from '../../common/prompt';
import type { EngineEvent } from '../../engine/events';

type PromptEvent = EngineEvent & { kind: 'prompt' };

/** The hint printed under a question when a shell can be opened. */
export const SHELL_HINT = "[o] Open a shell on the build's machine (leave it with exit to answer here).";

export interface StdinPromptsOptions {
  stdin: NodeJS.ReadableStream;
  say(text: string): void;
  /** Offered when given and the prompt says its build has a machine: runs a shell there, resolving when the user leaves it. */
  openShell?(e: PromptEvent): Promise<void>;
}

export class StdinPrompts {
  private rl?: Interface;
  private lines: string[] = [];
  private waiting: Array<(line: string | undefined) => void> = [];
  private ended = false;
  /** The line reader is being put away for a shell, which reads the keys itself: its close is not the end of input. */
  private suspending = false;

  constructor(private readonly opts: StdinPromptsOptions) {}

  /** Waits for the user's answer to a prompt event. */
  async answer(e: PromptEvent): Promise<PromptAnswer> {
    const shell = e.terminal === true && this.opts.openShell !== undefined;
    if (shell) this.opts.say(`${SHELL_HINT}\n`);
    for (;;) {
      const line = await this.nextLine();
      if (line === undefined) return e.reason === 'on-error' ? 'cleanup' : 'continue';
      const key = line.trim().toLowerCase()[0];
      if (key === 'o' && shell) {
        await this.withShell(e);
        this.opts.say(`${e.text}\n${SHELL_HINT}\n`);
        continue;
      }
      const answer = parse(e, key);
      if (answer) return answer;
      this.opts.say(`Incorrect input: ${JSON.stringify(line)}\n${e.text}\n`);
    }
  }

  close(): void {
    this.rl?.close();
    this.rl = undefined;
  }

  private async withShell(e: PromptEvent): Promise<void> {
    this.suspending = true;
    this.close();
    this.suspending = false;
    await this.opts.openShell!(e);
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
    this.rl = createInterface({ input: this.opts.stdin, terminal: false });
    this.rl.on('line', (l) => {
      const w = this.waiting.shift();
      if (w) w(l);
      else this.lines.push(l);
    });
    this.rl.on('close', () => {
      if (this.suspending) return;
      this.ended = true;
      for (const w of this.waiting.splice(0)) w(undefined);
    });
  }
}

/** The answer a key gives to a prompt; an empty line takes the first choice, as Packer's question does. */
function parse(e: PromptEvent, key: string | undefined): PromptAnswer | undefined {
  switch (e.reason) {
    case 'on-error':
      if (key === undefined || key === 'c') return 'cleanup';
      if (key === 'a') return 'abort';
      if (key === 'r') return 'retry';
      return undefined;
    case 'step':
      if (key === undefined || key === 'c') return 'continue';
      if (key === 's') return 'step';
      if (key === 'a') return 'abort';
      return undefined;
    default:
      return 'continue';
  }
}
