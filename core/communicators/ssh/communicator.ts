/**
 * The SSH communicator: commands and file copies over one connection, reconnecting when the machine dropped it (an
 * expected reboot). Copies follow Packer's rules — a local folder ending in `/` copies its contents, without the slash
 * the folder itself; a file sent to an existing remote folder lands inside it; a remote folder downloads its contents.
 */
import { statSync } from 'node:fs';
import { basename, posix } from 'node:path';
import { CANCELLED, err, ok, type Result } from '../../common/result';
import type { ClientChannel } from 'ssh2';
import type { CommandResult, Communicator } from '../../engine/plugin';
import { overStream, type Terminal, type TerminalSize } from '../../engine/terminal';
import { openChannel } from './open-channel';
import type { ConnectResult, SshConnection } from './connect';
import { execCommand, execQuiet, type OnLine } from './exec';
import { shellQuote } from '../shell-quote';
import { reconnect } from './reconnect';
import { kindCommand, scpGet, scpPutDir, scpPutFile } from './scp';
import { openSftp, sftpGetDir, sftpGetFile, sftpKind, sftpPutDir, sftpPutFile, type RemoteKind, type SftpSession } from './sftp';

export interface SshCommunicatorOptions {
  /** Makes a new connection, for reconnecting. */
  connect(signal: AbortSignal): Promise<ConnectResult>;
  pty: boolean;
  fileTransfer: 'auto' | 'scp' | 'sftp';
  /** How long to keep trying to reconnect after the connection dropped (start_retry_timeout). */
  reconnectTimeoutMs: number;
  reconnectIntervalMs?: number;
}

type Transfer = { kind: 'sftp'; sftp: SftpSession } | { kind: 'scp' };

/** How long a cancelled copy may take to wind down (close its channel, remove its partial file) before we stop waiting. */
const CANCEL_GRACE_MS = 5000;

export class SshCommunicator implements Communicator {
  readonly type = 'ssh';
  private transfer: Transfer | undefined;
  private closedByUs = false;
  /** The server refused the sftp subsystem on this connection: ask once, not before every copy. */
  private noSftp = false;

  /**
   * Runs a command with `input` on its standard input in one exec, so the shell provisioner writes and runs a script in one
   * round trip instead of an SFTP session, a stat, a copy and a command. Not with ssh_pty: a terminal would read the bytes as keys.
   */
  readonly runWithInput?: Communicator['runWithInput'];

  constructor(
    private conn: SshConnection,
    private readonly opts: SshCommunicatorOptions,
  ) {
    if (!opts.pty) this.runWithInput = (command, input, o) => this.exec(command, o, input);
  }

  /** Ends the connection for good (the build's cleanup); waits for it to close, at most a few seconds. */
  async close(): Promise<void> {
    this.closedByUs = true;
    this.dropSftp();
    await this.conn.close();
  }

  /** The live connection, reconnecting first if the machine dropped the last one. */
  async connection(signal: AbortSignal): Promise<Result<SshConnection>> {
    if (this.closedByUs) return err('The SSH connection was already closed at the end of the build.');
    if (!this.conn.closed) return ok(this.conn);
    const r = await reconnect(this.opts.connect, { signal, timeoutMs: this.opts.reconnectTimeoutMs, intervalMs: this.opts.reconnectIntervalMs ?? 2000 });
    if (!r.ok) return r;
    this.conn = r.value;
    this.transfer = undefined;
    this.noSftp = false;
    return ok(this.conn);
  }

  run(command: string, opts: { signal: AbortSignal; onLine: OnLine }): Promise<Result<CommandResult>> {
    return this.exec(command, opts);
  }

  private async exec(command: string, opts: { signal: AbortSignal; onLine: OnLine; startSignal?: AbortSignal }, input?: Uint8Array): Promise<Result<CommandResult>> {
    for (;;) {
      const c = await this.connection(opts.startSignal ? AbortSignal.any([opts.signal, opts.startSignal]) : opts.signal);
      if (!c.ok) return c;
      const r = await execCommand(c.value, command, { signal: opts.signal, onLine: opts.onLine, pty: this.opts.pty, ...(input ? { input } : {}) });
      // The connection died before the command began (a reboot we had not noticed yet): start it again once reconnected.
      if (!r.ok && 'notStarted' in r && c.value.closed) continue;
      if (!r.ok) return err(r.error);
      return r;
    }
  }

  /** The login shell on a pty (ssh2's `shell`) over the build's connection; closing the channel hangs it up. */
  async openTerminal(size: TerminalSize, signal: AbortSignal): Promise<Result<Terminal>> {
    const c = await this.connection(signal);
    if (!c.ok) return c;
    const conn = c.value;
    const channel = await openChannel<ClientChannel>(
      conn,
      signal,
      (done) => conn.client.shell({ term: 'xterm-256color', cols: size.cols, rows: size.rows }, done),
      (late) => late.close(),
    );
    if (channel === 'cancelled') return err(CANCELLED);
    if (channel instanceof Error) return err(`Could not open a shell over SSH: ${channel.message}`);
    return ok(
      overStream(channel, {
        resize: (s) => void channel.setWindow(s.rows, s.cols, 0, 0),
        close: () => void channel.close(),
      }),
    );
  }

