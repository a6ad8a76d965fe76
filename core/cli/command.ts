import type { FlagSpec, ParsedArgs } from './flags';
import type { CliTerminal } from './ui/shell';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads standard input line by line (console). */
  stdin: NodeJS.ReadableStream;
  stdinIsTTY: boolean;
  /** Present when standard input and output are a terminal: its size, and raw mode for a shell into a paused build. */
  tty?: CliTerminal;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Colour output: off with -color=false or when stdout is not a terminal. */
  color: boolean;
}

export interface Command {
  name: string;
  /** One line for `bakehouse --help`. */
  synopsis: string;
  /** The argument form, e.g. `[options] TEMPLATE`. */
  usage: string;
  /** More help, printed after the synopsis (e.g. what `fix` changes). */
  details?: string;
  flags: FlagSpec[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/** Flags every template-reading command shares with Packer. */
export const VAR_FLAGS: FlagSpec[] = [
  { name: 'var', kind: 'list', description: 'Variable for templates, can be used multiple times.', placeholder: 'key=value' },
  { name: 'var-file', kind: 'list', description: 'JSON or HCL2 file containing user variables, can be used multiple times.', placeholder: 'path' },
];

export const ONLY_EXCEPT_FLAGS: FlagSpec[] = [
  { name: 'only', kind: 'list', description: 'Validate or build only the specified builds (comma-separated globs).', placeholder: 'foo,bar,baz' },
  { name: 'except', kind: 'list', description: 'Validate or build all builds other than these (comma-separated globs).', placeholder: 'foo,bar,baz' },
];

export const COLOR_FLAG: FlagSpec = { name: 'color', kind: 'bool', description: 'Disable color output with -color=false.' };
