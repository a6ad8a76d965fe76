/**
 * File copies over the SFTP subsystem. The callers (transfer.ts) have already applied Packer's slash rules, so these
 * copy one file to one path, or a folder's contents into one folder.
 */
import { lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { SshConnection } from './connect';

export type RemoteKind = 'file' | 'directory' | 'missing';

/** Opens the SFTP subsystem; an Error when the server has none (its sshd_config has no `Subsystem sftp`). */
export async function openSftp(conn: SshConnection): Promise<SFTPWrapper | Error> {
  return new Promise((resolve) => {
    try {
      conn.client.sftp((err, sftp) => resolve(err ?? sftp));
    } catch (e) {
      resolve(e as Error);
    }
  });
}

function call<T>(fn: (cb: (err: Error | null | undefined, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

export async function sftpKind(sftp: SFTPWrapper, path: string): Promise<RemoteKind> {
  try {
    const st = await call<import('ssh2').Stats>((cb) => sftp.stat(path, cb));
    return st.isDirectory() ? 'directory' : 'file';
  } catch (e) {
    if ((e as { code?: number }).code === 2) return 'missing';
    throw e;
  }
}

/** `mkdir -p` over SFTP. */
export async function sftpMkdirs(sftp: SFTPWrapper, path: string): Promise<void> {
  if (path === '' || path === '/' || path === '.') return;
  if ((await sftpKind(sftp, path)) === 'directory') return;
  await sftpMkdirs(sftp, posix.dirname(path));
  try {
    await call<void>((cb) => sftp.mkdir(path, (err) => cb(err, undefined)));
  } catch (e) {
    if ((await sftpKind(sftp, path)) !== 'directory') throw e;
  }
}

export async function sftpPutFile(sftp: SFTPWrapper, local: string, remote: string): Promise<void> {
  const mode = lstatSync(local).mode & 0o777;
  await call<void>((cb) => sftp.fastPut(local, remote, { mode }, (err) => cb(err, undefined)));
  await call<void>((cb) => sftp.chmod(remote, mode, (err) => cb(err, undefined)));
}

/** Copies the contents of local folder `local` into remote folder `remote` (created if missing). */
export async function sftpPutDir(sftp: SFTPWrapper, local: string, remote: string, signal: AbortSignal): Promise<void> {
  await sftpMkdirs(sftp, remote);
  for (const name of readdirSync(local).sort()) {
    if (signal.aborted) throw new Error('Build was cancelled.');
    const from = join(local, name);
    const to = posix.join(remote, name);
    const st = lstatSync(from);
    if (st.isDirectory()) await sftpPutDir(sftp, from, to, signal);
    else if (st.isSymbolicLink()) {
      await call<void>((cb) => sftp.unlink(to, () => cb(null, undefined)));
      await call<void>((cb) => sftp.symlink(readlinkSync(from), to, (err) => cb(err, undefined)));
    } else if (st.isFile()) await sftpPutFile(sftp, from, to);
  }
}

/** A remote file to `local`, through a partial file so a failed copy leaves nothing half-written. */
export async function sftpGetFile(sftp: SFTPWrapper, remote: string, local: string): Promise<void> {
  mkdirSync(dirname(local), { recursive: true });
  const partial = join(dirname(local), `.${basename(local)}.partial`);
  try {
    await call<void>((cb) => sftp.fastGet(remote, partial, (err) => cb(err, undefined)));
    renameSync(partial, local);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The contents of remote folder `remote` into local folder `local`. */
export async function sftpGetDir(sftp: SFTPWrapper, remote: string, local: string, signal: AbortSignal): Promise<void> {
  mkdirSync(local, { recursive: true });
  const entries = await call<import('ssh2').FileEntryWithStats[]>((cb) => sftp.readdir(remote, cb));
  for (const e of entries.sort((a, b) => a.filename.localeCompare(b.filename))) {
    if (signal.aborted) throw new Error('Build was cancelled.');
    const from = posix.join(remote, e.filename);
    const to = join(local, e.filename);
    if (e.attrs.isDirectory()) await sftpGetDir(sftp, from, to, signal);
    else if (e.attrs.isFile()) await sftpGetFile(sftp, from, to);
  }
}
