/**
 * The app's breakpoints: one small JSON file in the data folder (`breakpoints.json`), keyed by the template's absolute
 * path, as the credential bindings are (core/credentials/bindings.ts) — beside the template, never in it, so a template
 * shared with others carries nobody's debugging. Each is the block a graph node was drawn from.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sameBlock, STEP_KINDS, type BlockPlace } from '../common/breakpoint';
import { err, ok, type Result } from '../common/result';
import { writeFileAtomic } from '../files/atomic-write';

export const BREAKPOINTS_FILE = 'breakpoints.json';

interface BreakpointsFile {
  version: 1;
  templates: Record<string, BlockPlace[]>;
}

export class BreakpointStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, BREAKPOINTS_FILE);
  }

  get(template: string): BlockPlace[] {
    return [...(this.read().templates[template] ?? [])];
  }

  /** Replaces a template's breakpoints (the same block once); a template left with none is forgotten. */
  set(template: string, breakpoints: readonly BlockPlace[]): Result<BlockPlace[], string> {
    const unique: BlockPlace[] = [];
    for (const b of breakpoints) if (!unique.some((u) => sameBlock(u, b))) unique.push({ kind: b.kind, filename: b.filename, line: b.line, column: b.column });
    const file = this.read();
    if (unique.length === 0) delete file.templates[template];
    else file.templates[template] = unique;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
    } catch (e) {
      return err(`${this.path}: cannot save the breakpoints: ${(e as Error).message}`);
    }
    return ok(unique);
  }

  private read(): BreakpointsFile {
    if (!existsSync(this.path)) return { version: 1, templates: {} };
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      return isBreakpointsFile(parsed) ? parsed : { version: 1, templates: {} };
    } catch {
      // A damaged file is read as empty, as the app's other preferences are: the graph shows no breakpoint.
      return { version: 1, templates: {} };
    }
  }
}

function isBlockPlace(v: unknown): v is BlockPlace {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return (STEP_KINDS as readonly unknown[]).includes(b.kind) && typeof b.filename === 'string' && Number.isInteger(b.line) && Number.isInteger(b.column);
}

function isBreakpointsFile(v: unknown): v is BreakpointsFile {
  if (typeof v !== 'object' || v === null || !('templates' in v)) return false;
  const t = v.templates;
  return typeof t === 'object' && t !== null && Object.values(t).every((list: unknown) => Array.isArray(list) && list.every(isBlockPlace));
}
