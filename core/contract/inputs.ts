/**
 * The input schema of every contract method. The host checks each call against these, once, for every transport; only
 * the host loads this file (and zod), never the preload or the renderer. It must name exactly the methods of `methods.ts`.
 */
import { z } from 'zod';
import { CREDENTIAL_IMPORT_SOURCES, CREDENTIAL_KINDS } from '../common/credentials';
import { RUN_STATUSES } from '../common/history';
import { ON_ERROR_POLICIES } from '../common/on-error';
import { STEP_KINDS } from '../common/breakpoint';
import { PROMPT_ANSWERS } from '../common/prompt';
import { THEMES } from '../common/settings';
import { FORM_COMPONENT_KINDS } from '../common/template';
import type { Contract } from './methods';

const fileText = z.object({ filename: z.string().min(1), text: z.string() });
const templateTexts = z.object({ root: z.string(), files: z.array(fileText).min(1) });
const position = z.object({ filename: z.string(), line: z.number().int().min(1), column: z.number().int().min(1) });
const varsInput = z.array(z.tuple([z.string().min(1), z.string()]));
const onError = z.enum(ON_ERROR_POLICIES);
const none = z.object({}).strict();
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
/** A credential's name as the UI sends it; the vault checks its form (one word) and says why when it is wrong. */
const credentialName = z.string().min(1).max(64);
/** A field's value: what the kinds' fields hold (text, a flag, a number, a list, a map, a block); null removes it in an edit. */
const fieldValues = z.record(z.string(), z.unknown());
const nameMap = z.record(z.string().min(1), credentialName);
/** A breakpoint: the block of a provisioner or post-processor node. */
const blockPlace = z.object({ kind: z.enum(STEP_KINDS), filename: z.string().min(1), line: z.number().int().min(1), column: z.number().int().min(1) }).strict();
/** A terminal's size in character cells; xterm.js's fit gives at least 2 × 1, and no screen is wider than this. */
const terminalSize = { cols: z.number().int().min(2).max(1000), rows: z.number().int().min(1).max(1000) };
const terminalId = z.string().min(1).max(64);

export const inputs = {
  templates: {
    open: z.object({ path: z.string().min(1) }),
    save: fileText,
    analyze: templateTexts.extend({ vars: varsInput.optional() }),
    diagnostics: templateTexts.extend({ vars: varsInput.optional() }),
    format: fileText,
    completions: templateTexts.extend({ position }),
    hover: templateTexts.extend({ position }),
    definition: templateTexts.extend({ position }),
    edit: z.object({ files: z.array(fileText).min(1), edit: graphEdit }),
    attributes: fileText.extend({ range: nodeRange }),
    schema: z.object({ kind: z.enum(FORM_COMPONENT_KINDS), type: z.string().min(1) }),
  },
  builds: {
    start: z.object({
      path: z.string().min(1),
      only: z.array(z.string()).optional(),
      except: z.array(z.string()).optional(),
      vars: varsInput.optional(),
      onError: onError.optional(),
      /** Resume failed builds after their last cached step (the CLI's -resume); refused for builders without a cache. */
      resume: z.boolean().optional(),
    }),
    cancel: z.object({ runId: z.string().min(1) }),
    answerPrompt: z.object({ runId: z.string().min(1), promptId: z.string().min(1), answer: z.enum(PROMPT_ANSWERS) }),
    listRuns: none,
    readLog: z.object({ runId: z.string().min(1), offset: z.number().int().min(0), count: z.number().int().min(1).max(10_000) }),
  },
  history: {
    list: z
      .object({
        template: z.string().min(1).optional(),
        status: z.enum(RUN_STATUSES).optional(),
        text: z.string().optional(),
        limit: z.number().int().min(1).max(100_000).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
    show: z.object({ runId: z.string().min(1) }).strict(),
  },
  workspace: {
    recentFiles: none,
    getSettings: none,
    setSettings: z
      .object({
        theme: z.enum(THEMES).optional(),
        defaultOnError: onError.optional(),
        historyKeepRuns: z.number().int().min(0).optional(),
        historyKeepDays: z.number().int().min(0).optional(),
        cacheMaxMb: z.number().int().min(0).optional(),
      })
      .strict(),
  },
  credentials: {
    status: none,
    unlock: z.object({ passphrase: z.string().min(1) }).strict(),
    list: none,
    add: z.object({ kind: z.enum(CREDENTIAL_KINDS), name: credentialName, fields: fieldValues }).strict(),
    edit: z.object({ name: credentialName, fields: fieldValues }).strict(),
    remove: z.object({ name: credentialName }).strict(),
    /** `target`: what to reach with it where the kind needs one (an SSH host as `host[:port]`). */
    test: z.object({ name: credentialName, target: z.string().min(1).optional() }).strict(),
    /** `path`: the file to read; absent: the tool's own file in the user's home (~/.aws/credentials, ~/.docker/config.json). */
    import: z.object({ source: z.enum(CREDENTIAL_IMPORT_SOURCES), path: z.string().min(1).optional() }).strict(),
    bindings: z.object({ template: z.string().min(1) }).strict(),
    setBindings: z.object({ template: z.string().min(1), sources: nameMap, variables: nameMap }).strict(),
  },
  stepping: {
    breakpoints: z.object({ template: z.string().min(1) }).strict(),
    setBreakpoints: z.object({ template: z.string().min(1), breakpoints: z.array(blockPlace).max(1000) }).strict(),
    openTerminal: z.object({ runId: z.string().min(1), promptId: z.string().min(1), ...terminalSize }).strict(),
    /** At most 1 MB at once: a paste, not a file transfer. */
    terminalInput: z.object({ terminalId, data: z.string().max(1024 * 1024) }).strict(),
    resizeTerminal: z.object({ terminalId, ...terminalSize }).strict(),
    closeTerminal: z.object({ terminalId }).strict(),
  },
} satisfies { [S in keyof Contract]: { [M in keyof Contract[S]]: z.ZodType } };
