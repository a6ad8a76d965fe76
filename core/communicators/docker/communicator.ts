/**
 * The docker communicator: runs commands in the build's container with the Engine API's exec, and copies files in and
 * out through its archive API, with Packer's rules — a local folder ending in `/` copies its contents, without the
 * slash it copies the folder itself; uploads are handed to `exec_user` when fix_upload_owner is on.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { posix } from 'node:path';
import type Docker from 'dockerode';
import type { OutputStream } from '../../common/output';
import { cancelled, CANCELLED, err, ok, type Result } from '../../common/result';
import type { Duplex } from 'node:stream';
import type { CommandResult, Communicator } from '../../engine/plugin';
import { overStream, type Terminal, type TerminalSize } from '../../engine/terminal';
import { DOCKER_CP, entriesFor, extractTar, packTar, readTar, writeContent } from '../../archives/tar';
import { sleep } from '../../engine/retry';
import { LineSplitter } from '../line-splitter';
import { shellQuote } from '../shell-quote';

export interface DockerCommunicatorOptions {
  container: Docker.Container;
  /** Runs commands as this user (exec_user); empty means the image's user. */
  execUser: string;
  /** Give uploaded files to `execUser` (root when unset), as Packer's fix_upload_owner. */
  fixUploadOwner: boolean;
  /** Allocate a terminal for commands (pty). */
  tty: boolean;
  /** Explains a failed Engine API call (daemon unreachable, …). */
  describe(e: unknown): string;
}

type Line = (stream: OutputStream, line: string) => void;

export class DockerCommunicator implements Communicator {
  readonly type = 'docker';
  /**
   * Runs a command with `input` on its standard input in one exec, so a script can be written and run without an
   * upload (an upload costs the daemon a helper process, as much as an exec). Not with a terminal (pty): its line
   * discipline would read bytes such as ^C and ^D in the input as keys.
   */
  readonly runWithInput?: Communicator['runWithInput'];

  constructor(private readonly opts: DockerCommunicatorOptions) {
    if (!opts.tty) {
      this.runWithInput = (command, input, o) => this.exec(['/bin/sh', '-c', `(${command})`], this.opts.execUser, o.signal, o.onLine, input);
    }
  }

  async run(command: string, opts: { signal: AbortSignal; onLine: Line }): Promise<Result<CommandResult>> {
    return this.exec(['/bin/sh', '-c', `(${command})`], this.opts.execUser, opts.signal, opts.onLine);
  }

  /**
   * `docker exec -it`: bash if the image has it, else sh, as exec_user, on a pty of `size`. Closing it kills the shell
   * and what it started (found by the marker, as a cancelled command is), since the Engine API cannot stop an exec.
   */
  async openTerminal(size: TerminalSize, signal: AbortSignal): Promise<Result<Terminal>> {
    if (signal.aborted) return cancelled();
    const marker = randomBytes(8).toString('hex');
    try {
      const exec = await this.opts.container.exec({
        Cmd: ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash; else exec sh; fi'],
        Env: [`${MARKER_VAR}=${marker}`, 'TERM=xterm-256color'],
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        ...(this.opts.execUser ? { User: this.opts.execUser } : {}),
      });
      const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as Duplex;
      const resize = (s: TerminalSize) => exec.resize({ h: s.rows, w: s.cols });
      await resize(size).catch(() => undefined);
      return ok(overStream(stream, { resize, close: () => this.killMarked(marker) }));
    } catch (e) {
      return err(`Could not open a shell in the container: ${this.opts.describe(e)}`);
    }
  }

  /** Packer's Upload/UploadDir: a file goes to `remotePath` (into it when it is a folder); a folder follows the slash rule. */
  async upload(localPath: string, remotePath: string, signal: AbortSignal): Promise<Result> {
    let isDir: boolean;
    try {
      isDir = statSync(localPath).isDirectory();
    } catch (e) {
      return err(`Upload failed: ${(e as Error).message}`);
    }
    try {
      let target: string;
      if (isDir) {
        target = localPath.endsWith('/') ? remotePath : posix.join(remotePath, basename(localPath));
        const made = await this.asRoot(`mkdir -p ${shellQuote(target)}`, signal);
        if (!made.ok) return made;
        await this.opts.container.putArchive(packTar(entriesFor(localPath, ''), DOCKER_CP), { path: target, abortSignal: signal });
      } else {
        const kind = await this.remoteKind(remotePath);
        const into = kind === 'directory' ? remotePath : posix.dirname(remotePath);
        target = kind === 'directory' ? posix.join(remotePath, basename(localPath)) : remotePath;
        if (kind !== 'directory' && (await this.remoteKind(into)) !== 'directory') {
          return err(`Upload failed: the folder ${into} does not exist in the container (create it first, or upload to an existing folder)`);
        }
        await this.opts.container.putArchive(packTar([{ name: posix.basename(target), local: localPath }], DOCKER_CP), { path: into, abortSignal: signal });
      }
      return await this.fixOwner(target, signal);
    } catch (e) {
      return err(signal.aborted ? CANCELLED : `Upload failed: ${this.opts.describe(e)}`);
    }
  }

