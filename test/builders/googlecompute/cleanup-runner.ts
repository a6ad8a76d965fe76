/**
 * Runs `bakehouse cleanup` in a process of its own, so it trusts the emulator's CA through NODE_EXTRA_CA_CERTS (read
 * only when a process starts) as a user's would.
 */
import { Readable } from 'node:stream';
import { cleanupCommand } from '../../../core/cli/commands/cleanup';
import { parseFlags } from '../../../core/cli/flags';

const parsed = parseFlags(process.argv.slice(2), cleanupCommand.flags);
if (!parsed.ok) throw new Error(parsed.error);
void cleanupCommand
  .run(parsed.value, {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stdin: Readable.from([]),
    stdinIsTTY: false,
    env: process.env,
    cwd: process.cwd(),
    color: false,
  })
  .then((code) => {
    process.exitCode = code;
  });
