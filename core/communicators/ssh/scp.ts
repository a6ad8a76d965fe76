/**
 * File copies with the scp protocol (the remote `scp -t` / `scp -f`), for servers without SFTP. Like sftp.ts it copies
 * one file to one path, or a folder's contents into one folder; communicator.ts applies the slash rules.
 */
import { createReadStream, lstatSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ClientChannel } from 'ssh2';
import { CANCELLED } from '../../common/result';
import type { SshConnection } from './connect';
import { openChannel } from './open-channel';
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

  /** Ends reading now (a cancel): a waiting reader sees the end of the stream instead of waiting for the server. */
  stop(): void {
    this.ended = true;
    this.wake?.();
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

/**
 * One remote scp process and its channel. Every wait in a copy is bounded by the copy's signal: a cancel closes the
 * channel, ends reading and fails a blocked write at once, without waiting for the server to confirm the close (ssh2
 * never completes a write queued after close, so a write waiting for 'drain' would otherwise wait for 'close' alone).
 */
class ScpSession {
  readonly incoming: Incoming;
  readonly exit: Promise<number | undefined>;
  private stderrText = '';
  private cancelled = false;
  private readonly wakeWriters = new Set<() => void>();
  private readonly stop = () => {
    this.cancelled = true;
    this.channel.close();
    this.incoming.stop();
    for (const w of [...this.wakeWriters]) w();
  };

  /** Listens before returning, from inside exec's callback, so a quick exit status is not missed. */
  constructor(
    readonly channel: ClientChannel,
    private readonly signal: AbortSignal,
  ) {
    this.incoming = new Incoming(channel);
    channel.stderr.on('data', (b: Buffer) => (this.stderrText += b.toString()));
    let code: number | undefined;
    channel.on('exit', (c: number | null) => (code = c ?? undefined));
    this.exit = new Promise((done) => channel.once('close', () => done(code)));
    signal.addEventListener('abort', this.stop, { once: true });
    if (signal.aborted) this.stop();
  }

  stderr(): string {
    return this.stderrText.trim();
  }

  /** Writes with backpressure; fails at once when the channel closes or the copy is cancelled. */
  write(data: string | Buffer): Promise<void> {
    const { channel } = this;
    const gone = () => this.cancelled || channel.destroyed || !channel.writable;
    return new Promise((resolve, reject) => {
      if (gone()) return reject(new Error(this.cancelled ? CANCELLED : 'the scp channel closed'));
      if (channel.write(data)) return resolve();
      const done = () => {
        channel.off('drain', done);
        channel.off('close', done);
        this.wakeWriters.delete(done);
        if (gone()) reject(new Error(this.cancelled ? CANCELLED : 'the scp channel closed'));
        else resolve();
      };
      channel.on('drain', done);
      channel.on('close', done);
      this.wakeWriters.add(done);
    });
  }

  /** Reads scp's one-byte answer: 0 is fine, 1 and 2 carry a message. */
  async ack(): Promise<void> {
    const b = await this.incoming.read(1);
    if (this.cancelled) throw new Error(CANCELLED);
    if (b.length === 0) throw new Error(`scp on the remote side stopped${this.stderr() ? `: ${this.stderr()}` : ' (is scp installed there?)'}`);
    if (b[0] === 0) return;
    const message = (await this.incoming.line()) ?? '';
    throw new Error(`scp: ${message.replace(/^scp: /, '')}`);
  }

  /** Ends our side and waits for the remote scp's exit status (bounded by the cancel). */
  async finish(): Promise<void> {
    this.channel.end();
    const code = await Promise.race([this.exit, new Promise<'cancelled'>((r) => this.wakeWriters.add(() => r('cancelled')))]);
    if (code === 'cancelled' || this.cancelled) throw new Error(CANCELLED);
    if (code !== undefined && code !== 0) throw new Error(`scp on the remote side exited with status ${code}${this.stderr() ? `: ${this.stderr()}` : ''}`);
  }

  /** Always called at the end of a copy: forgets the signal and closes the channel. */
  close(): void {
    this.signal.removeEventListener('abort', this.stop);
    this.wakeWriters.clear();
    this.channel.close();
  }
}

async function openScp(conn: SshConnection, command: string, signal: AbortSignal): Promise<ScpSession> {
  const ch = await openChannel<ClientChannel>(conn, signal, (done) => conn.client.exec(command, done), (late) => late.close());
  if (ch === 'cancelled') throw new Error(CANCELLED);
  if (ch instanceof Error) throw ch;
  return new ScpSession(ch, signal);
}

async function sendFile(scp: ScpSession, local: string, name: string): Promise<void> {
  const st = lstatSync(local);
  await scp.write(`C${(st.mode & 0o777).toString(8).padStart(4, '0')} ${st.size} ${name}\n`);
  await scp.ack();
  for await (const chunk of createReadStream(local)) await scp.write(chunk as Buffer);
  await scp.write(Buffer.from([0]));
  await scp.ack();
}

async function sendDir(scp: ScpSession, local: string, signal: AbortSignal): Promise<void> {
  for (const name of readdirSync(local).sort()) {
    if (signal.aborted) throw new Error(CANCELLED);
    const path = join(local, name);
    const st = lstatSync(path);
    if (st.isDirectory()) {
      await scp.write(`D${(st.mode & 0o777).toString(8).padStart(4, '0')} 0 ${name}\n`);
      await scp.ack();
      await sendDir(scp, path, signal);
      await scp.write('E\n');
      await scp.ack();
    } else if (st.isFile()) await sendFile(scp, path, name);
  }
}

/** A local file to remote path `remote` (into it when `remote` is a folder, as scp does). */
export async function scpPutFile(conn: SshConnection, local: string, remote: string, signal: AbortSignal): Promise<void> {
  const scp = await openScp(conn, `scp -t ${shellQuote(remote)}`, signal);
  try {
    await scp.ack();
    await sendFile(scp, local, basename(remote));
    await scp.finish();
  } finally {
    scp.close();
  }
}

/** The contents of local folder `local` into the existing remote folder `remote`. */
export async function scpPutDir(conn: SshConnection, local: string, remote: string, signal: AbortSignal): Promise<void> {
  const scp = await openScp(conn, `scp -r -t ${shellQuote(remote)}`, signal);
  try {
    await scp.ack();
    await sendDir(scp, local, signal);
    await scp.finish();
  } finally {
    scp.close();
  }
}

/** A remote file to `local`, or (with `dir`) a remote folder's contents into the folder `local`. */
export async function scpGet(conn: SshConnection, remote: string, local: string, dir: boolean, signal: AbortSignal): Promise<void> {
  const scp = await openScp(conn, `scp ${dir ? '-r ' : ''}-f ${shellQuote(remote)}`, signal);
  const { incoming } = scp;
  // The first folder record is `remote` itself, which maps onto `local`.
  const stack: string[] = [];
  const here = () => (stack.length === 0 ? dirname(local) : stack[stack.length - 1]);
  try {
    await scp.write(Buffer.from([0]));
    for (;;) {
      if (signal.aborted) throw new Error(CANCELLED);
      const first = await incoming.read(1);
      if (first.length === 0) break;
      const kind = String.fromCharCode(first[0]);
      const rest = (await incoming.line()) ?? '';
      if (first[0] === 1 || first[0] === 2) throw new Error(`scp: ${rest.replace(/^scp: /, '')}`);
      if (kind === 'T') {
        await scp.write(Buffer.from([0]));
      } else if (kind === 'D') {
        const name = rest.split(' ').slice(2).join(' ');
        const path = stack.length === 0 ? local : join(here(), name);
        mkdirSync(path, { recursive: true });
        stack.push(path);
        await scp.write(Buffer.from([0]));
      } else if (kind === 'E') {
        stack.pop();
        await scp.write(Buffer.from([0]));
      } else if (kind === 'C') {
        const [modeText, sizeText, ...nameParts] = rest.split(' ');
        const size = Number(sizeText);
        const target = stack.length === 0 ? local : join(here(), nameParts.join(' '));
        await scp.write(Buffer.from([0]));
        await receive(incoming, target, size, parseInt(modeText, 8));
        await scp.ack();
        await scp.write(Buffer.from([0]));
      } else {
        throw new Error(`scp sent something unexpected: ${JSON.stringify(kind + rest)}`);
      }
    }
    if (signal.aborted) throw new Error(CANCELLED);
    await scp.finish();
  } finally {
    scp.close();
  }
}

async function receive(incoming: Incoming, target: string, size: number, mode: number): Promise<void> {
  mkdirSync(dirname(target), { recursive: true });
  const partial = join(dirname(target), `.${basename(target)}.partial`);
  let out: FileHandle | undefined;
  try {
    out = await open(partial, 'w', mode & 0o777);
    let left = size;
    while (left > 0) {
      const piece = await incoming.some(Math.min(left, 64 * 1024));
      if (piece.length === 0) throw new Error('the connection ended in the middle of a file');
      left -= piece.length;
      await out.write(piece);
    }
    await out.close();
    out = undefined;
    renameSync(partial, target);
  } finally {
    await out?.close();
    rmSync(partial, { force: true });
  }
}

/** What is at `path` on the machine, asked with test(1) since scp has no stat. */
export const kindCommand = (path: string): string =>
  `if [ -d ${shellQuote(path)} ]; then echo directory; elif [ -e ${shellQuote(path)} ]; then echo file; else echo missing; fi`;
