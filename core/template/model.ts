/**
 * The evaluated template: what both HCL2 and legacy JSON templates load into.
 * Views (inspect, the editor, the graph) and the engine read this; every piece keeps its source range.
 */
import type { Result } from '../common/result';
import type { TemplateFormat } from '../common/template';
import type { Body } from './hcl/ast';
import type { Diagnostic, Range } from './source';
import type { Type } from './values/type';
import type { Value } from './values/value';

/** Where a variable's value came from, lowest precedence first. */
export type VariableValueSource = 'default' | 'env' | 'auto-file' | 'var-file' | 'cli';

export interface VariableModel {
  name: string;
  type: Type;
  description?: string;
  sensitive: boolean;
  default?: Value;
  /** The value in effect (unknown when unset and validation found the error). */
  value: Value;
  valueSource: VariableValueSource;
  range: Range;
}

export interface LocalModel {
  name: string;
  value: Value;
  sensitive: boolean;
  range: Range;
}

/** A component's configuration: evaluated field values and where each was written. */
export interface ComponentConfig {
  values: Record<string, Value>;
  ranges: Record<string, Range>;
  /** Nested blocks, by block type, in source order (e.g. amazon-ebs `launch_block_device_mappings`). */
  blocks: Record<string, ComponentConfig[]>;
  /** A nested block's own range (from its type name to its closing brace), so problems inside it can point at it. */
  range?: Range;
  /** Where each argument's name was written; "Unsupported argument" points there as HCL does (falls back to `ranges`). */
  nameRanges?: Record<string, Range>;
}

export interface SourceModel {
  /** Builder type, e.g. `docker`. */
  type: string;
  name: string;
  range: Range;
  /** HCL2 only: the block body, kept so a build can re-evaluate it with its own `source.*` values. */
  body?: Body;
  config: ComponentConfig;
}

export interface DataSourceModel {
  type: string;
  name: string;
  range: Range;
  config: ComponentConfig;
  /** What `data.TYPE.NAME` evaluates to: its output once run, an unknown of its output's type until then. */
  value: Value;
}

/**
 * A data source that reaches outside (http), evaluated as far as the loader could: the caller runs it and loads again
 * with the answer in `LoadOptions.dataResults` under `key` (core/template/load.ts does both).
 */
export interface PendingDataSource {
  key: string;
  type: string;
  name: string;
  config: ComponentConfig;
}

/** What running a data source gave, by `PendingDataSource.key`: its output, or why it failed in Packer's words. */
export type DataSourceResults = ReadonlyMap<string, Result<{ value: Value; warnings: string[] }, string>>;

/** What fetching each checksum file a builder names (`iso_checksum = "file:<url>"`) gave, by URL: its text or go-getter's error. */
export type ChecksumFileResults = ReadonlyMap<string, Result<string, string>>;

/** A provisioner block's meta arguments, handled by the engine rather than the component (as decoded and in the model). */
export interface ProvisionerMeta {
  type: string;
  /** HCL2 `name` label/attribute, or JSON `name`: how -only/-except and override refer to it. */
  name?: string;
  only: string[];
  except: string[];
  /** Go duration string as written (e.g. "10s"). */
  pauseBefore?: string;
  maxRetries: number;
  timeout?: string;
  /** Bakehouse's `cache = false` (Packer refuses the field): never serve this step, or any after it, from the build cache. */
  cache?: false;
}

/** Settings every provisioner and post-processor block may carry, handled by the engine rather than the component. */
export interface ProvisionerModel extends ProvisionerMeta {
  /** Configuration with any `override` for this build source already merged in. */
  config: ComponentConfig;
  range: Range;
}

export interface PostProcessorModel {
  type: string;
  name?: string;
  only: string[];
  except: string[];
  keepInputArtifact?: boolean;
  config: ComponentConfig;
  range: Range;
}

/** One (build block × source): what the engine runs, named as Packer names it. */
export interface PlannedBuild {
  /** `buildname.type.source`, `type.source` without a build name, or a JSON builder's `name`. */
  name: string;
  /** The build block's name, if any. */
  buildName?: string;
  /** Builder type. */
  type: string;
  /** The source block's name (`docker.ubuntu` → `ubuntu`), or the JSON builder's name. */
  sourceName: string;
  builder: ComponentConfig;
  /** Provisioners that apply to this build (only/except already applied), in order. */
  provisioners: ProvisionerModel[];
  errorCleanupProvisioner?: ProvisionerModel;
  /** Post-processor chains that apply to this build; each inner list is one chain. */
  postProcessors: PostProcessorModel[][];
  /** The build block's `hcp_packer_registry`, kept so the manifest can record it (nothing is published). */
  hcpPackerRegistry?: HcpPackerRegistryModel;
  range: Range;
}

/**
 * An `hcp_packer_registry` block (Packer 1.14): the HCP Packer bucket a build's artifacts would be published to. Bakehouse
 * keeps its metadata in the model and publishes nothing.
 */
