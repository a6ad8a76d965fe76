/** Data that crosses the contract. Plain serialisable values only; secrets never appear here. */
import type { CredentialSummary, CredentialTestResult } from '../common/credentials';
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

export interface Settings {
  theme: Theme;
  defaultOnError: OnErrorPolicy;
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
