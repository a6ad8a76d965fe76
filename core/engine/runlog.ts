/**
 * The run log: every event of a run, masked, appended to a JSON-lines file in the data folder, so a run can be
 * replayed or paged through by the app after the fact. Writes are batched and synchronous so memory stays bounded
 * however fast a build prints.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, statSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { EngineEvent } from './events';

/** `$BAKEHOUSE_DATA_DIR`, else `$XDG_DATA_HOME/bakehouse`, else `~/.local/share/bakehouse`. */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  if (env.BAKEHOUSE_DATA_DIR) return env.BAKEHOUSE_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'bakehouse');
  return join(homedir(), '.local', 'share', 'bakehouse');
}

export function runsDir(base: string): string {
  return join(base, 'runs');
}

export function runLogPath(base: string, runId: string): string {
  return join(runsDir(base), `${runId}.jsonl`);
}

const FLUSH_BYTES = 256 * 1024;
const FLUSH_MS = 200;

export class RunLogWriter {
  private fd: number | undefined;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private failure: Error | undefined;

  constructor(readonly path: string) {
    mkdirSync(join(path, '..'), { recursive: true });
    this.fd = openSync(path, 'a', 0o600);
  }

  append(event: EngineEvent): void {
    if (this.failure) throw this.failure;
    if (this.fd === undefined) return;
    const line = serialize(event);
    this.pending.push(line);
    this.pendingBytes += line.length;
    // The ledger is written at once: a run killed the next moment must still have said what it was creating. Written to
    // the kernel, not fsynced: a killed process loses nothing the kernel has, and only a crashed machine would.
    if (this.pendingBytes >= FLUSH_BYTES || event.kind === 'resource') this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        try {
          this.flush();
        } catch (e) {
          // Surfaced by the next append, where the engine can report it.
          this.failure = e as Error;
        }
      }, FLUSH_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined || this.pending.length === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

const CHECKPOINT_EVERY = 1024;
const CHUNK = 1 << 20;

/** Reads windows of a run log by line number without loading the file: it keeps the byte offset of every 1024th line. */
export class RunLogReader {
  /** Byte offset of lines 0, 1024, 2048, … */
  private checkpoints: number[] = [0];
  private indexedLines = 0;
  private indexedBytes = 0;

  constructor(readonly path: string) {}

  /** Complete lines in the file now (the file may still be growing). */
  count(): number {
    this.index();
    return this.indexedLines;
  }

  /** Lines `offset` … `offset + count - 1`, parsed; fewer at the end of the file. */
  read(offset: number, count: number): EngineEvent[] {
    const total = this.count();
    if (offset >= total || count <= 0) return [];
    const cp = Math.floor(offset / CHECKPOINT_EVERY);
    let line = cp * CHECKPOINT_EVERY;
    let pos = this.checkpoints[cp];
    const out: EngineEvent[] = [];
    const fd = openSync(this.path, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      const decoder = new StringDecoder('utf8');
      let carry = '';
      while (out.length < count && line < total) {
        const n = readSync(fd, buf, 0, CHUNK, pos);
        if (n === 0) break;
        pos += n;
        const text = carry + decoder.write(buf.subarray(0, n));
        let start = 0;
        for (let nl = text.indexOf('\n'); nl >= 0 && out.length < count; nl = text.indexOf('\n', start)) {
          if (line >= offset) out.push(JSON.parse(text.slice(start, nl)) as EngineEvent);
          line++;
          start = nl + 1;
        }
        carry = text.slice(start);
      }
    } finally {
      closeSync(fd);
    }
    return out;
  }

  private index(): void {
    if (!existsSync(this.path)) return;
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      const buf = Buffer.allocUnsafe(CHUNK);
      let pos = this.indexedBytes;
      while (pos < size) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
        if (n === 0) break;
        let start = 0;
        for (let nl = buf.indexOf(10, start); nl >= 0 && nl < n; nl = buf.indexOf(10, start)) {
          this.indexedLines++;
          start = nl + 1;
          if (this.indexedLines % CHECKPOINT_EVERY === 0) this.checkpoints.push(pos + start);
        }
        // Counting newlines only: a half-written last line is counted when its newline arrives.
        pos += n;
        this.indexedBytes = pos;
      }
    } finally {
      closeSync(fd);
    }
  }
}

export interface RunLogFile {
  runId: string;
  path: string;
  modified: number;
  bytes: number;
}

/** The runs in a data folder, newest first. */
export function listRuns(base: string): RunLogFile[] {
  const dir = runsDir(base);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => {
      const path = join(dir, n);
      const st = statSync(path);
      return { runId: n.slice(0, -'.jsonl'.length), path, modified: st.mtimeMs, bytes: st.size };
    })
    .sort((a, b) => b.modified - a.modified);
}

/** JSON for one log line; output events, the bulk of any log, skip the generic serializer. */
function serialize(e: EngineEvent): string {
  if (e.kind === 'output' && e.component === undefined) {
    return `{"kind":"output","time":${e.time},"build":${JSON.stringify(e.build)},"stream":"${e.stream}","line":${JSON.stringify(e.line)}}\n`;
  }
  return `${JSON.stringify(e)}\n`;
}
