/**
 * Loads an HCL2 template (its *.pkr.hcl, *.pkr.json and *.auto.pkrvars.* files, already read) into the TemplateModel,
 * in Packer's order: required_version, variables and their values from env/var files/-var, then locals and data sources
 * together in dependency order (Packer 1.14), then sources and builds.
 * A model is returned even when there are errors, so the editor always has something to show.
 */
import { checksumFilesOf } from '../checksum-files';
import { childContext, type EvalContext, type FunctionTable } from '../eval/context';
import { evaluate } from '../eval/evaluate';
import { functionTable } from '../eval/functions';
import type { Block, HclFile } from '../hcl/ast';
import { parseHclFile } from '../hcl/file';
import { parseHclTemplate } from '../hcl/parser';
import { emptyTemplateModel, type LoadOptions, type LoadResult, type PendingDataSource, type TemplateModel } from '../model';
import { error, hasErrors, type Diagnostic } from '../source';
import { FunctionError } from '../functions/define';
import { isSensitiveDeep, type Value } from '../values/value';
import { readBody } from './body-read';
import { decodeBuild, planBuild, type BuildDecl, type PlanFilters } from './builds';
import { modelEvalContext, templateContext, type LoadState } from './context';
import { decodeDataBlock, type DataDecl } from './data';
import { defaultValueFunctions, templateFunctions } from './function-set';
import { compileGlob } from './glob';
import { decodeLocalBlock, decodeLocalsBlock, type LocalDecl } from './locals';
import { decodeHcpPackerRegistry, HCP_PACKER_REGISTRY } from './hcp-packer-registry';
import { decodePackerBlock } from './packer-block';
import { evaluatePrereqs } from './prereqs';
import { decodeSource } from './sources';
import { collectCliValues, collectEnvValues, collectFileValues, readVarFiles, type VarFile } from './varfiles';
import { decodeVariableBlock, decodeVariablesBlock, resolveVariable, type VariableDecl } from './variables';

const TEMPLATE_BLOCKS = [
  { type: 'packer' },
  { type: 'source', labels: ['type', 'name'] },
  { type: 'variables' },
  { type: 'variable', labels: ['name'] },
  { type: 'locals' },
  { type: 'local', labels: ['name'] },
  { type: 'data', labels: ['type', 'name'] },
  { type: 'build' },
  { type: HCP_PACKER_REGISTRY },
  // Packer 1.6.6 accepts top-level communicator blocks and ignores them.
  { type: 'communicator', labels: ['type', 'name'] },
];

const AUTO_VARS = /\.auto\.pkrvars\.(hcl|json)$/;