  /** A remote file lands at `localPath`; a remote folder's contents land in the folder `localPath`. */
  async download(remotePath: string, localPath: string, signal: AbortSignal): Promise<Result> {
    const remote = remotePath.length > 1 ? remotePath.replace(/\/+$/, '') : remotePath;
    const { kind, path: real } = await this.remoteStat(remote).catch(() => ({ kind: 'missing' as const, path: remote }));
    if (kind === 'missing') return err(`Download failed: ${remotePath} does not exist in the container`);
    try {
      // The resolved path: asked for a symlink, the archive API would send the link itself.
      const stream = (await this.opts.container.getArchive({ path: real, abortSignal: signal })) as NodeJS.ReadableStream;
      if (kind === 'directory') {
        mkdirSync(localPath, { recursive: true });
        await extractTar(stream as AsyncIterable<unknown>, localPath, 1);
        return ok();
      }
      mkdirSync(dirname(localPath), { recursive: true });
      const partial = join(dirname(localPath), `.${basename(localPath)}.partial`);
      let wrote = false;
      try {
        await readTar(stream as AsyncIterable<unknown>, async (entry, content) => {
          if (wrote || entry.type !== 'file') return;
          await writeContent(content, partial, 0o644);
          wrote = true;
        });
        if (!wrote) return err(`Download failed: ${remotePath} is not a regular file`);
        renameSync(partial, localPath);
      } finally {
        rmSync(partial, { force: true });
      }
      return ok();
    } catch (e) {
      return err(signal.aborted ? CANCELLED : `Download failed: ${this.opts.describe(e)}`);
    }
  }

  /** What is at `path` in the container, from the archive API's stat header; symlinks (Debian's /bin → usr/bin) are followed. */
  private async remoteKind(path: string): Promise<'file' | 'directory' | 'missing'> {
    return (await this.remoteStat(path)).kind;
  }

