/**
 * The one contract between the UI and the engine host, declared once. Electron IPC (main/ + preload/) and the loopback
 * WebSocket of `bakehouse serve` both carry exactly these methods; inputs are checked against these schemas by the host.
 */
import { z } from 'zod';
import type { EngineEvent } from '../engine/events';
import { METHOD_NAMES, type MethodName } from './method-names';
import type { CompletionItem, ComponentForm, FileEdit, Hover, LogLine, OpenedTemplate, Range, RunSummary, Settings, TemplateAnalysis, TemplateDiagnostics, WrittenAttributes } from './types';

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
const pos = z.object({ line: z.number().int().min(1), column: z.number().int().min(1), byte: z.number().int().min(0) });
/** A graph node's range: the block (or JSON object) it was drawn from. */
const nodeRange = z.object({ filename: z.string().min(1), start: pos, end: pos });
/** What the user did in the graph or a node's form; the host answers with the one text edit that does it. */
const graphEdit = z.discriminatedUnion('kind', [
  /** After the provisioner at `after`, or as the last of the first build when there is none. */
  z.object({ kind: z.literal('add-provisioner'), type: z.string().min(1), after: nodeRange.optional() }),
  z.object({ kind: z.literal('remove'), node: nodeRange }),
  /** Two blocks of one file, `first` written before `second`. */
  z.object({ kind: z.literal('swap'), first: nodeRange, second: nodeRange }),
  /** `value` is an HCL expression, or JSON text in a legacy JSON template; absent removes the attribute. */
  z.object({ kind: z.literal('set-attribute'), node: nodeRange, name: z.string().min(1), value: z.string().optional() }),
  /** `to` moves into `from`'s chain, right after it. */
  z.object({ kind: z.literal('chain-post-processor'), from: nodeRange, to: nodeRange }),
  /** Cuts the chain between `from` and `to`, which follows it. */
  z.object({ kind: z.literal('split-post-processors'), from: nodeRange, to: nodeRange }),
]);
export type GraphEdit = z.infer<typeof graphEdit>;

const varsInput = z.array(z.tuple([z.string().min(1), z.string()]));
const onError = z.enum(['cleanup', 'abort', 'ask', 'run-cleanup-provisioner']);

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
    /**
     * A graph action as one edit of one file, computed from the parse tree of the text sent (HCL, or JSON through
     * jsonc-parser); the editor applies it on its model, so it is one undo step.
     */
    edit: method<FileEdit>()(z.object({ files: z.array(fileText).min(1), edit: graphEdit })),
    /** The attributes written in a node's block, for its form; null when the block is not in the text or is edited only there. */
    attributes: method<WrittenAttributes | null>()(fileText.extend({ range: nodeRange })),
    schema: method<ComponentForm | null>()(z.object({ kind: z.enum(['builder', 'provisioner', 'post-processor']), type: z.string().min(1) })),
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
      z.object({ runId: z.string().min(1), promptId: z.string().min(1), answer: z.enum(['cleanup', 'abort', 'retry', 'continue']) }),
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
    setSettings: method<Settings>()(z.object({ theme: z.enum(['light', 'dark', 'system']).optional(), defaultOnError: onError.optional() }).strict()),
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
