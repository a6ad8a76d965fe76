/**
 * File copies with the scp protocol (the remote `scp -t` / `scp -f`), for servers without SFTP. Like sftp.ts it copies
 * one file to one path, or a folder's contents into one folder; transfer.ts applies the slash rules.
 */
import { createReadStream, createWriteStream, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ClientChannel } from 'ssh2';
import type { SshConnection } from './connect';
import { shellQuote } from '../shell-quote';

/** Bytes arriving on a channel, read in exact pieces or lines. */
class Incoming {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(channel: ClientChannel) {
    channel.on('data', (b: Buffer) => {
      this.chunks.push(b);
      this.length += b.length;
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    channel.on('end', end);
    channel.on('close', end);
  }

  private async waitFor(pred: () => boolean): Promise<boolean> {
    while (!pred()) {
      if (this.ended) return false;
      await new Promise<void>((r) => (this.wake = r));
      this.wake = undefined;
    }
    return true;
  }

  private take(n: number): Buffer {
    const all = Buffer.concat(this.chunks);
    this.chunks = n < all.length ? [all.subarray(n)] : [];
    this.length = all.length - n;
    return all.subarray(0, n);
  }

  /** Up to n bytes (fewer only at the end of the stream). */
  async read(n: number): Promise<Buffer> {
    await this.waitFor(() => this.length >= n);
    return this.take(Math.min(n, this.length));
  }

  async some(max: number): Promise<Buffer> {
    await this.waitFor(() => this.length > 0);
    return this.take(Math.min(max, this.length));
  }

  /** A line without its newline; undefined at a clean end of stream. */
  async line(): Promise<string | undefined> {
    const has = () => this.chunks.some((c) => c.includes(10));
    if (!(await this.waitFor(has))) {
      if (this.length === 0) return undefined;
      return this.take(this.length).toString('utf8');
    }
    const all = Buffer.concat(this.chunks);
    const nl = all.indexOf(10);
    this.chunks = [all];
    const out = this.take(nl + 1);
    return out.subarray(0, nl).toString('utf8');
  }
}

interface ScpSession {
  channel: ClientChannel;
  incoming: Incoming;
  stderr: () => string;
  exit: Promise<number | undefined>;
}

async function openScp(conn: SshConnection, command: string): Promise<ScpSession> {
  return new Promise((resolve, reject) =>
    conn.client.exec(command, (err, channel) => {
      if (err) return reject(err);
      // Everything listens before this callback returns, so a quick exit status is not missed.
      const incoming = new Incoming(channel);
      let stderr = '';
      channel.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      let code: number | undefined;
      channel.on('exit', (c: number | null) => (code = c ?? undefined));
      const exit = new Promise<number | undefined>((done) => channel.once('close', () => done(code)));
      resolve({ channel, incoming, stderr: () => stderr.trim(), exit });
    }),
  );
}

/** Reads scp's one-byte answer: 0 is fine, 1 and 2 carry a message. */
async function ack(incoming: Incoming, stderr: () => string): Promise<void> {
  const b = await incoming.read(1);
  if (b.length === 0) throw new Error(`scp on the remote side stopped${stderr() ? `: ${stderr()}` : ' (is scp installed there?)'}`);
  if (b[0] === 0) return;
  const message = (await incoming.line()) ?? '';
  throw new Error(`scp: ${message.replace(/^scp: /, '')}`);
}

function write(channel: ClientChannel, data: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (channel.destroyed || !channel.writable) return reject(new Error('the scp channel closed'));
    if (channel.write(data)) return resolve();
    // A channel closed mid-copy (cancel, lost connection) never drains.
    const done = () => {
      channel.off('drain', done);
      channel.off('close', done);
      if (channel.destroyed || !channel.writable) reject(new Error('the scp channel closed'));
      else resolve();
    };
    channel.on('drain', done);
    channel.on('close', done);
  });
}

async function sendFile(channel: ClientChannel, incoming: Incoming, stderr: () => string, local: string, name: string): Promise<void> {
  const st = lstatSync(local);
  await write(channel, `C${(st.mode & 0o777).toString(8).padStart(4, '0')} ${st.size} ${name}\n`);
  await ack(incoming, stderr);
  for await (const chunk of createReadStream(local)) await write(channel, chunk as Buffer);
  await write(channel, Buffer.from([0]));
  await ack(incoming, stderr);
}

async function sendDir(channel: ClientChannel, incoming: Incoming, stderr: () => string, local: string, signal: AbortSignal): Promise<void> {
  for (const name of readdirSync(local).sort()) {
    if (signal.aborted) throw new Error('Build was cancelled.');
    const path = join(local, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      await write(channel, `D${(st.mode & 0o777).toString(8).padStart(4, '0')} 0 ${name}\n`);
      await ack(incoming, stderr);
      await sendDir(channel, incoming, stderr, path, signal);
      await write(channel, 'E\n');
      await ack(incoming, stderr);
    } else if (st.isFile()) await sendFile(channel, incoming, stderr, path, name);
  }
}

