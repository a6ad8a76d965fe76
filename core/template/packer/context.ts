/**
 * The evaluation contexts Packer 1.6.6 uses in each place of an HCL2 template: variable defaults (env() only, no variables),
 * var files (neither), and everything else (var, local, path, packer, source, build and all functions).
 */
import type { FetchedFiles } from '../../components/files';
import type { EvalContext, FunctionTable } from '../eval/context';
import type { Diagnostic } from '../source';
import { T_DYNAMIC, T_STRING } from '../values/type';
import { map, object, str, typeOf, unknownOf, type Value } from '../values/value';
import type { DataSourceModel, LoadOptions, VariableModel, LocalModel } from '../model';
import { PACKER_COMPAT_VERSION } from '../../version';

/** What the loader knows so far, shared by every decoding step. */
export interface LoadState {
  root: string;
  cwd: string;
  /**
   * Where the files a component names are looked for, as Packer's Prepare stats them (scripts, keys, floppy files):
   * the caller's explicit `cwd` only, so a loader given none never reads the disk.
   */
  filesCwd?: string;
  env: Record<string, string | undefined>;
  functions: FunctionTable;
  /** What variable defaults may call: env() only. */
  defaultFunctions: FunctionTable;
  variables: VariableModel[];
  locals: LocalModel[];
  diagnostics: Diagnostic[];
  completeBuilder?: LoadOptions['completeBuilder'];
  /** What builders' Prepare downloads (a checksum file), when this load fetches it (LoadOptions.checksumFiles). */
  fetched?: FetchedFiles;
  /** `data "type" "name"` blocks, whose values grow as they are evaluated (see data.ts). */
  dataSources?: readonly DataSourceModel[];
}

/** The keys Packer's builders always provide to provisioners (packer/provisioner.go BuilderDataCommonKeys). */
export const BUILD_DATA_KEYS = [
  'ID',
  'Host',
  'Port',
  'User',
  'Password',
  'ConnType',
  'PackerRunUUID',
  'PackerHTTPPort',
  'PackerHTTPIP',
  'PackerHTTPAddr',
  'SSHPublicKey',
  'SSHPrivateKey',
  'WinRMPassword',
];

/** Variable defaults may call env() and nothing else, and may not reference variables. */
export function defaultValueContext(state: LoadState): EvalContext {
  return { variables: null, functions: state.defaultFunctions, baseDir: state.root };
}

/** Values in var files are constants: no variables, no functions. */
export function constantContext(state: LoadState): EvalContext {
  return { variables: null, functions: null, baseDir: state.root };
}

/** Where the template's blocks are evaluated; `source`/`build` are unknown until a build is planned. */
export function templateContext(state: LoadState, extra: Record<string, Value> = {}): EvalContext {
  const vars: Record<string, Value> = {};
  for (const v of state.variables) vars[v.name] = v.value;
  const locals: Record<string, Value> = {};
  for (const l of state.locals) locals[l.name] = l.value;
  return {
    variables: {
      var: object(vars),
      local: object(locals),
      path: object({ cwd: str(slashes(state.cwd)), root: str(slashes(state.root)) }),
      // iterationID and versionFingerprint come from HCP Packer, which Bakehouse does not publish to: unknown, as in Packer offline.
      packer: object({ version: str(PACKER_COMPAT_VERSION), iterationID: unknownOf(T_STRING), versionFingerprint: unknownOf(T_STRING) }),
      source: object({ type: unknownOf(T_STRING), name: unknownOf(T_STRING) }),
      build: unknownOf({ kind: 'object', attributes: {} }),
      ...dataRoot(state),
      ...extra,
    },
    functions: state.functions,
    baseDir: state.root,
    declared: { var: state.variables.map((v) => v.name), local: state.locals.map((l) => l.name) },
  };
}

/**
 * The context of a planned build's blocks: `source.*` known, and `build.*` holding the build name plus go-template
 * placeholders (`{{ .Host }}`) that the engine fills in when the machine exists, as Packer re-prepares provisioners at run time.
 */
export function buildContext(state: LoadState, source: { type: string; name: string }, buildName: string | undefined): EvalContext {
  const build: Record<string, Value> = {};
  for (const k of BUILD_DATA_KEYS) build[k] = str(`{{ .${k} }}`);
  build.name = str(buildName ?? '');
  return templateContext(state, { source: object({ type: str(source.type), name: str(source.name) }), build: object(build) });
}

/** `data.TYPE.NAME`: a map of names per type, as Packer builds it (so every data source of a type has one output type). */
function dataRoot(state: LoadState): Record<string, Value> {
  if (!state.dataSources?.length) return {};
  const byType: Record<string, Record<string, Value>> = {};
  for (const d of state.dataSources) (byType[d.type] ??= {})[d.name] = d.value;
  const types: Record<string, Value> = {};
  for (const [t, names] of Object.entries(byType)) types[t] = map(typeOf(Object.values(names)[0]), names);
  return { data: object(types) };
}

export function slashes(p: string): string {
  return p.replace(/\\/g, '/');
}

export { T_DYNAMIC };

/**
 * The context `console` evaluates in for a loaded HCL2 template: what its locals saw (var, local, path, packer;
 * `source` and `build` unknown), with every template function. Packer 1.6.6's console does the same.
 */
export function modelEvalContext(
  model: { root: string; variables: readonly VariableModel[]; locals: readonly LocalModel[] },
  opts: { cwd?: string; functions: FunctionTable },
): EvalContext {
  return templateContext({
    root: model.root,
    cwd: opts.cwd ?? process.cwd(),
    env: {},
    functions: opts.functions,
    defaultFunctions: opts.functions,
    variables: [...model.variables],
    locals: [...model.locals],
    diagnostics: [],
  });
}