  /** The kind of what is at `path`, and its path with symlinks followed. */
  private async remoteStat(path: string, hops = 0): Promise<{ kind: 'file' | 'directory' | 'missing'; path: string }> {
    let st: { mode: number; linkTarget?: string } | undefined;
    try {
      const res = (await this.opts.container.infoArchive({ path })) as { headers?: Record<string, string>; resume?(): void } | undefined;
      res?.resume?.();
      const header = res?.headers?.['x-docker-container-path-stat'];
      if (header) st = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { mode: number; linkTarget?: string };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) return { kind: 'missing', path };
      throw e;
    }
    if (!st) return { kind: 'file', path };
    // Go's os.FileMode: ModeDir is bit 31, ModeSymlink bit 27; JavaScript bit operators work on signed 32-bit integers.
    const mode = st.mode >>> 0;
    if ((mode & 0x80000000) !== 0) return { kind: 'directory', path };
    if ((mode & 0x08000000) !== 0 && st.linkTarget && hops < 8) {
      return this.remoteStat(posix.resolve(posix.dirname(path), st.linkTarget), hops + 1);
    }
    return { kind: 'file', path };
  }

  private async fixOwner(target: string, signal: AbortSignal): Promise<Result> {
    if (!this.opts.fixUploadOwner || this.opts.execUser === '' || this.opts.execUser === 'root') return ok();
    return this.asRoot(`chown -R ${shellQuote(this.opts.execUser)} ${shellQuote(target)}`, signal);
  }

  private async asRoot(command: string, signal: AbortSignal): Promise<Result> {
    const output: string[] = [];
    const r = await this.exec(['/bin/sh', '-c', command], 'root', signal, (_s, l) => output.push(l));
    if (!r.ok) return r;
    if (r.value.exitCode !== 0) return err(`Upload failed: "${command}" exited with status ${r.value.exitCode}: ${output.join('\n')}`);
    return ok();
  }

  private async killMarked(marker: string): Promise<void> {
    const done = new AbortController();
    const timer = setTimeout(() => done.abort(), KILL_WAIT_MS);
    try {
      await this.exec(['/bin/sh', '-c', killScript(marker)], 'root', done.signal, () => {});
    } finally {
      clearTimeout(timer);
    }
  }

  private async exec(cmd: string[], user: string, signal: AbortSignal, onLine: Line, input?: Uint8Array): Promise<Result<CommandResult>> {
    if (signal.aborted) return cancelled();
    const tty = this.opts.tty;
    const marker = randomBytes(8).toString('hex');
    let stream: NodeJS.ReadWriteStream;
    let exec: Docker.Exec;
    try {
      exec = await this.opts.container.exec({
        Cmd: cmd,
        Env: [`${MARKER_VAR}=${marker}`],
        AttachStdin: input !== undefined,
        AttachStdout: true,
        AttachStderr: true,
        Tty: tty,
        ...(user ? { User: user } : {}),
      });
      stream = (await exec.start({ hijack: true, stdin: input !== undefined, Tty: tty })) as NodeJS.ReadWriteStream;
      // Our side of the connection is not ended: a proxy in front of the daemon that does not pass on half-closed
      // connections would then cut the output short. The command reads just the bytes it was told to expect.
      if (input !== undefined) stream.write(input);
    } catch (e) {
      return err(`Error running command in the container: ${this.opts.describe(e)}`);
    }
    const out = new LineSplitter((l) => onLine('stdout', l));
    const stderr = new LineSplitter((l) => onLine('stderr', l));
    const finished = new Promise<'ended' | 'cancelled'>((resolve, reject) => {
      const onAbort = () => {
        (stream as unknown as { destroy(): void }).destroy();
        resolve('cancelled');
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const done = () => {
        signal.removeEventListener('abort', onAbort);
        resolve('ended');
      };
      stream.on('end', done);
      stream.on('close', done);
      stream.on('error', (e) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) resolve('cancelled');
        else reject(e);
      });
    });
    if (tty) stream.on('data', (chunk: Buffer) => out.push(chunk));
    else {
      const demux = new Demuxer((which, payload) => (which === 2 ? stderr : out).push(payload));
      stream.on('data', (chunk: Buffer) => demux.push(chunk));
    }
    try {
      if ((await finished) === 'cancelled') {
        await this.killMarked(marker);
        return cancelled();
      }
    } catch (e) {
      return err(`Lost the connection to the container: ${this.opts.describe(e)}`);
    }
    out.end();
    stderr.end();
    try {
      // The output can end before the command does (the daemon records the exit a moment later; a script that closed
      // its stdout and stderr goes on): wait for the exit status rather than read "still running" as success.
      for (let wait = 10; ; wait = Math.min(wait * 2, 500)) {
        const info = await exec.inspect();
        if (!info.Running) return ok({ exitCode: info.ExitCode ?? 0 });
        if (!(await sleep(wait, signal))) {
          await this.killMarked(marker);
          return cancelled();
        }
      }
    } catch (e) {
      return err(`Could not read the command's exit status: ${this.opts.describe(e)}`);
    }
  }
}

/**
 * The Engine API cannot stop an exec, so a cancelled command is found by the marker in its environment (children
 * inherit it) and killed, leaving nothing running when a provisioner times out and is retried. Best effort, 2 s at most.
 */
const MARKER_VAR = 'BAKEHOUSE_EXEC';
const KILL_WAIT_MS = 2000;

function killScript(marker: string): string {
  // `$(cat …)` drops the NULs between variables; the marker is random, so the glued text cannot match by accident.
  return `for d in /proc/[0-9]*; do case "$(cat "$d/environ" 2>/dev/null)" in *${MARKER_VAR}=${marker}*) kill -9 "\${d#/proc/}" 2>/dev/null;; esac; done; true`;
}

/** Docker's multiplexed exec stream: 8-byte headers (stream id, then big-endian length) in front of each payload. */
class Demuxer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (stream: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) return;
      this.onFrame(this.pending[0], this.pending.subarray(8, 8 + size));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}
