/**
 * Loads a legacy JSON template into the same TemplateModel as HCL2, following Packer 1.6.6:
 * variables and their precedence, builders (one build each), provisioners with only/except/override,
 * post-processors in their three forms, and Go-template interpolation of every string.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { checksumFilesOf } from '../checksum-files';
import { emptyTemplateModel, type BuildModel, type LoadOptions, type LoadResult, type PlannedBuild, type PostProcessorModel, type SourceModel } from '../model';
import { error, hasErrors, warning, type Diagnostic } from '../source';
import { didYouMean } from '../suggest';
import { PACKER_COMPAT_VERSION } from '../../version';
import { ConfigEvaluator } from './config';
import type { FunctionContext } from './functions';
import { interpolateString } from './interpolate';
import { matchesAny } from './glob';
import { kindName, parseJson, prop, type JsonProp } from './json';
import { readBuilders, readPostProcessors, readProvisioner, readProvisioners } from './sections';
import { validateConfig } from './validate';
import { resolveVariables } from './variables';
import { compareVersions, parseVersion } from './version';

const LEGACY_JSON_HINT =
  'This file is read as a legacy JSON template: if you are using an HCL template, check your file extensions; they should be either *.pkr.hcl or *.pkr.json.';

const ROOT_KEYS = ['min_packer_version', 'description', 'builders', 'comments', 'push', 'post-processors', 'provisioners', 'error-cleanup-provisioner', 'variables', 'sensitive-variables'];

export function loadLegacyTemplateText(text: string, filename: string, opts: LoadOptions): LoadResult {
  const sources: Record<string, string> = { [filename]: text };
  const cwd = opts.cwd ?? process.cwd();
  const absFile = resolvePath(cwd, filename);
  const model = emptyTemplateModel('json', dirname(absFile), [filename]);
  const parsed = parseJson(text, filename);
  // Packer 1.14 adds this hint to every legacy JSON parse failure: the usual cause is an HCL2 file named without .pkr.
  const diagnostics: Diagnostic[] = parsed.diagnostics.map((d) => (d.severity === 'error' ? { ...d, detail: `${d.detail ? `${d.detail} ` : ''}${LEGACY_JSON_HINT}` } : d));
  const doc = parsed.doc;
  const root = doc.root;
  if (!root || diagnostics.length > 0) return { model, diagnostics, sources };
  if (root.kind !== 'object') {
    diagnostics.push(error('Invalid template', `A legacy template is a JSON object, not ${kindName(root)}.`, root.range));
    return { model, diagnostics, sources };
  }

  for (const p of root.props) {
    if (ROOT_KEYS.includes(p.key)) continue;
    if (p.key.startsWith('_')) {
      if (p.value.kind !== 'string') diagnostics.push(error(`Invalid comment "${p.key}"`, `A root-level comment key must hold a string, not ${kindName(p.value)}.`, p.value.range));
      continue;
    }
    diagnostics.push(
      error(`Unknown root level key in template: '${p.key}'`, `Packer does not know this key.${didYouMean(p.key, ROOT_KEYS)} Keys starting with "_" are comments.`, p.keyRange),
    );
  }

  const now = new Date();
  const base = { env: opts.env ?? process.env, now, templateDir: model.root, cwd };
  const vars = resolveVariables(doc, {
    variables: prop(root, 'variables')?.value,
    sensitive: prop(root, 'sensitive-variables')?.value,
    vars: opts.vars ?? [],
    varFiles: opts.varFiles ?? [],
    base,
  });
  Object.assign(sources, vars.sources);
  diagnostics.push(...vars.diagnostics);
  // What Packer checks only after parsing (skipped by `validate -syntax-only`).
  const checks: Diagnostic[] = [...vars.valueDiagnostics];
  model.variables = vars.models;
  model.sensitiveStrings = vars.sensitiveStrings;

  const minVersion = prop(root, 'min_packer_version');
  if (minVersion) checkMinVersion(minVersion, checks);
  const description = prop(root, 'description');
  if (description && description.value.kind !== 'string') {
    diagnostics.push(error('Invalid "description"', `"description" must be a string, not ${kindName(description.value)}.`, description.value.range));
  }
  if (prop(root, 'push')) diagnostics.push(warning('"push" is ignored', 'The "push" section is no longer supported by Packer and has no effect.', prop(root, 'push')!.keyRange));

  const declaredNames = new Set(vars.models.map((v) => v.name));
  const ctxFor = (extra: Partial<FunctionContext>): FunctionContext => ({
    ...base,
    inVariables: false,
    // A declared variable left unset is already reported as unset; reading it is not a second error.
    user: (name) => vars.values.get(name) ?? (declaredNames.has(name) ? '' : undefined),
    userNames: () => [...vars.values.keys()],
    ...extra,
  });
  // What Packer finds while preparing each build: component settings and their interpolation.
  const prepare: Diagnostic[] = [];
  const evaluator = new ConfigEvaluator(doc, model.sensitiveStrings, prepare, opts.cwd);

  const builders = readBuilders(root, diagnostics, (s) => {
    const r = interpolateString(doc, s, ctxFor({}));
    checks.push(...r.diagnostics);
    return r.value;
  });
  const builderNames = new Set(builders.map((b) => b.name));
  const phases = { parse: diagnostics, checks };
  const provisioners = readProvisioners(prop(root, 'provisioners'), builderNames, phases);
  const cleanupProp = prop(root, 'error-cleanup-provisioner');
  const cleanup = cleanupProp ? readProvisioner(cleanupProp.value, 'error-cleanup-provisioner', builderNames, phases) : undefined;
  const chains = readPostProcessors(prop(root, 'post-processors'), builderNames, phases);

  if (prop(root, 'builders') && builders.length === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    checks.push(error('at least one builder must be defined', 'The "builders" list is empty.', prop(root, 'builders')!.value.range));
  } else if (!prop(root, 'builders')) {
    checks.push(error('at least one builder must be defined', 'Add a "builders" list.', root.range));
  }
  if (opts.syntaxOnly) return { model, diagnostics: dedupe(diagnostics), sources };
  // Packer prepares builders for validate and build, and an ISO builder's Prepare downloads a `file:` checksum.
  const checksumFiles = checksumFilesOf(opts);

  const build: BuildModel = {
    description: description?.value.kind === 'string' ? description.value.value : undefined,
    range: root.range,
    builds: [],
  };
  for (const b of [...builders].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))) {
    const ctx = ctxFor({ buildName: b.name, buildType: b.type, builderType: b.type });
    const evaluated = evaluator.config(b.node, ctx, new Set(['type', 'name']));
    const config = opts.completeBuilder ? opts.completeBuilder({ name: b.name, type: b.type, sourceName: b.name }, evaluated) : evaluated;
    validateConfig('builder', b.type, config, b.node.range, b.node, prepare, { filesCwd: opts.cwd, fetched: checksumFiles.fetched });
    const source: SourceModel = { type: b.type, name: b.name, range: b.node.range, config };
    model.sources.push(source);
    if (opts.only?.length && !matchesAny(b.name, opts.only)) continue;
    if (opts.except?.length && matchesAny(b.name, opts.except)) continue;
    const buildCtx = ctxFor({ buildName: b.name, buildType: b.type });
    const planned: PlannedBuild = {
      name: b.name,
      type: b.type,
      sourceName: b.name,
      builder: config,
      provisioners: provisioners.filter((p) => !skip(p, b.name)).map((p) => evaluator.provisioner(p, b.name, buildCtx)),
      errorCleanupProvisioner: cleanup ? evaluator.provisioner(cleanup, b.name, buildCtx) : undefined,
      postProcessors: [],
      range: b.node.range,
    };
    for (const chain of chains) {
      const current: PostProcessorModel[] = [];
      for (const pp of chain) {
        if (skip(pp, b.name)) continue;
        // Packer's -except also names post-processors: naming one drops it and the rest of its chain.
        if (opts.except?.some((e) => e !== '' && e === pp.name)) break;
        current.push(evaluator.postProcessor(pp, buildCtx));
      }
      if (current.length > 0) planned.postProcessors.push(current);
    }
    build.builds.push(planned);
  }
  model.builds.push(build);
  const pendingChecksumFiles = checksumFiles.pending.length ? { pendingChecksumFiles: checksumFiles.pending } : {};
  return { model, diagnostics: dedupe(staged(diagnostics, checks, prepare)), sources, ...pendingChecksumFiles };
}

/**
 * Packer stops at the first phase that fails — parsing, then validating the template, then preparing builds —
 * so later problems, often consequences of earlier ones, are not reported until those are fixed.
 */
