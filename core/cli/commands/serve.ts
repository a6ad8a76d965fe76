/** `bakehouse serve`: the desktop app's UI in a browser, for machines without Electron and for testing the UI in Chromium. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { createHost } from '../../app/host';
import { startServer, type RunningServer } from '../../app/transport/ws-server';
import type { CliIO, Command } from '../command';
import { flagBool, flagInt, type ParsedArgs } from '../flags';

export interface ServeHooks {
  /** Where SIGINT/SIGTERM come from; tests pass an EventEmitter. */
  signals?: NodeJS.EventEmitter;
  /** Called once the server listens (tests read the address from it). */
  onListening?: (server: RunningServer) => void;
  staticDir?: string;
  dataDir?: string;
}

export const serveCommand: Command = {
  name: 'serve',
  synopsis: 'Serve the Bakehouse UI to a browser on this machine',
  usage: '[options]',
  flags: [
    { name: 'port', kind: 'int', description: 'Port on 127.0.0.1 to listen on (Default: 0, a free port).', placeholder: '0' },
    { name: 'open', kind: 'bool', description: 'Open the UI in the default browser.' },
  ],
  run: (args, io) => runServeCommand(args, io),
};

export async function runServeCommand(args: ParsedArgs, io: CliIO, hooks: ServeHooks = {}): Promise<number> {
  const port = flagInt(args, 'port', 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    io.stderr(`bakehouse serve: -port must be between 0 and 65535; got ${port}.\n`);
    return 1;
  }
  const staticDir = hooks.staticDir ?? io.env.BAKEHOUSE_RENDERER_DIR ?? rendererDir();
  const host = createHost({ env: io.env, dataDir: hooks.dataDir, cwd: io.cwd, appRoot: appRoot() });
  let server: RunningServer;
  try {
    server = await startServer({ host, staticDir, port });
  } catch (e) {
    io.stderr(`bakehouse serve: cannot listen on 127.0.0.1:${port}: ${(e as Error).message}\n`);
    return 1;
  }
  if (!existsSync(join(staticDir, 'index.html'))) io.stderr(`bakehouse serve: the UI is not built (no ${join(staticDir, 'index.html')}); run \`npm run build\`.\n`);
  io.stdout(`Bakehouse is serving its UI at:\n\n    ${server.url}\n\nOnly this machine can connect, and only with the token above. Press Ctrl-C to stop.\n`);
  hooks.onListening?.(server);
  if (flagBool(args, 'open')) openBrowser(server.url, io);

  const signals = hooks.signals ?? process;
  await new Promise<void>((done) => {
    const stop = () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      done();
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
  io.stderr('Stopping: cancelling running builds and cleaning up.\n');
  await host.dispose();
  await server.close();
  return 0;
}

/** The checkout or installed package: the CLI bundle is dist/cli.js; through tsx this file is core/cli/commands/serve.ts. */
function appRoot(): string {
  return basename(__dirname) === 'dist' ? resolve(__dirname, '..') : resolve(__dirname, '../../..');
}

/** dist/renderer next to the CLI bundle (dist/cli.js), or from the source tree when run through tsx. */
function rendererDir(): string {
  const candidates = [join(__dirname, 'renderer'), resolve(__dirname, '../../../dist/renderer')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? (basename(__dirname) === 'dist' ? candidates[0] : candidates[1]);
}

function openBrowser(url: string, io: CliIO): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr(`bakehouse serve: could not start a browser (${cmd}); open the address above yourself.\n`));
    child.unref();
  } catch {
    io.stderr('bakehouse serve: could not start a browser; open the address above yourself.\n');
  }
}