export interface HcpPackerRegistryModel {
  /** `bucket_name`; Packer also takes it from HCP_PACKER_BUCKET_NAME when unset. */
  bucketName?: string;
  description?: string;
  bucketLabels: Record<string, string>;
  buildLabels: Record<string, string>;
  range: Range;
}

export interface BuildModel {
  name?: string;
  description?: string;
  range: Range;
  builds: PlannedBuild[];
  /** HCL2: the sources the build block starts, as `type.name` (a nested source's own name when it renames its copy; before -only/-except), as `packer inspect` 1.14 lists them. */
  sources?: string[];
  hcpPackerRegistry?: HcpPackerRegistryModel;
}

export interface TemplateModel {
  format: TemplateFormat;
  /** `path.root`: the template's directory. */
  root: string;
  files: string[];
  variables: VariableModel[];
  locals: LocalModel[];
  sources: SourceModel[];
  dataSources: DataSourceModel[];
  builds: BuildModel[];
  packer: { requiredVersion?: string; requiredPlugins: Record<string, Value> };
  /** A top-level `hcp_packer_registry` block (Packer 1.12.1+); it wins over build-level ones. */
  hcpPackerRegistry?: HcpPackerRegistryModel;
  /** Plain strings that must be masked wherever they appear (values of sensitive variables and locals). */
  sensitiveStrings: string[];
}

/** A model with nothing declared yet: what each loader fills in, and what the console evaluates in without a template. */
export function emptyTemplateModel(format: TemplateFormat, root: string, files: string[]): TemplateModel {
  return { format, root, files, variables: [], locals: [], sources: [], dataSources: [], builds: [], packer: { requiredPlugins: {} }, sensitiveStrings: [] };
}

export interface LoadOptions {
  /** `-var name=value`, in command-line order (last wins). */
  vars?: Array<[string, string]>;
  /** `-var-file`, in order. */
  varFiles?: string[];
  /** The environment for `PKR_VAR_*` and `env()`; defaults to process.env. */
  env?: Record<string, string | undefined>;
  /** Stop after parsing (`validate -syntax-only`). */
  syntaxOnly?: boolean;
  /**
   * The template is to be built or validated (Packer's GetBuilds), so an HCL2 template without a build block is an error;
   * inspect and console read templates without one.
   */
  requireBuild?: boolean;
  only?: string[];
  except?: string[];
  /** `path.cwd`; defaults to process.cwd(). */
  cwd?: string;
  /**
   * `run` (the default): data sources run as they do for Packer's build, inspect and console; `skip`: they are checked
   * and their values left unknown, as `packer validate` does without -evaluate-datasources.
   */
  dataSources?: 'run' | 'skip';
  /** Outputs of data sources already run by the caller (see PendingDataSource). */
  dataResults?: DataSourceResults;
  /**
   * `fetch`: a builder's `iso_checksum = "file:<url>"` is checked against that file, as Packer's Prepare downloads it
   * for `validate` and `build`; the loader names the files it needs (LoadResult.pendingChecksumFiles) and the caller
   * fetches them and loads again, as with data sources. Unset: the file is left to the build (the editor, so typing never
   * sends a request; inspect and console, which Packer does not prepare builders for).
   */
  checksumFiles?: 'fetch';
  /** Checksum files already fetched by the caller, by URL. */
  checksumFileResults?: ChecksumFileResults;
  /**
   * Completes a build's builder config before it is checked, as if the template had set the fields: `bakehouse build
   * -credential` puts bound credentials there (core/credentials/inject.ts), so an ssh_username a credential gives is not
   * reported missing.
   */
  completeBuilder?: (build: BuildIdentity, config: ComponentConfig) => ComponentConfig;
  /** Completes a data source's config before it runs (an amazon credential bound to `data.amazon-ami.NAME`), as completeBuilder. */
  completeDataSource?: (dataSource: { type: string; name: string }, config: ComponentConfig) => ComponentConfig;
}

/** What a build is called before it is planned: the names -only, -except and -credential match. */
export type BuildIdentity = Pick<PlannedBuild, 'name' | 'type' | 'sourceName' | 'buildName'>;

export interface LoadResult {
  /** Present whenever the files could be read, even with errors, so the editor has partial results. */
  model?: TemplateModel;
  diagnostics: Diagnostic[];
  /** The text of every file read, by filename, for showing source lines in diagnostics. */
  sources: Record<string, string>;
  /** Data sources that must run outside the loader before their values are known (none when every one has run). */
  pendingDataSources?: PendingDataSource[];
  /** Checksum files (URLs as written after `file:`) to fetch before the builders that name them can be checked. */
  pendingChecksumFiles?: string[];
  /**
   * HCL2: the template got through what Packer 1.14 calls parsing (files, packer block, variable declarations and
   * values, local declarations) without errors; later errors come from its Initialize, which `packer inspect` ignores.
   */
  parsed?: boolean;
}