async function finish(scp: ScpSession): Promise<void> {
  scp.channel.end();
  const code = await scp.exit;
  if (code !== undefined && code !== 0) throw new Error(`scp on the remote side exited with status ${code}${scp.stderr() ? `: ${scp.stderr()}` : ''}`);
}

/** A local file to remote path `remote` (into it when `remote` is a folder, as scp does). */
export async function scpPutFile(conn: SshConnection, local: string, remote: string, signal: AbortSignal): Promise<void> {
  const scp = await openScp(conn, `scp -t ${shellQuote(remote)}`);
  const stop = () => scp.channel.close();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  try {
    await ack(scp.incoming, scp.stderr);
    await sendFile(scp.channel, scp.incoming, scp.stderr, local, basename(remote));
    await finish(scp);
  } finally {
    signal.removeEventListener('abort', stop);
    scp.channel.close();
  }
}

/** The contents of local folder `local` into the existing remote folder `remote`. */
export async function scpPutDir(conn: SshConnection, local: string, remote: string, signal: AbortSignal): Promise<void> {
  const scp = await openScp(conn, `scp -r -t ${shellQuote(remote)}`);
  const stop = () => scp.channel.close();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  try {
    await ack(scp.incoming, scp.stderr);
    await sendDir(scp.channel, scp.incoming, scp.stderr, local, signal);
    await finish(scp);
  } finally {
    signal.removeEventListener('abort', stop);
    scp.channel.close();
  }
}

/** A remote file to `local`, or (with `dir`) a remote folder's contents into the folder `local`. */
export async function scpGet(conn: SshConnection, remote: string, local: string, dir: boolean, signal: AbortSignal): Promise<void> {
  const scp = await openScp(conn, `scp ${dir ? '-r ' : ''}-f ${shellQuote(remote)}`);
  const stop = () => scp.channel.close();
  signal.addEventListener('abort', stop, { once: true });
  if (signal.aborted) stop();
  const { channel, incoming } = scp;
  // The first folder record is `remote` itself, which maps onto `local`.
  const stack: string[] = [];
  const here = () => (stack.length === 0 ? dirname(local) : stack[stack.length - 1]);
  try {
    await write(channel, Buffer.from([0]));
    for (;;) {
      if (signal.aborted) throw new Error('Build was cancelled.');
      const first = await incoming.read(1);
      if (first.length === 0) break;
      const kind = String.fromCharCode(first[0]);
      const rest = (await incoming.line()) ?? '';
      if (first[0] === 1 || first[0] === 2) throw new Error(`scp: ${rest.replace(/^scp: /, '')}`);
      if (kind === 'T') {
        await write(channel, Buffer.from([0]));
      } else if (kind === 'D') {
        const name = rest.split(' ').slice(2).join(' ');
        const path = stack.length === 0 ? local : join(here(), name);
        mkdirSync(path, { recursive: true });
        stack.push(path);
        await write(channel, Buffer.from([0]));
      } else if (kind === 'E') {
        stack.pop();
        await write(channel, Buffer.from([0]));
      } else if (kind === 'C') {
        const [modeText, sizeText, ...nameParts] = rest.split(' ');
        const size = Number(sizeText);
        const target = stack.length === 0 ? local : join(here(), nameParts.join(' '));
        await write(channel, Buffer.from([0]));
        await receive(incoming, target, size, parseInt(modeText, 8));
        await ack(incoming, scp.stderr);
        await write(channel, Buffer.from([0]));
      } else {
        throw new Error(`scp sent something unexpected: ${JSON.stringify(kind + rest)}`);
      }
    }
    await finish(scp);
  } finally {
    signal.removeEventListener('abort', stop);
    channel.close();
  }
}

async function receive(incoming: Incoming, target: string, size: number, mode: number): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${basename(target)}.partial`);
  try {
    const out = createWriteStream(partial, { mode: mode & 0o777 });
    let left = size;
    while (left > 0) {
      const piece = await incoming.some(Math.min(left, 64 * 1024));
      if (piece.length === 0) throw new Error('the connection ended in the middle of a file');
      left -= piece.length;
      if (!out.write(piece)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** What is at `path` on the machine, asked with test(1) since scp has no stat. */
export const kindCommand = (path: string): string =>
  `if [ -d ${shellQuote(path)} ]; then echo directory; elif [ -e ${shellQuote(path)} ]; then echo file; else echo missing; fi`;
