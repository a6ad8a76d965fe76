import { loadHclTemplateFiles } from '../../../core/template/packer/load';
import type { LoadOptions, LoadResult, TemplateModel } from '../../../core/template/model';
import type { Diagnostic } from '../../../core/template/source';

export const ROOT = '/tmp/bakehouse-test';

/** Loads in-memory files (names relative to ROOT) with an empty environment unless one is given. */
export function load(files: Record<string, string>, opts: LoadOptions = {}): LoadResult {
  const list = Object.entries(files).map(([name, text]) => ({ filename: `${ROOT}/${name}`, text }));
  return loadHclTemplateFiles(list, { env: {}, cwd: ROOT, ...opts, root: ROOT });
}

export function modelOf(r: LoadResult): TemplateModel {
  if (!r.model) throw new Error('no model');
  return r.model;
}

export function errors(r: LoadResult): Diagnostic[] {
  return r.diagnostics.filter((d) => d.severity === 'error');
}

/** `summary @ file:line:col` for each diagnostic, for compact assertions. */
export function where(d: Diagnostic): string {
  return d.range ? `${d.summary} @ ${d.range.filename.replace(`${ROOT}/`, '')}:${d.range.start.line}:${d.range.start.column}` : d.summary;
}

export function noErrors(r: LoadResult): TemplateModel {
  const e = errors(r);
  if (e.length) throw new Error(e.map((d) => `${where(d)}: ${d.detail ?? ''}`).join('\n'));
  return modelOf(r);
}

export const DOCKER = `
source "docker" "ubuntu" {
  image  = "ubuntu:20.04"
  commit = true
}
`;
