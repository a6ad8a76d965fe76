/** The templates service: open, save, analyze and format the text the editor holds. */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ok } from '../common/result';
import { failure, type Result } from '../contract/result';
import type { OpenedTemplate, TemplateAnalysis, TemplateDiagnostics, TemplateFileText } from '../contract/types';
import { createMasker, SENSITIVE } from '../engine/mask';
import { writeFileAtomic } from '../files/atomic-write';
import { formatHcl } from '../template/hcl/fmt';
import { loadTemplateFiles, templateFiles } from '../template/load';
import type { LoadResult } from '../template/model';
import { formatValue } from '../template/values/format';
import { typeString } from '../template/values/type';
import type { AppDataDir } from './data-dir';
import { blockRangesOf, pipelineGraph } from './graph';
import type { PathResolver } from './paths';

/** How long a load may answer a second request for the same text (the graph asked for after the diagnostics). */
const LOAD_REUSE_MS = 3_000;

export interface TemplateServiceOptions {
  data: AppDataDir;
  env: Record<string, string | undefined>;
  resolvePath: PathResolver;
  /** The app's bundled examples (`<app>/resources/examples`): opened as the user's own copy in the data folder. */
  appExamples?: string;
}

export class TemplateService {
  private lastLoad?: { root: string; files: TemplateFileText[]; vars: Array<[string, string]>; loaded: LoadResult; at: number };

  constructor(private readonly opts: TemplateServiceOptions) {}

  open(path: string): Result<OpenedTemplate> {
    const resolved = this.opts.resolvePath(path);
    const copy = this.ownCopy(resolved);
    if (!copy.ok) return copy;
    const full = copy.value;
    const found = templateFiles(full);
    if (!found.ok) return failure('not-found', `${found.error.summary}: ${found.error.detail}`);
    const files: TemplateFileText[] = [];
    for (const filename of found.value.files) {
      try {
        files.push({ filename, text: readFileSync(filename, 'utf8') });
      } catch (e) {
        return failure('io', `Could not read ${filename}: ${(e as Error).message}`);
      }
    }
    this.opts.data.addRecentFile(full);
    return ok({ path: full, root: found.value.root, format: found.value.format, files });
  }

  /**
   * A bundled example is opened as a copy in the data folder: the app's own folder may be read-only (a packaged app), and
   * a build writes its outputs (the example's manifest.json) next to the template. An existing copy keeps the user's edits.
   */
  private ownCopy(full: string): Result<string> {
    const examples = this.opts.appExamples;
    if (!examples || !full.startsWith(examples + sep)) return ok(full);
    const [name, ...rest] = relative(examples, full).split(sep);
    const dest = join(this.opts.data.path, 'examples', name);
    if (!existsSync(dest)) {
      // Copied aside, then renamed into place, so a half-made copy is never opened as the example.
      const temp = `${dest}.partial-${process.pid}`;
      try {
        mkdirSync(join(this.opts.data.path, 'examples'), { recursive: true });
        cpSync(join(examples, name), temp, { recursive: true });
        renameSync(temp, dest);
      } catch (e) {
        rmSync(temp, { recursive: true, force: true });
        return failure('io', `Could not copy the example ${name} to ${dest}: ${(e as Error).message}`);
      }
    }
    return ok(join(dest, ...rest));
  }

  save(filename: string, text: string): Result<{ filename: string }> {
    const full = this.opts.resolvePath(filename);
    try {
      writeFileAtomic(full, text);
    } catch (e) {
      return failure('io', `Could not save ${full}: ${(e as Error).message}`);
    }
    return ok({ filename: full });
  }

  analyze(root: string, files: TemplateFileText[], vars: Array<[string, string]> = []): Result<TemplateAnalysis> {
    const loaded = this.loadCached(root, files, vars);
    const analysis: TemplateAnalysis = {
      ...this.summary(loaded),
      graph: pipelineGraph(loaded.model, loaded.diagnostics, blockRangesOf(files)),
    };
    // A message may quote a secret's value (a failed check of a password's length): the renderer never sees it.
    return ok(createMasker(loaded.model?.sensitiveStrings ?? []).deep(analysis));
  }

  /** The analysis without the graph: no block ranges, no graph nodes, a small answer. */
  diagnostics(root: string, files: TemplateFileText[], vars: Array<[string, string]> = []): Result<TemplateDiagnostics> {
    const loaded = this.loadCached(root, files, vars);
    return ok(createMasker(loaded.model?.sensitiveStrings ?? []).deep(this.summary(loaded)));
  }

  private summary(loaded: LoadResult): TemplateDiagnostics {
    const model = loaded.model;
    return {
      diagnostics: loaded.diagnostics,
      builds: model ? model.builds.flatMap((b) => b.builds.map((p) => p.name)) : [],
      variables: (model?.variables ?? []).map((v) => ({
        name: v.name,
        type: typeString(v.type),
        description: v.description,
        sensitive: v.sensitive || v.value.sensitive === true,
        hasDefault: v.default !== undefined,
        value: v.sensitive || v.value.sensitive ? SENSITIVE : v.value.kind === 'unknown' ? undefined : formatValue(v.value),
      })),
    };
  }

  /**
   * The editor asks for diagnostics and then for the graph of the same text: the second answer reuses the first load
   * instead of loading the template again. Only the last text is kept, for a few seconds: a template may read other files
   * (`file()`, a var-file), so an older load could miss a change made to them on disk.
   */
  private loadCached(root: string, files: TemplateFileText[], vars: Array<[string, string]>): LoadResult {
    const last = this.lastLoad;
    const same =
      last !== undefined &&
      last.root === root &&
      last.files.length === files.length &&
      last.files.every((f, i) => f.filename === files[i].filename && f.text === files[i].text) &&
      Date.now() - last.at < LOAD_REUSE_MS &&
      JSON.stringify(last.vars) === JSON.stringify(vars);
    if (same) return last.loaded;
    const loaded = this.load(root, files, vars);
    this.lastLoad = { root, files: files.map((f) => ({ filename: f.filename, text: f.text })), vars, loaded, at: Date.now() };
    return loaded;
  }

  format(filename: string, text: string): Result<{ text: string; changed: boolean }> {
    // `packer fmt` formats HCL native syntax only; JSON files are the user's own layout.
    if (!filename.endsWith('.hcl')) return ok({ text, changed: false });
    const r = formatHcl(text, filename);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0];
      const where = first.range ? `${first.range.filename}:${first.range.start.line},${first.range.start.column}: ` : '';
      return failure('template', `Cannot format a file with syntax errors. ${where}${first.summary}${first.detail ? `; ${first.detail}` : ''}`);
    }
    return ok({ text: r.text, changed: r.changed });
  }

  /** Loads editor buffers as `validate` would load the files, relative paths starting from the template's folder. */
  load(root: string, files: TemplateFileText[], vars: Array<[string, string]> = []): LoadResult {
    // As `packer validate` does: data sources are checked, not run, so typing never sends a request.
    return loadTemplateFiles(files, root, { vars, env: this.opts.env, cwd: root, dataSources: 'skip' });
  }
}
