/**
 * The SSH communicator: commands and file copies over one connection, reconnecting when the machine dropped it (an
 * expected reboot). Copies follow Packer's rules — a local folder ending in `/` copies its contents, without the slash
 * the folder itself; a file sent to an existing remote folder lands inside it; a remote folder downloads its contents.
 */
import { statSync } from 'node:fs';
import { basename, posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { CommandResult, Communicator, Outcome } from '../../engine/plugin';
import type { ConnectResult, SshConnection } from './connect';
import { execCommand, execQuiet, type OnLine } from './exec';
import { shellQuote } from '../shell-quote';
import { reconnect } from './reconnect';
import { kindCommand, scpGet, scpPutDir, scpPutFile } from './scp';
import { openSftp, sftpGetDir, sftpGetFile, sftpKind, sftpPutDir, sftpPutFile, type RemoteKind } from './sftp';

export interface SshCommunicatorOptions {
  /** Makes a new connection, for reconnecting. */
  connect(signal: AbortSignal): Promise<ConnectResult>;
  pty: boolean;
  fileTransfer: 'auto' | 'scp' | 'sftp';
  /** How long to keep trying to reconnect after the connection dropped (start_retry_timeout). */
  reconnectTimeoutMs: number;
  reconnectIntervalMs?: number;
}

type Transfer = { kind: 'sftp'; sftp: SFTPWrapper } | { kind: 'scp' };

export class SshCommunicator implements Communicator {
  readonly type = 'ssh';
  private transfer: Transfer | undefined;
  private closedByUs = false;

  constructor(
    private conn: SshConnection,
    private readonly opts: SshCommunicatorOptions,
  ) {}

  /** Ends the connection for good (the build's cleanup). */
  close(): void {
    this.closedByUs = true;
    this.conn.close();
  }

  /** The live connection, reconnecting first if the machine dropped the last one. */
  async connection(signal: AbortSignal): Promise<Outcome<SshConnection>> {
    if (this.closedByUs) return { ok: false, error: 'The SSH connection was already closed at the end of the build.' };
    if (!this.conn.closed) return { ok: true, value: this.conn };
    const r = await reconnect(this.opts.connect, { signal, timeoutMs: this.opts.reconnectTimeoutMs, intervalMs: this.opts.reconnectIntervalMs ?? 2000 });
    if (!r.ok) return r;
    this.conn = r.value;
    this.transfer = undefined;
    return { ok: true, value: this.conn };
  }

  async run(command: string, opts: { signal: AbortSignal; onLine: OnLine }): Promise<Outcome<CommandResult>> {
    for (;;) {
      const c = await this.connection(opts.signal);
      if (!c.ok) return c;
      const r = await execCommand(c.value, command, { ...opts, pty: this.opts.pty });
      // The connection died before the command began (a reboot we had not noticed yet): start it again once reconnected.
      if (!r.ok && 'notStarted' in r && c.value.closed) continue;
      if (!r.ok) return { ok: false, error: r.error };
      return r;
    }
  }

  async upload(localPath: string, remotePath: string, signal: AbortSignal): Promise<Outcome> {
    let isDir: boolean;
    try {
      isDir = statSync(localPath).isDirectory();
    } catch (e) {
      return { ok: false, error: `Upload failed: ${(e as Error).message}` };
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
      if (t.kind === 'sftp') await sftpPutFile(t.sftp, localPath, target);
      else await scpPutFile(conn, localPath, target, signal);
    });
  }

  async download(remotePath: string, localPath: string, signal: AbortSignal): Promise<Outcome> {
    const remote = remotePath.length > 1 ? remotePath.replace(/\/+$/, '') : remotePath;
    return this.guard('Download failed', signal, async (conn, t) => {
      const kind = await this.kind(conn, t, remote, signal);
      if (kind === 'missing') throw new Error(`${remotePath} does not exist on the machine`);
      if (t.kind === 'sftp') {
        if (kind === 'directory') await sftpGetDir(t.sftp, remote, localPath, signal);
        else await sftpGetFile(t.sftp, remote, localPath);
      } else {
        await scpGet(conn, remote, localPath, kind === 'directory', signal);
      }
    });
  }

  /** Runs a copy with a live connection and its transfer method, turning throws into a failed outcome. */
  private async guard(what: string, signal: AbortSignal, copy: (conn: SshConnection, t: Transfer) => Promise<void>): Promise<Outcome> {
    const c = await this.connection(signal);
    if (!c.ok) return c;
    // SFTP calls do not take a signal: ending the subsystem makes the copy in flight fail at once.
    const stop = () => {
      if (this.transfer?.kind === 'sftp') this.transfer.sftp.end();
      this.transfer = undefined;
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      const t = await this.transferMethod(c.value);
      if (signal.aborted) return { ok: false, error: 'Build was cancelled.' };
      await copy(c.value, t);
      return { ok: true, value: undefined };
    } catch (e) {
      if (signal.aborted) return { ok: false, error: 'Build was cancelled.' };
      return { ok: false, error: `${what}: ${(e as Error).message}` };
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  /** SFTP when asked for or available; scp when asked for or the server has no SFTP subsystem. */
  private async transferMethod(conn: SshConnection): Promise<Transfer> {
    if (this.transfer) return this.transfer;
    if (this.opts.fileTransfer === 'scp') return (this.transfer = { kind: 'scp' });
    const sftp = await openSftp(conn);
    if (!(sftp instanceof Error)) {
      conn.onClose(() => sftp.end());
      return (this.transfer = { kind: 'sftp', sftp });
    }
    if (this.opts.fileTransfer === 'sftp') throw new Error(`the server offers no SFTP (${sftp.message}); set ssh_file_transfer_method = "scp"`);
    return (this.transfer = { kind: 'scp' });
  }

  private async kind(conn: SshConnection, t: Transfer, path: string, signal: AbortSignal): Promise<RemoteKind> {
    if (t.kind === 'sftp') return sftpKind(t.sftp, path);
    const r = await execQuiet(conn, kindCommand(path), signal);
    if (!r.ok) throw new Error(r.error);
    const answer = r.value.trim();
    return answer === 'directory' || answer === 'file' ? answer : 'missing';
  }
}
