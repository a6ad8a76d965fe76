/**
 * Packer's StepHTTPServer: serves http_directory (or the in-memory files of http_content) to the machine while it boots,
 * so a boot_command can point an installer at `http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg`.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, normalize, resolve, sep } from 'node:path';
import { CANCELLED } from '../../common/result';
import type { BuildState } from '../../engine/plugin';
import { CONTINUE, halt, type Step } from '../../engine/steps';
import { listenInRange } from './ports';

export interface HttpServerOptions {
  directory: string;
  /** URL path → file content. */
  content: Record<string, string>;
  portMin: number;
  portMax: number;
  bindAddress: string;
  cwd: string;
}

function handler(o: HttpServerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const root = o.directory ? resolve(o.cwd, o.directory) : '';
  return (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const inline = o.content[path] ?? o.content[path.replace(/^\//, '')];
    if (inline !== undefined) {
      res.writeHead(200, { 'content-length': Buffer.byteLength(inline) });
      res.end(req.method === 'HEAD' ? undefined : inline);
      return;
    }
    const file = root ? normalize(join(root, path)) : '';
    // Never serve anything outside http_directory.
    if (!root || (file !== root && !file.startsWith(root + sep))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const st = statSync(file);
      if (!st.isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-length': st.size });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch {
      res.writeHead(404).end();
    }
  };
}

/** What StepHTTPServer leaves for later steps (`{{ .HTTPPort }}`); a builder that serves files extends its state with it. */
export interface HttpServerState extends BuildState {
  /** The port the server listens on; 0 when there was nothing to serve. */
  httpPort?: number;
}

/**
 * Starts the server when there is something to serve. The server lives in this process and dies with it, so it is not a
 * tracked resource: the step's own cleanup closes it, and it stays private to the step.
 */
export function httpServerStep(o: HttpServerOptions): Step<HttpServerState> {
  let server: Server | undefined;
  return {
    name: 'StepHTTPServer',
    async run(state, ctx) {
      if (!o.directory && Object.keys(o.content).length === 0) {
        state.httpPort = 0;
        return CONTINUE;
      }
      ctx.ui.say('Starting HTTP server...');
      const s = createServer(handler(o));
      server = s;
      const port = await listenInRange(s, o.bindAddress, o.portMin, o.portMax, ctx.signal);
      if (port === undefined) {
        return halt(ctx.signal.aborted ? CANCELLED : `Error starting the HTTP server: no free port between ${o.portMin} and ${o.portMax} on ${o.bindAddress}`);
      }
      ctx.ui.say(`Starting HTTP server on port ${port}`);
      state.httpPort = port;
      return CONTINUE;
    },
    async cleanup() {
      const s = server;
      server = undefined;
      if (!s?.listening) return;
      s.closeAllConnections();
      await new Promise<void>((done) => s.close(() => done()));
    },
  };
}
