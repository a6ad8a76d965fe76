/**
 * Renders engine events as Packer prints them: `==> build: …` lines in a colour per build, the final
 * "Builds finished" summary, or -machine-readable lines.
 */
import { humanDuration } from '../../engine/durations';
import type { ArtifactSummary, EngineEvent } from '../../engine/events';
import { BUILD_COLORS, paint, RED } from './colors';
import { machineLine } from './machine-readable';

export interface RendererOptions {
  write(text: string): void;
  color: boolean;
  machineReadable: boolean;
  /** -timestamp-ui: prefix each line with an RFC 3339 time. */
  timestamps: boolean;
  /** PACKER_LOG is set: also show the detail plugins keep for the run log (level `log`). */
  verbose?: boolean;
}

interface BuildRecord {
  color: number;
  artifacts: ArtifactSummary[];
  error?: string;
}

export class PackerRenderer {
  private readonly builds = new Map<string, BuildRecord>();
  private order: string[] = [];

  constructor(private readonly opts: RendererOptions) {}

  handle(e: EngineEvent): void {
    switch (e.kind) {
      case 'run-started':
        this.order = e.builds;
        e.builds.forEach((b, i) => this.builds.set(b, { color: BUILD_COLORS[i % BUILD_COLORS.length], artifacts: [] }));
        if (this.opts.color && !this.opts.machineReadable && e.builds.length > 0) {
          for (const b of e.builds) this.line(paint(`${b}: output will be in this color.`, this.colorOf(b), true, true), e);
          this.line('', e);
        }
        return;
      case 'message':
        if (e.level === 'log' && !this.opts.verbose) return;
        if (e.level === 'say') this.say(e.component ?? e.build, e.text, e);
        else this.message(e.component ?? e.build, e.text, e);
        return;
      case 'output':
        if (e.stream === 'stdout') this.message(e.component ?? e.build, e.line, e);
        else this.error(e.component ?? e.build, e.line, e, e.build);
        return;
      case 'error':
        this.error(e.component ?? e.build, e.text, e, e.build);
        return;
      case 'prompt':
        this.say(e.build, e.text, e);
        return;
      case 'left-behind':
        this.error(e.build, 'Left behind because of -on-error (remove by hand):', e, e.build);
        for (const r of e.resources) this.error(e.build, `  ${r.description}${r.howToRemove ? ` — remove with: ${r.howToRemove}` : ''}`, e, e.build);
        return;
      case 'build-finished': {
        const rec = this.record(e.build);
        const took = humanDuration(e.durationMs);
        if (e.result === 'succeeded') {
          rec.artifacts = e.artifacts;
          this.ui('say', paint(`Build '${e.build}' finished after ${took}.`, this.colorOf(e.build), true, this.opts.color), e);
        } else {
          rec.error = e.error ?? 'Build failed.';
          this.ui('error', paint(`Build '${e.build}' errored after ${took}: ${rec.error}`, RED, true, this.opts.color), e);
        }
        return;
      }
      case 'run-finished':
        this.summary(e);
        return;
      default:
        return;
    }
  }

  private summary(e: EngineEvent & { kind: 'run-finished' }): void {
    this.ui('say', `\n==> Wait completed after ${humanDuration(e.durationMs)}`, e);
    const failed = this.order.filter((b) => this.builds.get(b)?.error !== undefined);
    if (failed.length > 0) {
      if (this.opts.machineReadable) this.opts.write(machineLine('', 'error-count', [String(failed.length)], e.time));
      this.ui('error', "\n==> Some builds didn't complete successfully and had errors:", e);
      for (const b of failed) {
        const err = this.builds.get(b)!.error!;
        if (this.opts.machineReadable) this.opts.write(machineLine(b, 'error', [err], e.time));
        this.ui('error', `--> ${b}: ${err}`, e);
      }
    }
    const withArtifacts = this.order.filter((b) => (this.builds.get(b)?.artifacts.length ?? 0) > 0);
    if (withArtifacts.length === 0) {
      this.ui('say', '\n==> Builds finished but no artifacts were created.', e);
      return;
    }
    this.ui('say', '\n==> Builds finished. The artifacts of successful builds are:', e);
    for (const b of withArtifacts) {
      const artifacts = this.builds.get(b)!.artifacts;
      if (this.opts.machineReadable) this.opts.write(machineLine(b, 'artifact-count', [String(artifacts.length)], e.time));
      artifacts.forEach((a, i) => {
        if (this.opts.machineReadable) {
          const n = String(i);
          const w = (...data: string[]) => this.opts.write(machineLine(b, 'artifact', [n, ...data], e.time));
          w('builder-id', a.builderId);
          w('id', a.id);
          w('string', a.text);
          w('files-count', String(a.files.length));
          a.files.forEach((f, j) => w('file', String(j), f));
          w('end');
        }
        this.ui('say', `--> ${b}: ${a.text}`, e);
      });
    }
  }

  private record(build: string): BuildRecord {
    let rec = this.builds.get(build);
    if (!rec) {
      rec = { color: BUILD_COLORS[this.builds.size % BUILD_COLORS.length], artifacts: [] };
      this.builds.set(build, rec);
      this.order.push(build);
    }
    return rec;
  }

  private colorOf(build: string): number {
    return this.record(build).color;
  }

  private say(target: string, text: string, e: EngineEvent): void {
    this.ui('say', text.split('\n').map((l) => paint(`==> ${target}: ${l}`, this.colorOf(e.build), true, this.opts.color)).join('\n'), e);
  }

  private message(target: string, text: string, e: EngineEvent): void {
    this.ui('message', text.split('\n').map((l) => paint(`    ${target}: ${l}`, this.colorOf(e.build), false, this.opts.color)).join('\n'), e);
  }

  private error(target: string, text: string, e: EngineEvent, build: string): void {
    this.record(build);
    this.ui('error', text.split('\n').map((l) => paint(`==> ${target}: ${l}`, RED, true, this.opts.color)).join('\n'), e);
  }

  private ui(type: 'say' | 'message' | 'error', text: string, e: EngineEvent): void {
    if (this.opts.machineReadable) {
      this.opts.write(machineLine('', 'ui', [type, text], e.time));
      return;
    }
    this.line(text, e);
  }

  private line(text: string, e: EngineEvent): void {
    const stamp = this.opts.timestamps ? `${new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z')}: ` : '';
    this.opts.write(`${stamp}${text}\n`);
  }
}
