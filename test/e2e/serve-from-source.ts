// Runs `bakehouse serve` from the source tree, for when the CLI bundle does not have the serve command yet.
import { runServeCommand } from '../../core/cli/commands/serve';

const port = process.argv[process.argv.indexOf('--port') + 1] ?? '0';
const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s), env: process.env, cwd: process.cwd() };
void runServeCommand({ flags: new Map([['port', [port]]]), positional: [] }, io as never).then((code) => process.exit(code));
