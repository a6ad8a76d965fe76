/** The `bakehouse` command: Packer's command names and flags over the shared core. */
import { useExternalComponents } from '../components/external';
import { externalLookup } from '../packer-bridge/install';
import { BAKEHOUSE_VERSION } from '../version';
import type { CliIO, Command } from './command';
import type { CliTerminal } from './ui/shell';
import { COMMAND_LOADERS, loadAllCommands } from './commands/index';
import { parseFlags } from './flags';

function usage(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 4;
  return [
    'Usage: bakehouse [--version] [--help] <command> [<args>]',
    '',
    'Available commands are:',
    ...commands.map((c) => `    ${c.name.padEnd(width)}${c.synopsis}`),
    '',
  ].join('\n');
}

function commandHelp(c: Command): string {
  const lines = [`Usage: bakehouse ${c.name} ${c.usage}`.trimEnd(), '', `  ${c.synopsis}.`, ''];
  if (c.details) lines.push(...c.details.split('\n').map((l) => (l ? `  ${l}` : '')), '');
  if (c.flags.length) {
    lines.push('Options:', '');
    for (const f of c.flags) {
      const form = f.kind === 'bool' ? `-${f.name}` : `-${f.name}=${f.placeholder ?? 'value'}`;
      lines.push(`  ${form.padEnd(26)} ${f.description}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === '-help' || name === 'help') {
    io.stdout(usage(await loadAllCommands()));
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-version' || name === '-v') {
    io.stdout(`Bakehouse v${BAKEHOUSE_VERSION}\n`);
    return 0;
  }
  const load = Object.hasOwn(COMMAND_LOADERS, name) ? COMMAND_LOADERS[name] : undefined;
  if (!load) {
    io.stderr(`bakehouse: unknown command "${name}". Run "bakehouse --help" for the list.\n`);
    return 1;
  }
  const command = await load();
  if (rest.some((a) => a === '-h' || a === '--help' || a === '-help')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  // Types Bakehouse does not build are looked up in the user's Packer, which then runs those builds.
  useExternalComponents(externalLookup(io.env));
  const parsed = parseFlags(rest, command.flags);
  if (!parsed.ok) {
    io.stderr(`bakehouse ${name}: ${parsed.error}. Run "bakehouse ${name} --help" for its options.\n`);
    return 1;
  }
  const colorFlag = parsed.value.flags.get('color');
  const color = colorFlag ? !['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(colorFlag[colorFlag.length - 1]) && Boolean(process.stdout.isTTY) : io.color;
  return command.run(parsed.value, { ...io, color });
}

function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    tty: process.stdin.isTTY && process.stdout.isTTY ? processTerminal() : undefined,
    env: process.env,
    cwd: process.cwd(),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
  };
}

function processTerminal(): CliTerminal {
  return {
    size: () => ({ cols: process.stdout.columns || 80, rows: process.stdout.rows || 24 }),
    onResize(listener) {
      process.stdout.on('resize', listener);
      return () => void process.stdout.off('resize', listener);
    },
    setRawMode: (raw) => void process.stdin.setRawMode(raw),
  };
}

/** Entry point for bin/bakehouse.js. */
export function main(): void {
  runCli(process.argv.slice(2), processIO()).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`bakehouse: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
