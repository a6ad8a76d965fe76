/**
 * Packer's Ansible adapter: an SSH server on 127.0.0.1 that Ansible logs in to with a temporary key, relaying its
 * commands to the build's communicator (SSH or Docker alike) and implementing the scp protocol (`scp -t` / `scp -f`)
 * on top of the communicator's upload and download, so Ansible reaches machines it could not connect to itself.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, posix } from 'node:path';
import { Server, utils, type Connection, type ServerChannel } from 'ssh2';
import type { OutputStream } from '../../common/output';
import { err, ok, type Result } from '../../common/result';
import type { Communicator } from '../../engine/plugin';

export interface AdapterOptions {
  communicator: Communicator;
  /** OpenSSH private host key. */
  hostKey: string;
  /** authorized_keys line of the only key let in. */
  authorizedKey: string;
  /** 0 picks a free port. */
  port: number;
  signal: AbortSignal;
  /** What the adapter did, for the build's log. */
  log(line: string): void;
}

export interface Adapter {
  port: number;
  close(): Promise<void>;
}

export async function startAdapter(opts: AdapterOptions): Promise<Result<Adapter>> {
  const parsed = utils.parseKey(opts.authorizedKey);
  if (parsed instanceof Error) return err(`The authorized key for Ansible cannot be read: ${parsed.message}`);
  const allowed = Array.isArray(parsed) ? parsed[0] : parsed;
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [opts.hostKey] }, (client) => {
    connections.add(client);
    client.on('close', () => connections.delete(client));
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
      const sameKey = ctx.key.algo === allowed.type && ctx.key.data.length === allowed.getPublicSSH().length && timingSafeEqual(ctx.key.data, allowed.getPublicSSH());
      if (!sameKey) return ctx.reject(['publickey']);
      if (ctx.signature && ctx.blob && allowed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        let pty = false;
        session.on('pty', (ok) => {
          pty = true;
          ok?.();
        });
        session.on('env', (ok) => ok?.());
        session.on('subsystem', (_ok, reject) => {
          // SFTP would need a command with streaming input on the communicator, which it does not offer: Ansible falls back to scp.
          opts.log('Ansible asked for the sftp subsystem, which this adapter does not relay; use_sftp = false makes Ansible use scp.');
          reject?.();
        });
        session.on('exec', (acceptExec, _reject, info) => {
          const channel = acceptExec();
          void handleExec(info.command, channel, pty, opts).catch((e: Error) => finish(channel, 1, `adapter: ${e.message}`));
        });
      });
    });
  });
  const listening = await new Promise<Result<number>>((resolve) => {
    server.once('error', (e: Error) => resolve(err(`The Ansible adapter could not listen on 127.0.0.1:${opts.port}: ${e.message}`)));
    server.listen(opts.port, '127.0.0.1', () => resolve(ok((server.address() as AddressInfo).port)));
  });
  if (!listening.ok) return listening;
  return {
    ok: true,
    value: {
      port: listening.value,
      close: () =>
        new Promise<void>((resolve) => {
          for (const c of connections) c.end();
          server.close(() => resolve());
        }),
    },
  };
}

function finish(channel: ServerChannel, code: number, message?: string): void {
  try {
    if (message) channel.stderr.write(`${message}\n`);
    channel.exit(code);
    channel.end();
  } catch {
    // Ansible already hung up (a cancel or timeout killed it while the command was ending): nobody is left to tell.
  }
}

/** `scp -t DEST` receives files Ansible sends; `scp -f SRC` sends one back; anything else runs on the machine. */
async function handleExec(command: string, channel: ServerChannel, pty: boolean, opts: AdapterOptions): Promise<void> {
  const scp = parseScp(command);
  if (scp?.mode === 'to') return scpSink(scp.path, channel, opts);
  if (scp?.mode === 'from') return scpSource(scp.path, channel, opts);
  const onLine = (stream: OutputStream, line: string): void => void (stream === 'stdout' ? channel.write(`${line}\n`) : channel.stderr.write(`${line}\n`));
  // Ansible asks for a terminal (-tt) when it sends no input and never closes it; otherwise it sends its input (the
  // interpreter discovery script, pipelined modules) and closes it, and the command gets all of it.
  const input = pty ? Buffer.alloc(0) : await readAll(channel);
  let r;
  if (input.length > 0 && opts.communicator.runWithInput) {
    r = await opts.communicator.runWithInput(`head -c ${input.length} | { ${command}\n}`, input, { signal: opts.signal, onLine });
  } else if (input.length > 0) {
    // Without streaming input, the input travels as a file the command reads from, removed right after.
    const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-ansible-in-'));
    const remote = `/tmp/bakehouse-ansible-in-${randomBytes(8).toString('hex')}`;
    try {
      writeFileSync(join(scratch, 'in'), input);
      const up = await opts.communicator.upload(join(scratch, 'in'), remote, opts.signal);
      if (!up.ok) return finish(channel, 255, up.error);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    r = await opts.communicator.run(`{ ${command}\n} < ${remote}; s=$?; rm -f ${remote}; exit $s`, { signal: opts.signal, onLine });
  } else {
    r = await opts.communicator.run(command, { signal: opts.signal, onLine });
  }
  if (!r.ok) return finish(channel, 255, r.error);
  finish(channel, r.value.exitCode);
}

/**
 * The command's input: everything up to end of input once some arrives. Ansible keeps input open without sending anything
 * for its plain commands, so a quiet start means no input.
 */
function readAll(channel: ServerChannel): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const quiet = setTimeout(() => parts.length === 0 && resolve(Buffer.alloc(0)), 300);
    channel.once('end', () => clearTimeout(quiet));
    channel.on('data', (d: Buffer) => parts.push(d));
    channel.once('end', () => resolve(Buffer.concat(parts)));
    channel.once('close', () => resolve(Buffer.concat(parts)));
  });
}

