/**
 * A small client for QEMU's machine protocol (QMP) over its unix socket: one command at a time, answers matched in
 * order, asynchronous events skipped. The builder types boot_command and asks the machine to quit through it.
 */
import { connect, type Socket } from 'node:net';
import { cancelled, err, ok, type Result } from '../../common/result';

type Reply = { return: unknown } | { error: { class: string; desc: string } };

export class QmpClient {
  private buffer = '';
  private waiting: Array<(r: Reply | Error) => void> = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('close', () => this.fail(new Error('the QMP connection closed')));
    socket.on('error', (e) => this.fail(e));
  }

  /** Connects (retrying while QEMU creates the socket) and leaves capabilities negotiation done. */
  static async open(path: string, opts: { signal: AbortSignal; timeoutMs: number; alive: () => boolean }): Promise<Result<QmpClient>> {
    const deadline = Date.now() + opts.timeoutMs;
    let last = '';
    while (Date.now() < deadline && !opts.signal.aborted && opts.alive()) {
      const socket = await new Promise<Socket | Error>((done) => {
        const s = connect(path);
        s.once('connect', () => done(s));
        s.once('error', (e) => done(e));
      });
      if (socket instanceof Error) {
        last = socket.message;
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const client = new QmpClient(socket);
      // The greeting arrives first and is answered like a command.
      const greeting = await client.next();
      if (greeting instanceof Error) return err(`QMP: ${greeting.message}`);
      const caps = await client.execute('qmp_capabilities');
      if (!caps.ok) return caps;
      return ok(client);
    }
    if (opts.signal.aborted) return cancelled();
    if (!opts.alive()) return err('QEMU exited before its QMP socket opened');
    return err(`Could not connect to QEMU's QMP socket ${path}: ${last}`);
  }

  async execute(command: string, args?: Record<string, unknown>): Promise<Result<unknown>> {
    if (this.closed) return err('QMP: the connection is closed');
    const reply = this.next();
    this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    const r = await reply;
    if (r instanceof Error) return err(`QMP ${command}: ${r.message}`);
    if ('error' in r) return err(`QMP ${command}: ${r.error.desc}`);
    return ok(r.return);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private next(): Promise<Reply | Error> {
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line === '') continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if ('event' in msg) continue;
      const waiter = this.waiting.shift();
      waiter?.(('QMP' in msg ? { return: msg.QMP } : msg) as Reply);
    }
  }

  private fail(e: Error): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w(e);
  }
}
