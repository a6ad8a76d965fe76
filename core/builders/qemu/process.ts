/**
 * The running QEMU: started in its own process group (a Ctrl-C in the terminal reaches Bakehouse, which then stops the
 * machine itself), its serial console and stderr passed on line by line, and a way to wait for or force its end.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SERIAL_KEPT = 20;

export interface QemuProcessOptions {
  binary: string;
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  onLine(stream: 'serial' | 'stderr', line: string): void;
}

export class QemuProcess {
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  private exitedNow = false;
  spawnError: string | undefined;
  /** QEMU's last few stderr lines, for the message when it fails. */
  readonly lastErrors: string[] = [];
  /** The serial console's last complete lines; see serialTail. */
  private readonly lastSerial: string[] = [];
  /** What the console printed after its last newline: often a prompt waiting for input. */
  private serialPartial = '';
  private readonly child: ChildProcess;

  constructor(o: QemuProcessOptions) {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.env)) if (v !== undefined) env[k] = v;
    this.child = spawn(o.binary, o.args, { cwd: o.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    lines(
      this.child.stdout,
      (l) => {
        if (l.trim() === '') return;
        this.lastSerial.push(l);
        if (this.lastSerial.length > SERIAL_KEPT) this.lastSerial.shift();
        o.onLine('serial', l);
      },
      (partial) => (this.serialPartial = partial),
    );
    lines(this.child.stderr, (l) => {
      this.lastErrors.push(l);
      if (this.lastErrors.length > 5) this.lastErrors.shift();
      o.onLine('stderr', l);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.spawnError = e.message;
        if (this.child.pid === undefined) {
          this.exitedNow = true;
          resolve({ code: null, signal: null });
        }
      });
      this.child.on('exit', (code, signal) => {
        this.exitedNow = true;
        resolve({ code, signal });
      });
    });
  }

  /** The serial console's last lines, an unfinished last line included, for the message when the machine never answers. */
  serialTail(): string[] {
    const partial = this.serialPartial.replace(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g, '').trim();
    return partial ? [...this.lastSerial, partial] : [...this.lastSerial];
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return !this.exitedNow;
  }

  /** Waits up to `ms` for QEMU to exit by itself; true when it did. */
  async waitForExit(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const gaveUp = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
      onAbort = () => resolve(false);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    const r = await Promise.race([this.exited.then(() => true as const), gaveUp]);
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
    return r;
  }

  /** SIGTERM (QEMU then closes its disks cleanly), SIGKILL if it has not gone after `graceMs`. */
  async kill(graceMs = 3000): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    this.signalGroup('SIGTERM');
    if (await this.waitForExit(graceMs)) return;
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  private signalGroup(sig: NodeJS.Signals): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** Lines without their CR/LF; control characters other than ESC (colours) are dropped. */
function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void, onPartial?: (partial: string) => void): void {
  if (!stream) return;
  let carry = '';
  stream.setEncoding('utf8');
  const clean = (s: string): string => s.replace(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/g, '');
  stream.on('data', (chunk: string) => {
    const parts = (carry + chunk).split('\n');
    carry = parts.pop() ?? '';
    for (const p of parts) onLine(clean(p));
    onPartial?.(carry);
  });
  stream.on('end', () => {
    if (carry !== '') onLine(clean(carry));
    carry = '';
    onPartial?.('');
  });
}