function parseScp(command: string): { mode: 'to' | 'from'; path: string } | undefined {
  const words = command.trim().split(/\s+/);
  if (words[0] !== 'scp' && !words[0].endsWith('/scp')) return undefined;
  let mode: 'to' | 'from' | undefined;
  let i = 1;
  for (; i < words.length && words[i].startsWith('-'); i++) {
    if (words[i].includes('t')) mode = 'to';
    if (words[i].includes('f')) mode = 'from';
    if (words[i] === '--') {
      i++;
      break;
    }
  }
  const path = unquote(words.slice(i).join(' '));
  return mode && path ? { mode, path } : undefined;
}

function unquote(s: string): string {
  if (s.length >= 2 && (s[0] === "'" || s[0] === '"') && s.endsWith(s[0])) return s.slice(1, -1);
  return s;
}

/** Reads the channel as a byte queue the scp conversation takes lines and counted bytes from. */
class ChannelReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | undefined;
  constructor(channel: ServerChannel) {
    channel.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    channel.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }
  private async more(): Promise<boolean> {
    if (this.ended) return false;
    await new Promise<void>((r) => (this.wake = r));
    this.wake = undefined;
    return true;
  }
  async line(): Promise<string | undefined> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const l = this.buf.subarray(0, nl).toString('utf8');
        this.buf = this.buf.subarray(nl + 1);
        return l;
      }
      if (!(await this.more())) return undefined;
    }
  }
  async bytes(n: number): Promise<Buffer | undefined> {
    while (this.buf.length < n) if (!(await this.more())) return undefined;
    const b = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return b;
  }
}

const ACK = Buffer.from([0]);

async function scpSink(dest: string, channel: ServerChannel, opts: AdapterOptions): Promise<void> {
  const reader = new ChannelReader(channel);
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-ansible-scp-'));
  try {
    channel.write(ACK);
    for (;;) {
      const header = await reader.line();
      if (header === undefined || header === '') return finish(channel, 0);
      if (header.startsWith('T')) {
        channel.write(ACK);
        continue;
      }
      const m = /^C([0-7]{4}) (\d+) (.+)$/.exec(header);
      if (!m) return finish(channel, 1, `scp: the adapter only receives single files, not "${header.slice(0, 40)}"`);
      channel.write(ACK);
      const size = Number(m[2]);
      const data = await reader.bytes(size + 1);
      if (!data) return finish(channel, 1, 'scp: the transfer ended early');
      const local = join(scratch, basename(m[3]));
      writeFileSync(local, data.subarray(0, size), { mode: parseInt(m[1], 8) });
      const up = await opts.communicator.upload(local, dest, opts.signal);
      rmSync(local, { force: true });
      if (!up.ok) {
        channel.write(Buffer.from(`\x01scp: ${up.error.replace(/\n/g, ' ')}\n`));
        return finish(channel, 1);
      }
      channel.write(ACK);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function scpSource(src: string, channel: ServerChannel, opts: AdapterOptions): Promise<void> {
  const reader = new ChannelReader(channel);
  const scratch = mkdtempSync(join(tmpdir(), 'bakehouse-ansible-scp-'));
  try {
    if ((await reader.bytes(1)) === undefined) return finish(channel, 1);
    const local = join(scratch, 'file');
    const down = await opts.communicator.download(src, local, opts.signal);
    if (!down.ok) {
      channel.write(Buffer.from(`\x01scp: ${src}: ${down.error.replace(/\n/g, ' ')}\n`));
      return finish(channel, 1);
    }
    const data = readFileSync(local);
    const mode = (statSync(local).mode & 0o777).toString(8).padStart(4, '0');
    channel.write(Buffer.from(`C${mode} ${data.length} ${posix.basename(src)}\n`));
    if ((await reader.bytes(1)) === undefined) return finish(channel, 1);
    channel.write(data);
    channel.write(ACK);
    await reader.bytes(1);
    finish(channel, 0);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