function staged(parse: Diagnostic[], checks: Diagnostic[], prepare: Diagnostic[]): Diagnostic[] {
  if (hasErrors(parse)) return parse;
  if (hasErrors(checks)) return [...parse, ...checks];
  return [...parse, ...checks, ...prepare];
}

function skip(x: { only: string[]; except: string[] }, name: string): boolean {
  if (x.only.length > 0) return !x.only.includes(name);
  return x.except.includes(name);
}

function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const key = `${d.severity}|${d.summary}|${d.detail ?? ''}|${d.range ? `${d.range.filename}:${d.range.start.byte}-${d.range.end.byte}` : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkMinVersion(p: JsonProp, diagnostics: Diagnostic[]): void {
  if (p.value.kind !== 'string') {
    diagnostics.push(error('Invalid "min_packer_version"', `"min_packer_version" must be a version string such as "1.5.0", not ${kindName(p.value)}.`, p.value.range));
    return;
  }
  const wanted = parseVersion(p.value.value);
  if (!wanted) {
    diagnostics.push(error('Invalid "min_packer_version"', `Malformed version: ${p.value.value}`, p.value.range));
    return;
  }
  const actual = parseVersion(PACKER_COMPAT_VERSION)!;
  if (compareVersions(actual, wanted) < 0) {
    diagnostics.push(
      error(
        `This template requires Packer version ${p.value.value} or higher; using ${PACKER_COMPAT_VERSION}`,
        `Bakehouse follows Packer ${PACKER_COMPAT_VERSION}.`,
        p.value.range,
      ),
    );
  }
}

