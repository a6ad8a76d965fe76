/**
 * Reads a template from disk — a directory, an HCL2 file or a legacy JSON file — and hands it to the loader for its format,
 * as `packer` decides: a directory or a `.pkr.hcl`/`.pkr.json` file is HCL2, anything else is legacy JSON.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { err, ok, type Result } from '../common/result';
import { dataSourceType } from '../datasources/registry';
import { downloadChecksumFile } from '../downloads/checksum-file';
import { loadLegacyTemplateText } from './legacy/load';
import type { TemplateFormat } from '../common/template';
import type { LoadOptions, LoadResult } from './model';
import { loadHclTemplateFiles } from './packer/load';
import { error } from './source';

export interface TemplateFile {
  filename: string;
  text: string;
}

const HCL_TEMPLATE = /\.pkr\.(hcl|json)$/;
const AUTO_VARS = /\.auto\.pkrvars\.(hcl|json)$/;

export function isHclTemplatePath(path: string): boolean {
  return HCL_TEMPLATE.test(path) || AUTO_VARS.test(path);
}

export interface TemplateFileSet {
  files: string[];
  root: string;
  format: TemplateFormat;
}

/** Which files make up the template at `path`, or why there are none (a diagnostic's summary and detail). */
export function templateFiles(path: string): Result<TemplateFileSet, { summary: string; detail: string }> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    return err({ summary: `Template not found: ${path}`, detail: (e as Error).message });
  }
  if (isDir) {
    const names = readdirSync(path)
      .filter((n) => (HCL_TEMPLATE.test(n) && !AUTO_VARS.test(n)) || AUTO_VARS.test(n))
      .sort();
    if (!names.some((n) => HCL_TEMPLATE.test(n) && !AUTO_VARS.test(n))) {
      return err({
        summary: `Could not find any config file in ${path}`,
        detail: 'A config file must be suffixed with `.pkr.hcl` or `.pkr.json`. A folder can be referenced.',
      });
    }
    return ok({ files: names.map((n) => join(path, n)), root: path, format: 'hcl2' });
  }
  return ok({ files: [path], root: dirname(path), format: HCL_TEMPLATE.test(path) ? 'hcl2' : 'json' });
}

export function loadTemplate(path: string, opts: LoadOptions = {}): LoadResult {
  const read = readTemplate(path);
  return read.ok ? loadTemplateFiles(read.value.files, read.value.root, opts) : read.error;
}

/** The template's files and root, or the result that says why they could not be read. */
function readTemplate(path: string): Result<{ files: TemplateFile[]; root: string }, LoadResult> {
  const found = templateFiles(path);
  if (!found.ok) return err({ diagnostics: [error(found.error.summary, found.error.detail)], sources: {} });
  const files: TemplateFile[] = [];
  for (const filename of found.value.files) {
    try {
      files.push({ filename, text: readFileSync(filename, 'utf8') });
    } catch (e) {
      return err({ diagnostics: [error(`Failed to read ${filename}`, (e as Error).message)], sources: {} });
    }
  }
  return ok({ files, root: found.value.root });
}

/** Loads a template from texts already in memory (the editor's open buffers, tests). */
export function loadTemplateFiles(files: TemplateFile[], root: string, opts: LoadOptions = {}): LoadResult {
  const hcl = files.some((f) => isHclTemplatePath(f.filename));
  if (hcl) return loadHclTemplateFiles(files, { ...opts, root });
  if (files.length !== 1) {
    return { diagnostics: [error('A legacy JSON template is a single file', `Got ${files.map((f) => basename(f.filename)).join(', ')}.`)], sources: {} };
  }
  return loadLegacyTemplateText(files[0].text, files[0].filename, opts);
}

/**
 * Loads a template and runs what it needs from outside, as `packer build`, `inspect` and `console` do: the data sources
 * that reach outside (http, amazon-*), and, when `checksumFiles: 'fetch'` (validate, build), the checksum files builders'
 * Prepare downloads. The loader evaluates what it can and names what it needs; the data sources run (side by side, as
 * their dependencies allow) and the checksum files are fetched, and the template loads again with their results, until
 * nothing is left. Each data source run is one load deeper in the graph, so a chain of n http data sources loads n + 1
 * times; every load is in memory and takes milliseconds.
 */
export async function loadTemplateRunningDataSources(path: string, opts: LoadOptions = {}, signal?: AbortSignal): Promise<LoadResult> {
  const read = readTemplate(path);
  return read.ok ? loadTemplateFilesRunningDataSources(read.value.files, read.value.root, opts, signal) : read.error;
}

/** loadTemplateFiles, running what reaches outside: see loadTemplateRunningDataSources. */
export async function loadTemplateFilesRunningDataSources(files: TemplateFile[], root: string, opts: LoadOptions = {}, signal?: AbortSignal): Promise<LoadResult> {
  const results = new Map(opts.dataResults ?? []);
  const checksumFiles = new Map(opts.checksumFileResults ?? []);
  for (;;) {
    const loaded = loadTemplateFiles(files, root, { ...opts, dataResults: results, checksumFileResults: checksumFiles });
    const pending = (loaded.pendingDataSources ?? []).filter((p) => !results.has(p.key));
    const fetches = (loaded.pendingChecksumFiles ?? []).filter((url) => !checksumFiles.has(url));
    if ((pending.length === 0 && fetches.length === 0) || signal?.aborted) return loaded;
    await Promise.all([
      ...pending.map(async (p) => {
        const run = dataSourceType(p.type)?.run;
        const config = opts.completeDataSource ? opts.completeDataSource(p, p.config) : p.config;
        results.set(p.key, run?.kind === 'io' ? await run.run(config, signal, opts.env ?? process.env) : err(`data source type ${p.type} does not run outside the loader`));
      }),
      ...fetches.map(async (url) => checksumFiles.set(url, await downloadChecksumFile(url, opts.cwd ?? process.cwd(), signal))),
    ]);
  }
}