export function loadHclTemplateFiles(files: Array<{ filename: string; text: string }>, opts: LoadOptions & { root: string }): LoadResult {
  const diags: Diagnostic[] = [];
  const sources: Record<string, string> = {};
  const templateFiles: HclFile[] = [];
  const autoVarFiles: VarFile[] = [];
  for (const f of files) {
    sources[f.filename] = f.text;
    const parsed = parseHclFile(f.filename, f.text);
    diags.push(...parsed.diagnostics);
    if (AUTO_VARS.test(f.filename)) autoVarFiles.push({ file: parsed, source: 'auto-file' });
    else templateFiles.push(parsed);
  }
  const model = emptyTemplateModel('hcl2', opts.root, templateFiles.map((f) => f.filename));
  // After syntax errors Packer stops; we still decode what was readable so the editor has a model, but report only the syntax errors.
  let reported = hasErrors(diags) ? [...diags] : undefined;
  const pendingDataSources: PendingDataSource[] = [];
  const checksumFiles = checksumFilesOf(opts);
  let parsed = false;
  const result = (): LoadResult => ({
    model,
    diagnostics: dedupe(reported ?? diags),
    sources,
    parsed,
    ...(pendingDataSources.length ? { pendingDataSources } : {}),
    ...(checksumFiles.pending.length ? { pendingChecksumFiles: checksumFiles.pending } : {}),
  });
  if (opts.syntaxOnly) return result();

  const state: LoadState = {
    root: opts.root,
    cwd: opts.cwd ?? process.cwd(),
    ...(opts.cwd !== undefined ? { filesCwd: opts.cwd } : {}),
    env: opts.env ?? process.env,
    functions: functionTable([]),
    defaultFunctions: functionTable(defaultValueFunctions(opts.env ?? process.env), { builtins: [] }),
    variables: model.variables,
    locals: model.locals,
    diagnostics: diags,
    completeBuilder: opts.completeBuilder,
    fetched: checksumFiles.fetched,
  };
  state.functions = functionTable(templateFunctions(), { renderTemplate: (text, filename, vars) => renderTemplate(text, filename, vars, state.root, state.functions) });

  // Every file's top-level blocks, read once through the template schema (unknown block types are reported here).
  const blocks: Block[] = [];
  for (const f of templateFiles) {
    const c = readBody(f.body, { blocks: TEMPLATE_BLOCKS });
    diags.push(...c.diagnostics);
    blocks.push(...c.blocks);
  }
  const ofType = (t: string): Block[] => blocks.filter((b) => b.type === t);

  // As Packer does, an unmet required_version stops loading before anything newer can cause confusing errors.
  const versionDiags: Diagnostic[] = [];
  for (const b of ofType('packer')) decodePackerBlock(b, model.packer, state, versionDiags);
  diags.push(...versionDiags);
  if (hasErrors(versionDiags)) return result();

  const varDecls = new Map<string, VariableDecl>();
  for (const b of blocks) {
    if (b.type === 'variable') decodeVariableBlock(b, varDecls, state, diags);
    else if (b.type === 'variables') decodeVariablesBlock(b, varDecls, state, diags);
  }
  collectEnvValues(varDecls, state, diags);
  const varFiles = [...autoVarFiles];
  for (const vf of readVarFiles(opts.varFiles ?? [], diags)) {
    sources[vf.filename] = vf.text;
    const parsed = parseHclFile(vf.filename, vf.text);
    diags.push(...parsed.diagnostics);
    if (!hasErrors(parsed.diagnostics)) varFiles.push({ file: parsed, source: 'var-file' });
  }
  // Packer 1.6.6 reads every HCL var file before any JSON one.
  const ordered = [...varFiles.filter((v) => !v.file.filename.endsWith('.json')), ...varFiles.filter((v) => v.file.filename.endsWith('.json'))];
  collectFileValues(varDecls, ordered, false, diags, state);
  collectCliValues(varDecls, opts.vars ?? [], state, diags);
  // Packer 1.14 declares data sources before locals, and evaluates both together once the variables are known.
  const dataDecls = new Map<string, DataDecl>();
  for (const b of ofType('data')) decodeDataBlock(b, dataDecls, model.dataSources, diags);
  state.dataSources = model.dataSources;
  const localDecls = new Map<string, LocalDecl>();
  for (const b of blocks) {
    if (b.type === 'locals') decodeLocalsBlock(b, localDecls, diags);
    else if (b.type === 'local') decodeLocalBlock(b, localDecls, state, diags);
  }
  // Packer 1.6.6 stops when declarations or values are wrong, before checking unset variables and validation rules.
  if (!reported && hasErrors(diags)) reported = [...diags];
  parsed = !reported;

  for (const decl of varDecls.values()) model.variables.push(resolveVariable(decl, state, diags));
  const pending: PendingDataSource[] = [];
  evaluatePrereqs(localDecls, dataDecls, state, diags, { mode: opts.dataSources ?? 'run', results: opts.dataResults, pending });
  if (pending.length) pendingDataSources.push(...pending);
  model.sensitiveStrings = sensitiveStrings(model);

  // Sources and builds are decoded in file order, as Packer reports their problems.
  const buildDecls: BuildDecl[] = [];
  for (const b of blocks) {
    if (b.type === 'source') decodeSource(b, model.sources, state, diags);
    else if (b.type === 'build') {
      const d = decodeBuild(b, state, diags);
      if (d) buildDecls.push(d);
    } else if (b.type === HCP_PACKER_REGISTRY) {
      if (model.hcpPackerRegistry) {
        diags.push(error(`Only one ${HCP_PACKER_REGISTRY} is allowed`, undefined, b.typeRange));
        continue;
      }
      const registry = decodeHcpPackerRegistry(b, templateContext(state), diags);
      if (registry) model.hcpPackerRegistry = registry;
    }
  }
  const filters = buildFilters(opts, diags);
  // Packer 1.6.6 prepares builds (and so checks component configs) only when everything before went well.
  if (!reported && hasErrors(diags)) reported = [...diags];
  if (filters) for (const d of buildDecls) model.builds.push(planBuild(d, model.sources, filters, state, diags));
  if (opts.requireBuild && buildDecls.length === 0 && !hasErrors(diags)) {
    diags.push(error('Missing build block', 'A build block with one or more sources is required for executing a build.'));
  }
  // Packer 1.14 publishes with the top-level registry block when there is one (build-level ones are its older form).
  const topRegistry = model.hcpPackerRegistry;
  if (topRegistry) for (const b of model.builds) for (const planned of b.builds) planned.hcpPackerRegistry = topRegistry;
  return result();
}

