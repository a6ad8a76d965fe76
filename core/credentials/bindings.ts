/**
 * Which credential each template's builds use, as the app's build panel sets them: one small JSON file in the data folder
 * (`credential-bindings.json`), keyed by the template's absolute path. Kept apart from the template, so a template shared
 * with others names no credential of this machine, and apart from the vault, so it holds names only, never a secret. The
 * CLI reads the same file for `usedBy` in `credentials list`.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { err, ok, type Result } from '../common/result';
import { writeFileAtomic } from '../files/atomic-write';

export const BINDINGS_FILE = 'credential-bindings.json';

export interface TemplateBindings {
  /** Build name (`example.docker.debian`) → credential name. */
  sources: Record<string, string>;
  /** A sensitive variable's name → the `secret` credential whose value it takes. */
  variables: Record<string, string>;
}

interface BindingsFile {
  version: 1;
  templates: Record<string, TemplateBindings>;
}

export class BindingStore {
  readonly path: string;

  constructor(dataDir: string) {
    this.path = join(dataDir, BINDINGS_FILE);
  }

  get(template: string): TemplateBindings {
    const found = this.read().templates[template];
    return { sources: { ...found?.sources }, variables: { ...found?.variables } };
  }

  /** Replaces a template's bindings; a template left with none is forgotten. */
  set(template: string, bindings: TemplateBindings): Result<TemplateBindings, string> {
    const file = this.read();
    const next: TemplateBindings = { sources: { ...bindings.sources }, variables: { ...bindings.variables } };
    if (Object.keys(next.sources).length === 0 && Object.keys(next.variables).length === 0) delete file.templates[template];
    else file.templates[template] = next;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`);
    } catch (e) {
      return err(`${this.path}: cannot save the credential bindings: ${(e as Error).message}`);
    }
    return ok(next);
  }

  /** The templates that bind each credential, by credential name. */
  usedBy(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [template, b] of Object.entries(this.read().templates)) {
      for (const name of new Set([...Object.values(b.sources), ...Object.values(b.variables)])) out.set(name, [...(out.get(name) ?? []), template]);
    }
    return out;
  }

  /** Forgets every binding to a credential (it was removed). */
  forget(name: string): Result<void, string> {
    for (const [template, b] of Object.entries(this.read().templates)) {
      const sources = Object.fromEntries(Object.entries(b.sources).filter(([, c]) => c !== name));
      const variables = Object.fromEntries(Object.entries(b.variables).filter(([, c]) => c !== name));
      if (Object.keys(sources).length === Object.keys(b.sources).length && Object.keys(variables).length === Object.keys(b.variables).length) continue;
      const r = this.set(template, { sources, variables });
      if (!r.ok) return r;
    }
    return ok();
  }

  private read(): BindingsFile {
    if (!existsSync(this.path)) return { version: 1, templates: {} };
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.path, 'utf8'));
      return isBindingsFile(parsed) ? parsed : { version: 1, templates: {} };
    } catch {
      // A damaged file is read as empty, as the app's other preferences are: the build panel shows nothing bound.
      return { version: 1, templates: {} };
    }
  }
}

function isNameMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isBindingsFile(v: unknown): v is BindingsFile {
  if (typeof v !== 'object' || v === null || !('templates' in v)) return false;
  const t = v.templates;
  return (
    typeof t === 'object' &&
    t !== null &&
    Object.values(t).every((b: unknown) => typeof b === 'object' && b !== null && 'sources' in b && 'variables' in b && isNameMap(b.sources) && isNameMap(b.variables))
  );
}
