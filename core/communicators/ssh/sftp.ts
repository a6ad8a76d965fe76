/**
 * File copies over the SFTP subsystem. The callers (communicator.ts) have already applied Packer's slash rules, so these
 * copy one file to one path, or a folder's contents into one folder.
 *
 * Every request goes through `SftpSession.call`, which settles when the server answers, when the SFTP channel closes,
 * or when the build is cancelled — whichever comes first. ssh2 alone does not promise that: a request made after its
 * channel closed is buffered and its callback never runs, and its fastPut/fastGet make such requests from their own
 * callbacks (the next write after a local read, a chmod after a failed fchmod). Cancelling a copy by ending the
 * channel at the wrong moment therefore left fastPut waiting forever; we copy with our own loop instead.
 */
import { lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { Client, FileEntryWithStats, SFTPWrapper, Stats } from 'ssh2';
import { CANCELLED } from '../../common/result';
import type { SshConnection } from './connect';
import { openChannel } from './open-channel';

export type RemoteKind = 'file' | 'directory' | 'missing';

/** Bytes per read or write request, and how many are in flight at once (ssh2's fastPut uses the same). */
const CHUNK = 32 * 1024;
const IN_FLIGHT = 64;
const NEVER = new AbortController().signal;

/** An SFTP subsystem whose requests always settle. */
export class SftpSession {
  private gone = false;
  private readonly waiters = new Set<() => void>();
  private readonly watched = new WeakSet<AbortSignal>();
  private readonly unwatch: Array<() => void> = [];

  constructor(readonly sftp: SFTPWrapper) {
    const onGone = () => this.markGone();
    sftp.once('close', onGone);
    sftp.once('end', onGone);
    // An SFTP protocol error also ends the channel; 'close' tells the waiters.
    sftp.on('error', () => undefined);
  }

  get closed(): boolean {
    return this.gone;
  }

  /** Ends the subsystem: requests still waiting fail at once. */
  end(): void {
    if (this.gone) return;
    this.sftp.end();
    // Waiting requests fail now rather than when the server confirms the close (which a dead link never does).
    this.markGone();
  }

  private markGone(): void {
    this.gone = true;
    for (const w of [...this.waiters]) w();
    for (const u of this.unwatch.splice(0)) u();
  }

  /**
   * One request: resolves with the server's answer, rejects on its error, on the channel closing, or on cancel. A
   * cancel ends the whole session (one listener per signal, not one per request), which fails every waiting request.
   */
  call<T>(signal: AbortSignal, fn: (cb: (err: Error | null | undefined, value: T) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(new Error(CANCELLED));
      if (this.gone) return reject(new Error('the SFTP session closed'));
      this.watch(signal);
      let settled = false;
      const settle = (act: () => void) => {
        if (settled) return;
        settled = true;
        this.waiters.delete(onGone);
        act();
      };
      const onGone = () => settle(() => reject(new Error(signal.aborted ? CANCELLED : 'the SFTP session closed')));
      this.waiters.add(onGone);
      try {
        fn((err, value) => settle(() => (err ? reject(err) : resolve(value))));
      } catch (e) {
        settle(() => reject(e as Error));
      }
    });
  }

  private watch(signal: AbortSignal): void {
    if (this.gone || this.watched.has(signal)) return;
    this.watched.add(signal);
    const onAbort = () => this.end();
    signal.addEventListener('abort', onAbort, { once: true });
    // A long-lived signal (the build's) outlives many sessions: let go of it when this one ends.
    this.unwatch.push(() => signal.removeEventListener('abort', onAbort));
  }
}

/** Opens the SFTP subsystem; an Error when the server has none (its sshd_config has no `Subsystem sftp`) or on cancel. */
export async function openSftp(conn: SshConnection, signal: AbortSignal): Promise<SftpSession | Error> {
  const before = channelIds(conn.client);
  const opened = await openChannel<SFTPWrapper>(conn, signal, (done) => conn.client.sftp(done), (late) => late.end());
  const r = opened === 'cancelled' ? new Error(CANCELLED) : opened;
  if (r instanceof Error) {
    closeRefusedSubsystem(conn.client, before);
    return r;
  }
  return new SftpSession(r);
}

/**
 * ssh2 leaves the session channel open when the server refuses the sftp subsystem, and sshd counts it against
 * MaxSessions (10 by default) until the connection ends. Closes such a channel; relies on ssh2 internals, so it only
 * acts on what looks exactly like that channel and otherwise does nothing.
 */
function closeRefusedSubsystem(client: Client, before: Set<string>): void {
  const channels = (client as unknown as { _chanMgr?: { _channels?: Record<string, unknown> } })._chanMgr?._channels;
  if (!channels) return;
  for (const [id, ch] of Object.entries(channels)) {
    if (before.has(id) || typeof ch !== 'object' || ch === null) continue;
    const c = ch as { subtype?: unknown; outgoing?: { state?: unknown }; destroy?: unknown; constructor?: { name?: string } };
    if (c.constructor?.name === 'SFTP' && c.subtype === undefined && c.outgoing?.state === 'open' && typeof c.destroy === 'function') {
      (c.destroy as () => void).call(ch);
    }
  }
}

function channelIds(client: Client): Set<string> {
  const channels = (client as unknown as { _chanMgr?: { _channels?: Record<string, unknown> } })._chanMgr?._channels;
  return new Set(channels ? Object.keys(channels) : []);
}

export async function sftpKind(s: SftpSession, path: string, signal: AbortSignal): Promise<RemoteKind> {
  try {
    const st = await s.call<Stats>(signal, (cb) => s.sftp.stat(path, cb));
    return st.isDirectory() ? 'directory' : 'file';
  } catch (e) {
    if ((e as { code?: number }).code === 2) return 'missing';
    throw e;
  }
}

