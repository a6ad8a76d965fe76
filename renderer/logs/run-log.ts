/**
 * A run's log lines in the renderer: plain arrays outside React state (a million lines must not go through a store),
 * indexed by event sequence number. Live batches fill it; holes (a late join, a dropped batch) are read back by window
 * with `builds.readLog`. A filter keeps an index of the lines it shows, grown as lines arrive.
 */
import type { LogLine } from '../../core/contract/types';
import { stripAnsi } from './ansi';

export type Stream = LogLine['stream'];
export const STREAMS: Stream[] = ['stdout', 'stderr', 'say', 'message', 'error'];

export interface LogFilter {
  streams?: ReadonlySet<Stream>;
  step?: string;
  build?: string;
}

/** Reads a window of lines from the host (builds.readLog). */
export type LogWindowReader = (offset: number, count: number) => Promise<{ lines: LogLine[]; total: number } | undefined>;

export const WINDOW = 1000;

export class RunLog {
  private texts: (string | undefined)[] = [];
  private streams = new Uint8Array(1024);
  private buildIds = new Uint16Array(1024);
  private stepIds = new Uint16Array(1024);
  private times = new Float64Array(1024);
  private builds = [''];
  private steps = [''];
  private currentStep = new Map<string, number>();
  private filter: LogFilter = {};
  private view: number[] | null = null;
  private inFlight = new Set<number>();
  private listeners = new Set<() => void>();
  /** Number of lines known to exist (loaded or not). */
  total = 0;
  /** Bumped on every change, so views know to redraw. */
  version = 0;

  constructor(private readonly reader?: LogWindowReader) {}

  /** Adds lines numbered from `firstSeq`; any gap before them is left as a hole to read back later. */
  append(firstSeq: number, lines: readonly LogLine[]): void {
    const end = firstSeq + lines.length;
    this.grow(end);
    for (let i = 0; i < lines.length; i++) this.put(firstSeq + i, lines[i], true);
    const before = this.total;
    if (end > this.total) this.total = end;
    if (this.view) for (let s = Math.max(before, firstSeq); s < end; s++) if (this.matches(s)) this.view.push(s);
    this.changed();
  }

  /** How many rows the viewer shows (filtered or not). */
  get rowCount(): number {
    return this.view ? this.view.length : this.total;
  }

  /** The sequence number of row `row`. */
  seqAt(row: number): number {
    return this.view ? this.view[row] : row;
  }

  /** The row showing `seq`, or the nearest row after it. */
  rowOf(seq: number): number {
    if (!this.view) return seq;
    let lo = 0;
    let hi = this.view.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.view[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  line(seq: number): LogLine | undefined {
    const text = this.texts[seq];
    if (text === undefined) return undefined;
    const step = this.steps[this.stepIds[seq]];
    return { seq, time: this.times[seq], build: this.builds[this.buildIds[seq]], stream: STREAMS[this.streams[seq]], text, ...(step ? { step } : {}) };
  }

  isLoaded(seq: number): boolean {
    return this.texts[seq] !== undefined;
  }

  /** Reads the holes among rows [from, to) from the host, a window at a time. */
  ensure(fromRow: number, toRow: number): void {
    if (!this.reader || this.view) return;
    for (let w = Math.floor(fromRow / WINDOW) * WINDOW; w < Math.min(toRow, this.total); w += WINDOW) {
      if (this.inFlight.has(w)) continue;
      let hole = false;
      for (let s = w; s < Math.min(w + WINDOW, this.total); s++) if (this.texts[s] === undefined) {
        hole = true;
        break;
      }
      if (!hole) continue;
      this.inFlight.add(w);
      void this.reader(w, WINDOW).then((r) => {
        this.inFlight.delete(w);
        if (!r) return;
        this.grow(w + r.lines.length);
        for (const l of r.lines) if (this.texts[l.seq] === undefined) this.put(l.seq, l, false);
        if (r.total > this.total) this.total = r.total;
        this.changed();
      });
    }
  }

  /** Makes the whole log known: the total from the host, lines read as they come into view. */
  async loadTotal(): Promise<void> {
    if (!this.reader) return;
    const r = await this.reader(0, 1);
    if (r && r.total > this.total) {
      this.total = r.total;
      this.grow(this.total);
      this.changed();
    }
  }

  setFilter(filter: LogFilter): void {
    this.filter = filter;
    const active = (filter.streams && filter.streams.size < STREAMS.length) || filter.step || filter.build;
    if (!active) this.view = null;
    else {
      const view: number[] = [];
      for (let s = 0; s < this.total; s++) if (this.matches(s)) view.push(s);
      this.view = view;
    }
    this.changed();
  }

  /** Rows whose text contains `query` (case-insensitive), in order. */
  search(query: string, limit = 100_000): number[] {
    const q = query.toLowerCase();
    const out: number[] = [];
    if (!q) return out;
    for (let row = 0; row < this.rowCount && out.length < limit; row++) {
      const t = this.texts[this.seqAt(row)];
      if (t !== undefined && t.toLowerCase().includes(q)) out.push(row);
    }
    return out;
  }

  /** The first row showing an error line, or -1. */
  firstErrorRow(): number {
    const err = STREAMS.indexOf('error');
    for (let row = 0; row < this.rowCount; row++) {
      const s = this.seqAt(row);
      if (this.texts[s] !== undefined && this.streams[s] === err) return row;
    }
    return -1;
  }

  /** The shown lines as plain text, for copy and save. */
  plainText(): string {
    const out: string[] = [];
    for (let row = 0; row < this.rowCount; row++) {
      const l = this.line(this.seqAt(row));
      if (l) out.push(`${l.build ? `${l.build}: ` : ''}${stripAnsi(l.text)}`);
    }
    return out.join('\n') + '\n';
  }

  stepNames(): string[] {
    return this.steps.slice(1);
  }

  buildNames(): string[] {
    return this.builds.filter((b) => b !== '');
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private matches(seq: number): boolean {
    if (this.texts[seq] === undefined) return false;
    const f = this.filter;
    if (f.streams && !f.streams.has(STREAMS[this.streams[seq]])) return false;
    if (f.step && this.steps[this.stepIds[seq]] !== f.step) return false;
    if (f.build && this.builds[this.buildIds[seq]] !== f.build) return false;
    return true;
  }

  private put(seq: number, l: LogLine, live: boolean): void {
    this.texts[seq] = l.text;
    this.streams[seq] = Math.max(0, STREAMS.indexOf(l.stream));
    this.times[seq] = l.time;
    this.buildIds[seq] = intern(this.builds, l.build);
    let step = l.step ? intern(this.steps, l.step) : (this.currentStep.get(l.build) ?? 0);
    // Output between a step's start and finish belongs to that step, so the step filter shows it.
    if (live && l.step && l.text.endsWith(' started')) this.currentStep.set(l.build, step);
    else if (live && l.step) this.currentStep.delete(l.build);
    if (!live && !l.step) step = 0;
    this.stepIds[seq] = step;
  }

  private grow(size: number): void {
    if (size <= this.streams.length) return;
    let cap = this.streams.length;
    while (cap < size) cap *= 2;
    const g = <T extends Uint8Array | Uint16Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.streams = g(this.streams, (n) => new Uint8Array(n));
    this.buildIds = g(this.buildIds, (n) => new Uint16Array(n));
    this.stepIds = g(this.stepIds, (n) => new Uint16Array(n));
    this.times = g(this.times, (n) => new Float64Array(n));
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

function intern(list: string[], name: string): number {
  const i = list.indexOf(name);
  if (i >= 0) return i;
  list.push(name);
  return list.length - 1;
}
