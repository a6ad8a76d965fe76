/** Data that crosses the contract. Plain serialisable values only; secrets never appear here. */
import type { CredentialSummary, CredentialTestResult } from '../common/credentials';
import type { RunOrigin, RunStatus, TimelineKind } from '../common/history';
import type { OnErrorPolicy } from '../common/on-error';
import type { OutputStream } from '../common/output';
import type { RunResult } from '../common/run-result';
import type { Theme } from '../common/settings';
import type { FormComponentKind, TemplateFormat } from '../common/template';

import type { Diagnostic, Pos, Range } from '../common/diagnostic';

export type { Diagnostic, Pos, Range };

export interface TemplateFileText {
  filename: string;
  text: string;
}

export interface OpenedTemplate {
  /** The path the user opened: a file or a directory. */
  path: string;
  /** The directory relative paths in the template start from (`path.root`). */
  root: string;
  format: TemplateFormat;
  /** Every file of the template, one editor tab each. */
  files: TemplateFileText[];
}

/** A node of the pipeline graph, derived from the model; `range` points back at the block in the text. */
export interface GraphNode {
  id: string;
  /** `data`: a data source, evaluated before any source (its output is `data.TYPE.NAME`). */
  kind: 'data' | 'source' | 'provisioner' | 'post-processor';
  /** Component type, e.g. `docker`, `shell`, `http`. */
  type: string;
  label: string;
  range?: Range;
  /** For provisioners: the sources it runs on (only/except applied). */
  appliesTo?: string[];
  /** Errors whose range falls inside this node's block. */
  diagnostics: Diagnostic[];
}

/**
 * Replace text[start, end) with `text`; offsets are UTF-16 indexes into the file's text. The graph's and the forms'
 * changes come back from the host as one such edit, which the editor applies on its model (one undo step).
 */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** An edit of one file of the template. */
export interface FileEdit {
  filename: string;
  edit: TextEdit;
}

/** An attribute written directly in a node's block (or a property of a JSON template's object): where its value lies. */
export interface WrittenAttribute {
  name: string;
  start: number;
  end: number;
  /** The value as written: an HCL expression, or JSON text in a legacy JSON template. */
  value: string;
}

/** What a node's form shows: the attributes as written, and the syntax their values are written in. */
export interface WrittenAttributes {
  syntax: 'hcl' | 'json';
  attributes: WrittenAttribute[];
}

/** Provisioner types the graph offers with a starter block (any other type is added as an empty block). */
export const STARTER_PROVISIONERS = ['shell', 'file', 'shell-local', 'breakpoint'] as const;

export interface GraphEdge {
  from: string;
  to: string;
}

export interface PipelineGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** What the editor shows for the current text: problems and the graph. */
/** The analysis without the pipeline graph: what the editor's markers and the build panel need after a keystroke. */
export type TemplateDiagnostics = Omit<TemplateAnalysis, 'graph'>;

export interface TemplateAnalysis {
  diagnostics: Diagnostic[];
  graph: PipelineGraph;
  /** Planned build names, for the build panel. */
  builds: string[];
  variables: Array<{ name: string; type: string; description?: string; sensitive: boolean; hasDefault: boolean; value?: string }>;
}

export interface CompletionItem {
  label: string;
  kind: 'block' | 'component' | 'field' | 'variable' | 'local' | 'function' | 'keyword';
  detail?: string;
  documentation?: string;
  insertText?: string;
}

export interface Hover {
  markdown: string;
  range?: Range;
}

/** One run in the app's history list: what ran and, once it has finished, how it ended. */
export interface RunSummary {
  runId: string;
  template: string;
  startedAt: number;
  finishedAt?: number;
  builds: string[];
  result?: RunResult;
}

/** One line of a run's log, as the log viewer shows it. */
export interface LogLine {
  seq: number;
  time: number;
  build: string;
  stream: OutputStream | 'say' | 'message' | 'error';
  text: string;
  step?: string;
}

/** A variable of a recorded run as it was in effect; a sensitive one's value is `<sensitive>`, never the value. */
export interface HistoryVariable {
  name: string;
  value: string;
  sensitive: boolean;
  /** Where the value came from: `default`, `env`, `auto-file`, `var-file` or `cli` (the app's typed values are `cli`). */
  source: string;
}

/** What a run was asked to do, kept so it can be run again with the same inputs (sensitive values left out). */
export interface HistoryInputs {
  only: string[];
  except: string[];
  onError?: OnErrorPolicy;
  /** Values typed for the run (`-var`, the app's variable fields), masked ones dropped. */
  vars: Array<[string, string]>;
}

/** One run as the history lists it. */
export interface HistoryRun {
  runId: string;
  /** The template's path as it was opened; empty for a run imported from a log that did not say. */
  template: string;
  /** SHA-256 of the template's files (name and text of each), so two runs of the same text can be told apart. */
  templateHash: string;
  startedBy: RunOrigin;
  startedAt: number;
  finishedAt?: number;
  status: RunStatus;
  builds: string[];
  /** The first error of the run, for the list's one-line reason. */
  error?: string;
}

