/**
 * The one contract between the UI and the engine host, declared once: each service, its methods and what each answers.
 * Each method's input is declared by its schema in `inputs.ts`, which must name exactly these methods. This file loads no
 * zod, so the preload and the renderer take the method names from it without the schemas; the host checks every input.
 */
import type { z } from 'zod';
import type { inputs } from './inputs';
import type { BlockPlace } from '../common/breakpoint';
import type { Result } from './result';
import type {
  CompletionItem,
  ComponentForm,
  CredentialBindings,
  CredentialImportResult,
  CredentialSummary,
  CredentialTestResult,
  HistoryPage,
  HistoryRunDetail,
  VaultStatus,
   FileEdit,
  Hover,
  LogLine,
  OpenedTemplate,
  Range,
  RunSummary,
  Settings,
  TemplateAnalysis,
  TemplateDiagnostics,
  WrittenAttributes,
} from './types';

export type { GraphEdit } from './inputs';

/** What a method answers with, carried as a phantom type: never read at run time. */
export interface Answers<O> {
  readonly answer?: O;
}

const answers = <O>(): Answers<O> => ({});

export const contract = {
  templates: {
    open: answers<OpenedTemplate>(),
    /** Writes atomically: the file is either the old or the new text, never half of it. */
    save: answers<{ filename: string }>(),
    analyze: answers<TemplateAnalysis>(),
    /** `analyze` without the graph (a fraction of its size and time): asked after each pause in typing, the graph later. */
    diagnostics: answers<TemplateDiagnostics>(),
    format: answers<{ text: string; changed: boolean }>(),
    completions: answers<CompletionItem[]>(),
    hover: answers<Hover | null>(),
    definition: answers<Range | null>(),
    /** A component type's fields for the node form; null for a type Bakehouse does not know. */
    /**
     * A graph action as one edit of one file, computed from the parse tree of the text sent (HCL, or JSON through
     * jsonc-parser); the editor applies it on its model, so it is one undo step.
     */
    edit: answers<FileEdit>(),
    /** The attributes written in a node's block, for its form; null when the block is not in the text or is edited only there. */
    attributes: answers<WrittenAttributes | null>(),
    schema: answers<ComponentForm | null>(),
  },
  builds: {
    start: answers<{ runId: string }>(),
    cancel: answers<{ cancelled: boolean }>(),
    answerPrompt: answers<{ answered: boolean }>(),
    listRuns: answers<RunSummary[]>(),
    /** A window of a run's log lines, read from the run log on disk. */
    readLog: answers<{ lines: LogLine[]; total: number }>(),
  },
  /** The build history of the data folder: every run the app or the CLI started, newest first. */
  history: {
    /** A page of runs, filtered by template, status and text (template path, run id, build names, first error). */
    list: answers<HistoryPage>(),
    /** One run's record: summary, inputs, each build's timeline and artifacts, the run log's path. */
    show: answers<HistoryRunDetail>(),
  },
  workspace: {
    recentFiles: answers<string[]>(),
    getSettings: answers<Settings>(),
    setSettings: answers<Settings>(),
  },
  /**
   * The credential vault, held by the host. Secrets go one way only, UI → host (`add`, `edit`, `unlock`): every answer
   * carries names, kinds, field names and metadata, never a value.
   */
  credentials: {
    status: answers<VaultStatus>(),
    /** Gives the vault's passphrase (or, for a vault not made yet, the one to protect it with); answers the new status. */
    unlock: answers<VaultStatus>(),
    list: answers<CredentialSummary[]>(),
    add: answers<CredentialSummary>(),
    /** Secret fields are write-only: a field left out keeps its value, one given replaces it, null removes it. */
    edit: answers<CredentialSummary>(),
    remove: answers<{ removed: string }>(),
    test: answers<CredentialTestResult>(),
    import: answers<CredentialImportResult>(),
    bindings: answers<CredentialBindings>(),
    setBindings: answers<CredentialBindings>(),
  },
  /**
   * Stepping through a build: breakpoints on the graph's provisioner and post-processor nodes, kept per template in the
   * data folder (never in the template), and terminals into a paused build's machine. Continue, Step and Abort at a pause
   * are `builds.answerPrompt` answers. A terminal's output arrives beside the calls (`onTerminalOutput`), as run events do.
   */
  stepping: {
    breakpoints: answers<BlockPlace[]>(),
    /** Replaces the template's breakpoints; its runs still going pause at the new ones from their next step on. */
    setBreakpoints: answers<BlockPlace[]>(),
    /** A shell on the machine of the build waiting on `promptId` (its prompt says `terminal: true`); closes when it is answered. */
    openTerminal: answers<{ terminalId: string }>(),
    /** Keys and pasted text for the terminal. */
    terminalInput: answers<{ written: boolean }>(),
    resizeTerminal: answers<{ resized: boolean }>(),
    closeTerminal: answers<{ closed: boolean }>(),
  },
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;
export type MethodOf<S extends ServiceName> = keyof Contract[S] & string;
/** A method as the transports spell it: `templates.open`. */
export type MethodName = { [S in ServiceName]: `${S}.${MethodOf<S>}` }[ServiceName];

export type InputOf<S extends ServiceName, M extends MethodOf<S>> = z.infer<(typeof inputs)[S][M & keyof (typeof inputs)[S]]>;
export type OutputOf<S extends ServiceName, M extends MethodOf<S>> = Contract[S][M] extends Answers<infer O> ? O : never;

/** The API as the UI calls it and the host implements it: one async function per method, always resolving to a Result. */
export type ContractApi = {
  [S in ServiceName]: { [M in MethodOf<S>]: (input: InputOf<S, M>) => Promise<Result<OutputOf<S, M>>> };
};

function isService(name: string): name is ServiceName {
  return Object.hasOwn(contract, name);
}

/** Whether a name from the wire is a declared method: transports refuse the rest. */
export function isMethodName(name: string): name is MethodName {
  const dot = name.indexOf('.');
  const service = name.slice(0, dot);
  return dot > 0 && isService(service) && Object.hasOwn(contract[service], name.slice(dot + 1));
}

/** Every method's wire name, in declaration order. */
export const METHOD_NAMES: readonly MethodName[] = Object.keys(contract)
  .filter(isService)
  .flatMap((s) => Object.keys(contract[s]).map((m) => `${s}.${m}`))
  .filter(isMethodName);
