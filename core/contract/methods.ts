/**
 * The one contract between the UI and the engine host, declared once. Electron IPC (main/ + preload/) and the loopback
 * WebSocket of `bakehouse serve` both carry exactly these methods; inputs are checked against these schemas by the host.
 */
import { z } from 'zod';
import { ON_ERROR_POLICIES } from '../common/on-error';
import { PROMPT_ANSWERS } from '../common/prompt';
import { THEMES } from '../common/settings';
import { FORM_COMPONENT_KINDS } from '../common/template';
import type { EngineEvent } from '../engine/events';
import { METHOD_NAMES, type MethodName } from './method-names';
import type { CompletionItem, ComponentForm, Hover, LogLine, OpenedTemplate, Range, RunSummary, Settings, TemplateAnalysis, TemplateDiagnostics } from './types';

/** A method: its input schema, and its output type carried as a phantom. */
export interface MethodSpec<I extends z.ZodType, O> {
  input: I;
  /** Never read at run time: only there so the output type travels with the declaration. */
  output?: O;
}

function method<O>() {
  return <I extends z.ZodType>(input: I): MethodSpec<I, O> => ({ input });
}

const fileText = z.object({ filename: z.string().min(1), text: z.string() });
const templateTexts = z.object({ root: z.string(), files: z.array(fileText).min(1) });
const position = z.object({ filename: z.string(), line: z.number().int().min(1), column: z.number().int().min(1) });
const varsInput = z.array(z.tuple([z.string().min(1), z.string()]));
const onError = z.enum(ON_ERROR_POLICIES);

export const contract = {
  templates: {
    open: method<OpenedTemplate>()(z.object({ path: z.string().min(1) })),
    /** Writes atomically: the file is either the old or the new text, never half of it. */
    save: method<{ filename: string }>()(fileText),
    analyze: method<TemplateAnalysis>()(templateTexts.extend({ vars: varsInput.optional() })),
    /** `analyze` without the graph (a fraction of its size and time): asked after each pause in typing, the graph later. */
    diagnostics: method<TemplateDiagnostics>()(templateTexts.extend({ vars: varsInput.optional() })),
    format: method<{ text: string; changed: boolean }>()(fileText),
    completions: method<CompletionItem[]>()(templateTexts.extend({ position })),
    hover: method<Hover | null>()(templateTexts.extend({ position })),
    definition: method<Range | null>()(templateTexts.extend({ position })),
    /** A component type's fields for the node form; null for a type Bakehouse does not know. */
    schema: method<ComponentForm | null>()(z.object({ kind: z.enum(FORM_COMPONENT_KINDS), type: z.string().min(1) })),
  },
  builds: {
    start: method<{ runId: string }>()(
      z.object({
        path: z.string().min(1),
        only: z.array(z.string()).optional(),
        except: z.array(z.string()).optional(),
        vars: varsInput.optional(),
        onError: onError.optional(),
      }),
    ),
    cancel: method<{ cancelled: boolean }>()(z.object({ runId: z.string().min(1) })),
    answerPrompt: method<{ answered: boolean }>()(
      z.object({ runId: z.string().min(1), promptId: z.string().min(1), answer: z.enum(PROMPT_ANSWERS) }),
    ),
    listRuns: method<RunSummary[]>()(z.object({}).strict()),
    /** A window of a run's log lines, read from the run log on disk. */
    readLog: method<{ lines: LogLine[]; total: number }>()(
      z.object({ runId: z.string().min(1), offset: z.number().int().min(0), count: z.number().int().min(1).max(10_000) }),
    ),
  },
  workspace: {
    recentFiles: method<string[]>()(z.object({}).strict()),
    getSettings: method<Settings>()(z.object({}).strict()),
    setSettings: method<Settings>()(z.object({ theme: z.enum(THEMES).optional(), defaultOnError: onError.optional() }).strict()),
  },
} as const;

export type Contract = typeof contract;
export type ServiceName = keyof Contract;

type InputOf<S> = S extends MethodSpec<infer I, unknown> ? z.infer<I> : never;
type OutputOf<S> = S extends MethodSpec<z.ZodType, infer O> ? O : never;

/** The API as the UI calls it: one async function per method, always resolving to a Result. */
export type ContractApi = {
  [S in ServiceName]: {
    [M in keyof Contract[S]]: (input: InputOf<Contract[S][M]>) => Promise<import('./result').Result<OutputOf<Contract[S][M]>>>;
  };
};

/** The same methods as the host implements them (inputs already checked). */
export type ContractHandlers = ContractApi;

/**
 * Run events reach the UI in batches (about every 100 ms); `seq` numbers let the UI notice a gap and re-read it from the
 * run log with `builds.readLog`.
 */
export interface RunEventBatch {
  runId: string;
  /** Sequence number of the first event in this batch; events are numbered from 0 per run. */
  firstSeq: number;
  events: EngineEvent[];
}

/** The wire names the schemas above declare: `templates.open` … */
type DeclaredName = { [S in ServiceName]: `${S}.${keyof Contract[S] & string}` }[ServiceName];
/** … and the plain list the renderer uses (method-names.ts) must name the same methods: this fails to compile otherwise. */
type SameNames = [DeclaredName] extends [MethodName] ? ([MethodName] extends [DeclaredName] ? true : false) : false;
const sameNames: SameNames = true;

/** Method names as the transports spell them: `templates.open`. */
export function methodNames(): string[] {
  return sameNames ? [...METHOD_NAMES] : [];
}
