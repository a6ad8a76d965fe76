/**
 * Runs a command on this machine, line by line, in its own process group so cancelling kills the whole tree
 * (a shell's children included) and leaves nothing running.
 */
import { spawn } from 'node:child_process';
import type { OutputStream } from '../common/output';

export interface LocalCommandOptions {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  signal: AbortSignal;
  onLine(stream: OutputStream, line: string): void;
  /** How long to wait after SIGTERM before SIGKILL. */
  killGraceMs?: number;
}

export type LocalCommandResult =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'killed'; signal: string; cancelled: boolean }
  | { kind: 'failed'; error: string };

export function runLocalCommand(opts: LocalCommandOptions): Promise<LocalCommandResult> {
  return new Promise((resolve) => {
    if (opts.signal.aborted) {
      resolve({ kind: 'killed', signal: 'SIGTERM', cancelled: true });
      return;
    }
    const [file, ...args] = opts.argv;
    const child = spawn(file, args, { cwd: opts.cwd, env: definedEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let killTimer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = () => {
      cancelled = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), opts.killGraceMs ?? 2000);
    };
    opts.signal.addEventListener('abort', onAbort, { once: true });
    splitLines(child.stdout, (l) => opts.onLine('stdout', l));
    splitLines(child.stderr, (l) => opts.onLine('stderr', l));
    let spawnError: string | undefined;
    child.on('error', (e) => {
      spawnError = e.message;
    });
    child.on('close', (code, sig) => {
      opts.signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // Children the command left in its group die with it, so a finished step leaves no process behind.
      if (cancelled) killGroup('SIGKILL');
      if (spawnError !== undefined && code === null) resolve({ kind: 'failed', error: spawnError });
      else if (sig !== null) resolve({ kind: 'killed', signal: sig, cancelled });
      else resolve({ kind: 'exited', exitCode: code ?? 0 });
    });
  });
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let carry = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      onLine(text.slice(start, end));
      start = nl + 1;
    }
    carry = text.slice(start);
  });
  stream.on('end', () => {
    if (carry.length > 0) onLine(carry);
    carry = '';
  });
}

function definedEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