/** One bar of a build's timeline. */
/** A history step's result when its provisioner did not run: its result came from the build cache. */
export const CACHED_RESULT = 'cached';

export interface HistoryStep {
  kind: TimelineKind;
  /** The step's name, or a provisioner's or post-processor's `name (type)` / type. */
  name: string;
  startedAt: number;
  /** Absent while running, or when the run stopped before the step reported its end. */
  finishedAt?: number;
  /**
   * `continue`, `halt` or `cancelled` for a step; a RunResult for a provisioner or post-processor, or `cached`
   * (CACHED_RESULT) for a provisioner served from the build cache.
   */
  result?: string;
  error?: string;
}

export interface HistoryArtifact {
  id: string;
  builderId: string;
  files: string[];
  text: string;
}

export interface HistoryBuild {
  name: string;
  builderType: string;
  startedAt?: number;
  finishedAt?: number;
  result?: RunResult;
  error?: string;
  steps: HistoryStep[];
  artifacts: HistoryArtifact[];
}

/** One file of the template as it was when a run started. */
export interface HistoryTemplateFile {
  path: string;
  text: string;
}

/** Where in its template a run failed: the block of the provisioner or post-processor that failed, or the build's source. */
export interface HistoryErrorPlace {
  file: string;
  line: number;
  column: number;
  /** What is there, in the user's words: `provisioner 2 (shell) of example.docker.debian`. */
  what: string;
}

/** One earlier (or this) run of the same template, for its duration trend. */
export interface HistoryTrendPoint {
  runId: string;
  startedAt: number;
  durationMs: number;
  status: RunStatus;
}

/** A run's record: the summary, its inputs, each build's timeline and artifacts, and where its log is. */
export interface HistoryRunDetail extends HistoryRun {
  variables: HistoryVariable[];
  inputs: HistoryInputs;
  /** The run log's path (`<data>/runs/<runId>.jsonl`); empty when the run kept none. */
  logPath: string;
  buildDetails: HistoryBuild[];
  /** The template's files as they were when the run started; empty for a run imported from a log. */
  templateFiles: HistoryTemplateFile[];
  errorAt?: HistoryErrorPlace;
  /** The finished runs of the same template up to this one, oldest first (at most HISTORY_TREND_RUNS). */
  trend: HistoryTrendPoint[];
}

/** A page of the history, newest first, and how many runs match the filters in all. */
export interface HistoryPage {
  runs: HistoryRun[];
  total: number;
  /** Every template the history has runs of, for the template filter. */
  templates: string[];
}

export interface Settings {
  theme: Theme;
  defaultOnError: OnErrorPolicy;
  /** The build history keeps the last this many runs (0: no limit); the runs it drops lose their run logs too. */
  historyKeepRuns: number;
  /** … and only runs started in the last this many days (0: no limit). Both limits apply. */
  historyKeepDays: number;
  /** The build cache's size cap in megabytes (0: no cap): after each build the least recently used entries past it are pruned. */
  cacheMaxMb: number;
}

/** How the node form edits one field of a component's schema. */
export type FormFieldType = 'string' | 'number' | 'bool' | 'duration' | 'list' | 'map' | 'other';

/** One field of a component, as the node form shows it; `other` (objects, nested blocks, `any`) is edited in the text. */
export interface FormField {
  name: string;
  type: FormFieldType;
  /** For lists and maps: the type of each item. */
  itemType?: Exclude<FormFieldType, 'list' | 'map'>;
  description: string;
  required: boolean;
  /** The fields of which exactly (or at least) one must be set, when this field is one of them. */
  oneOf?: string[];
  /** The default, as text. */
  default?: string;
  enum?: string[];
  sensitive?: boolean;
  deprecated?: string;
  /** A nested block (`name { … }`) rather than an attribute. */
  block?: boolean;
  /** Settings the engine handles for every provisioner or post-processor (only, except, timeout…). */
  common?: boolean;
}

/** A component type's fields, for the form beside the graph. */
export interface ComponentForm {
  kind: FormComponentKind;
  type: string;
  description: string;
  fields: FormField[];
}

export type { CredentialSummary, CredentialTestResult };

/**
 * The credential vault as the UI sees it: where it is, how its key is kept and whether it is at hand. `locked` means a
 * passphrase must be given (`credentials.unlock`) before anything is read or written; the secrets never cross.
 */
export interface VaultStatus {
  path: string;
  /** `environment`: CI mode (BAKEHOUSE_CREDENTIALS_FROM_ENV=1), no vault, nothing to change. */
  protection: 'keyring' | 'passphrase' | 'environment' | 'none-yet';
  locked: boolean;
}

/**
 * Which credential a template's builds use, kept in the app's data folder keyed by the template's path: never inside the
 * template, never with the secrets. `sources`: build name (`example.docker.debian`) → credential; `variables`: a
 * sensitive variable's name → a `secret` credential whose value it takes.
 */
export interface CredentialBindings {
  template: string;
  sources: Record<string, string>;
  variables: Record<string, string>;
}

/** What an import added, and what it passed over and why (a name already taken, a profile that is not a credential). */
export interface CredentialImportResult {
  added: CredentialSummary[];
  skipped: string[];
}