function buildFilters(opts: LoadOptions, diags: Diagnostic[]): PlanFilters | undefined {
  const filters: PlanFilters = { only: [], except: [] };
  let ok = true;
  for (const [option, patterns] of [
    ['only', opts.only ?? []],
    ['except', opts.except ?? []],
  ] as const) {
    for (const p of patterns) {
      const g = compileGlob(p);
      if (g.ok) filters[option].push(g.value);
      else {
        diags.push(error(`Invalid -${option} pattern ${p}: ${g.error}`));
        ok = false;
      }
    }
  }
  return ok ? filters : undefined;
}

/** The plain text of every string inside sensitive variables, locals and data source outputs, for masking output. */
function sensitiveStrings(model: TemplateModel): string[] {
  const out = new Set<string>();
  const walk = (v: Value, inherited: boolean): void => {
    const s = inherited || !!v.sensitive;
    switch (v.kind) {
      case 'string':
        if (s && v.value !== '') out.add(v.value);
        return;
      case 'number':
        if (s) out.add(String(v.value));
        return;
      case 'list':
      case 'set':
      case 'tuple':
        v.items.forEach((i) => walk(i, s));
        return;
      case 'map':
        Object.values(v.entries).forEach((e) => walk(e, s));
        return;
      case 'object':
        Object.values(v.attrs).forEach((e) => walk(e, s));
        return;
      default:
        return;
    }
  };
  for (const v of model.variables) if (v.sensitive || isSensitiveDeep(v.value)) walk(v.value, v.sensitive);
  for (const l of model.locals) if (l.sensitive || isSensitiveDeep(l.value)) walk(l.value, l.sensitive);
  // A data source's sensitive outputs (amazon-secretsmanager's secret) are masked even where no local copies them.
  for (const d of model.dataSources) if (isSensitiveDeep(d.value)) walk(d.value, false);
  return [...out];
}

/** templatefile(): the file is a bare template evaluated with only the given variables and the template functions. */
function renderTemplate(text: string, filename: string, vars: Value, root: string, functions: FunctionTable): Value {
  const parsed = parseHclTemplate(text, filename);
  if (hasErrors(parsed.diagnostics)) throw new FunctionError(`failed to parse template: ${parsed.diagnostics[0].summary}`, 0);
  const entries = vars.kind === 'object' ? vars.attrs : vars.kind === 'map' ? vars.entries : {};
  for (const k of Object.keys(entries)) {
    if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k)) throw new FunctionError(`invalid template variable name "${k}": must start with a letter, followed by zero or more letters, digits, and underscores`, 1);
  }
  const ctx = childContext({ variables: {}, functions, baseDir: root }, { ...entries });
  const r = evaluate(parsed.expr, ctx);
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  if (errs.length) throw new FunctionError(`${errs[0].summary}: ${errs[0].detail ?? ''}`.trim(), 0);
  return r.value;
}

/** The same problem reported for several builds of one source is shown once. */
function dedupe(diags: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diags.filter((d) => {
    const r = d.range;
    const key = `${d.severity}|${d.summary}|${d.detail ?? ''}|${r ? `${r.filename}:${r.start.byte}-${r.end.byte}` : ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}


/** The context `console` evaluates expressions in, for a model this loader produced. */
export function consoleContext(model: TemplateModel, cwd?: string): EvalContext {
  const functions = functionTable(templateFunctions(), {
    renderTemplate: (text, filename, vars) => renderTemplate(text, filename, vars, model.root, functions),
  });
  return modelEvalContext(model, { cwd, functions });
}
