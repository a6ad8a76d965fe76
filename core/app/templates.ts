/** The templates service: open, save, analyze and format the text the editor holds. */
import { readFileSync } from 'node:fs';
import { failure, success, type Result } from '../contract/result';
import type { OpenedTemplate, TemplateAnalysis, TemplateFileText } from '../contract/types';
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

export interface TemplateServiceOptions {
  data: AppDataDir;
  env: Record<string, string | undefined>;
  resolvePath: PathResolver;
}

export class TemplateService {
  constructor(private readonly opts: TemplateServiceOptions) {}

  open(path: string): Result<OpenedTemplate> {
    const full = this.opts.resolvePath(path);
    const found = templateFiles(full);
    if (!found.ok) return failure('not-found', `${found.summary}: ${found.detail}`);
    const files: TemplateFileText[] = [];
    for (const filename of found.files) {
      try {
        files.push({ filename, text: readFileSync(filename, 'utf8') });
      } catch (e) {
        return failure('io', `Could not read ${filename}: ${(e as Error).message}`);
      }
    }
    this.opts.data.addRecentFile(full);
    return success({ path: full, root: found.root, format: found.format, files });
  }

  save(filename: string, text: string): Result<{ filename: string }> {
    const full = this.opts.resolvePath(filename);
    try {
      writeFileAtomic(full, text);
    } catch (e) {
      return failure('io', `Could not save ${full}: ${(e as Error).message}`);
    }
    return success({ filename: full });
  }

  analyze(root: string, files: TemplateFileText[], vars: Array<[string, string]> = []): Result<TemplateAnalysis> {
    const loaded = this.load(root, files, vars);
    const model = loaded.model;
    const analysis: TemplateAnalysis = {
      diagnostics: loaded.diagnostics,
      graph: pipelineGraph(model, loaded.diagnostics, blockRangesOf(files)),
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
    // A message may quote a secret's value (a failed check of a password's length): the renderer never sees it.
    return success(createMasker(model?.sensitiveStrings ?? []).deep(analysis));
  }

  format(filename: string, text: string): Result<{ text: string; changed: boolean }> {
    // `packer fmt` formats HCL native syntax only; JSON files are the user's own layout.
    if (!filename.endsWith('.hcl')) return success({ text, changed: false });
    const r = formatHcl(text, filename);
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      const first = errors[0];
      const where = first.range ? `${first.range.filename}:${first.range.start.line},${first.range.start.column}: ` : '';
      return failure('template', `Cannot format a file with syntax errors. ${where}${first.summary}${first.detail ? `; ${first.detail}` : ''}`);
    }
    return success({ text: r.text, changed: r.changed });
  }

  /** Loads editor buffers as the CLI would load the files, relative paths starting from the template's folder. */
  load(root: string, files: TemplateFileText[], vars: Array<[string, string]> = []): LoadResult {
    return loadTemplateFiles(files, root, { vars, env: this.opts.env, cwd: root });
  }
}