/** `mkdir -p` over SFTP. */
export async function sftpMkdirs(s: SftpSession, path: string, signal: AbortSignal): Promise<void> {
  if (path === '' || path === '/' || path === '.') return;
  if ((await sftpKind(s, path, signal)) === 'directory') return;
  await sftpMkdirs(s, posix.dirname(path), signal);
  try {
    await s.call<void>(signal, (cb) => s.sftp.mkdir(path, (err) => cb(err, undefined)));
  } catch (e) {
    if ((await sftpKind(s, path, signal)) !== 'directory') throw e;
  }
}

/** Runs `work(offset, length)` over [0, size) in CHUNK pieces, IN_FLIGHT at a time; stops at the first failure. */
async function chunked(size: number, work: (offset: number, length: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < size) {
      const offset = next;
      const length = Math.min(CHUNK, size - offset);
      next += length;
      try {
        await work(offset, length);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(IN_FLIGHT, Math.ceil(size / CHUNK))) }, worker);
  // allSettled first: no worker is left running (and reading a closed file) after we return.
  const results = await Promise.allSettled(workers);
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

export async function sftpPutFile(s: SftpSession, local: string, remote: string, signal: AbortSignal): Promise<void> {
  const mode = lstatSync(local).mode & 0o777;
  const file = await open(local, 'r');
  try {
    const size = (await file.stat()).size;
    const handle = await s.call<Buffer>(signal, (cb) => s.sftp.open(remote, 'w', { mode }, cb));
    try {
      await chunked(size, async (offset, length) => {
        const buf = Buffer.allocUnsafe(length);
        const { bytesRead } = await file.read(buf, 0, length, offset);
        if (bytesRead !== length) throw new Error(`${local} changed size while it was being copied`);
        await s.call<void>(signal, (cb) => s.sftp.write(handle, buf, 0, length, offset, (err) => cb(err, undefined)));
      });
    } finally {
      await closeRemote(s, handle);
    }
    await s.call<void>(signal, (cb) => s.sftp.chmod(remote, mode, (err) => cb(err, undefined)));
  } finally {
    await file.close();
  }
}

/** Closes a remote handle; a session already gone has closed it. Bounded: it waits for neither a dead link nor a cancel. */
async function closeRemote(s: SftpSession, handle: Buffer): Promise<void> {
  if (s.closed) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, 5000)));
  const closed = s.call<void>(NEVER, (cb) => s.sftp.close(handle, (err) => cb(err, undefined))).catch(() => undefined);
  await Promise.race([closed, late]);
  clearTimeout(timer);
}

/** Copies the contents of local folder `local` into remote folder `remote` (created if missing). */
export async function sftpPutDir(s: SftpSession, local: string, remote: string, signal: AbortSignal): Promise<void> {
  await sftpMkdirs(s, remote, signal);
  for (const name of readdirSync(local).sort()) {
    if (signal.aborted) throw new Error(CANCELLED);
    const from = join(local, name);
    const to = posix.join(remote, name);
    const st = lstatSync(from);
    if (st.isDirectory()) await sftpPutDir(s, from, to, signal);
    else if (st.isSymbolicLink()) {
      await s.call<void>(signal, (cb) => s.sftp.unlink(to, () => cb(null, undefined)));
      await s.call<void>(signal, (cb) => s.sftp.symlink(readlinkSync(from), to, (err) => cb(err, undefined)));
    } else if (st.isFile()) await sftpPutFile(s, from, to, signal);
  }
}

/** A remote file to `local`, through a partial file so a failed copy leaves nothing half-written. */
export async function sftpGetFile(s: SftpSession, remote: string, local: string, signal: AbortSignal): Promise<void> {
  mkdirSync(dirname(local), { recursive: true });
  const partial = join(dirname(local), `.${basename(local)}.partial`);
  let out: FileHandle | undefined;
  try {
    const handle = await s.call<Buffer>(signal, (cb) => s.sftp.open(remote, 'r', cb));
    try {
      const st = await s.call<Stats>(signal, (cb) => s.sftp.fstat(handle, cb));
      out = await open(partial, 'w', st.mode & 0o777);
      const file = out;
      await chunked(st.size, async (offset, length) => {
        const buf = Buffer.allocUnsafe(length);
        let got = 0;
        // A server may answer a read with fewer bytes than asked.
        while (got < length) {
          const n = await s.call<number>(signal, (cb) => s.sftp.read(handle, buf, got, length - got, offset + got, (err, bytes) => cb(err, bytes)));
          if (n === 0) throw new Error(`${remote} got shorter while it was being copied`);
          got += n;
        }
        await file.write(buf, 0, length, offset);
      });
    } finally {
      await closeRemote(s, handle);
    }
    await out.close();
    out = undefined;
    renameSync(partial, local);
  } finally {
    await out?.close();
    rmSync(partial, { force: true });
  }
}

/** The contents of remote folder `remote` into local folder `local`. */
export async function sftpGetDir(s: SftpSession, remote: string, local: string, signal: AbortSignal): Promise<void> {
  mkdirSync(local, { recursive: true });
  const entries = await s.call<FileEntryWithStats[]>(signal, (cb) => s.sftp.readdir(remote, cb));
  for (const e of entries.sort((a, b) => a.filename.localeCompare(b.filename))) {
    if (signal.aborted) throw new Error(CANCELLED);
    const from = posix.join(remote, e.filename);
    const to = join(local, e.filename);
    if (e.attrs.isDirectory()) await sftpGetDir(s, from, to, signal);
    else if (e.attrs.isFile()) await sftpGetFile(s, from, to, signal);
  }
}