  async upload(localPath: string, remotePath: string, signal: AbortSignal): Promise<Result> {
    let isDir: boolean;
    try {
      isDir = statSync(localPath).isDirectory();
    } catch (e) {
      return err(`Upload failed: ${(e as Error).message}`);
    }
    return this.guard('Upload failed', signal, async (conn, t) => {
      if (isDir) {
        const target = localPath.endsWith('/') ? remotePath : posix.join(remotePath, basename(localPath));
        if (t.kind === 'sftp') {
          await sftpPutDir(t.sftp, localPath, target, signal);
        } else {
          const made = await execQuiet(conn, `mkdir -p ${shellQuote(target)}`, signal);
          if (!made.ok) throw new Error(made.error);
          await scpPutDir(conn, localPath, target, signal);
        }
        return;
      }
      const kind = await this.kind(conn, t, remotePath, signal);
      const target = kind === 'directory' ? posix.join(remotePath, basename(localPath)) : remotePath;
      if (t.kind === 'sftp') await sftpPutFile(t.sftp, localPath, target, signal);
      else await scpPutFile(conn, localPath, target, signal);
    });
  }

  async download(remotePath: string, localPath: string, signal: AbortSignal): Promise<Result> {
    const remote = remotePath.length > 1 ? remotePath.replace(/\/+$/, '') : remotePath;
    return this.guard('Download failed', signal, async (conn, t) => {
      const kind = await this.kind(conn, t, remote, signal);
      if (kind === 'missing') throw new Error(`${remotePath} does not exist on the machine`);
      if (t.kind === 'sftp') {
        if (kind === 'directory') await sftpGetDir(t.sftp, remote, localPath, signal);
        else await sftpGetFile(t.sftp, remote, localPath, signal);
      } else {
        await scpGet(conn, remote, localPath, kind === 'directory', signal);
      }
    });
  }

  /**
   * Runs a copy with a live connection and its transfer method, turning throws into a failed outcome. A cancel ends
   * the SFTP session (the next copy opens a new one) or the scp channel, and this settles within CANCEL_GRACE_MS of it
   * whatever the server does.
   */
  private async guard(what: string, signal: AbortSignal, copy: (conn: SshConnection, t: Transfer) => Promise<void>): Promise<Result> {
    const c = await this.connection(signal);
    if (!c.ok) return c;
    const stop = () => this.dropSftp();
    signal.addEventListener('abort', stop, { once: true });
    let giveUp: NodeJS.Timeout | undefined;
    let startGrace = () => undefined as void;
    const cancelled = new Promise<'cancelled'>((resolve) => {
      startGrace = () => {
        giveUp = setTimeout(() => resolve('cancelled'), CANCEL_GRACE_MS);
      };
    });
    if (signal.aborted) startGrace();
    else signal.addEventListener('abort', startGrace, { once: true });
    const work = (async (): Promise<Result> => {
      try {
        const t = await this.transferMethod(c.value, signal);
        if (signal.aborted) return err(CANCELLED);
        await copy(c.value, t);
        return ok();
      } catch (e) {
        if (signal.aborted) return err(CANCELLED);
        return err(`${what}: ${(e as Error).message}`);
      }
    })();
    try {
      const r = await Promise.race([work, cancelled]);
      return r === 'cancelled' ? err(CANCELLED) : r;
    } finally {
      clearTimeout(giveUp);
      signal.removeEventListener('abort', stop);
      signal.removeEventListener('abort', startGrace);
    }
  }

  /** Ends the SFTP session in use, failing its requests at once; the next copy opens a new one. */
  private dropSftp(): void {
    if (this.transfer?.kind !== 'sftp') return;
    this.transfer.sftp.end();
    this.transfer = undefined;
  }

  /** SFTP when asked for or available; scp when asked for or the server has no SFTP subsystem. */
  private async transferMethod(conn: SshConnection, signal: AbortSignal): Promise<Transfer> {
    if (this.transfer?.kind === 'sftp' && this.transfer.sftp.closed) this.transfer = undefined;
    if (this.transfer) return this.transfer;
    if (this.opts.fileTransfer === 'scp' || (this.noSftp && this.opts.fileTransfer === 'auto')) return (this.transfer = { kind: 'scp' });
    const sftp = await openSftp(conn, signal);
    if (!(sftp instanceof Error)) {
      if (signal.aborted || conn !== this.conn) {
        sftp.end();
        throw new Error(CANCELLED);
      }
      conn.onClose(() => sftp.end());
      return (this.transfer = { kind: 'sftp', sftp });
    }
    // A cancel or a dropped connection says nothing about whether the server has SFTP.
    if (signal.aborted || conn.closed) throw sftp;
    if (this.opts.fileTransfer === 'sftp') throw new Error(`the server offers no SFTP (${sftp.message}); set ssh_file_transfer_method = "scp"`);
    this.noSftp = true;
    return (this.transfer = { kind: 'scp' });
  }

  private async kind(conn: SshConnection, t: Transfer, path: string, signal: AbortSignal): Promise<RemoteKind> {
    if (t.kind === 'sftp') return sftpKind(t.sftp, path, signal);
    const r = await execQuiet(conn, kindCommand(path), signal);
    if (!r.ok) throw new Error(r.error);
    const answer = r.value.trim();
    return answer === 'directory' || answer === 'file' ? answer : 'missing';
  }
}
