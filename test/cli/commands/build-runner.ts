/** Runs `bakehouse build` in a real process (as bin/bakehouse.js will), so tests can send it real signals. */
import { buildCommand, runBuildCommand } from '../../../core/cli/commands/build';
import { parseFlags } from '../../../core/cli/flags';

const parsed = parseFlags(process.argv.slice(2), buildCommand.flags);
if (!parsed.ok) throw new Error(parsed.error);
void runBuildCommand(parsed.value, {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  stdin: process.stdin,
  stdinIsTTY: false,
  env: process.env,
  cwd: process.cwd(),
  color: false,
}).then((code) => {
  process.exitCode = code;
});
