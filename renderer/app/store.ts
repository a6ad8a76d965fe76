/**
 * The UI's one store, built from small slices named for what they hold: the template, the selection, runs, the next
 * build's options, settings, the status bar, the page shown and the credentials. High-volume data — log lines — does not live here: see logs/run-log.ts;
 * the runs slice only bumps a counter when a run's lines or node states change.
 */
import { create, type StateCreator } from 'zustand';
import type { OnErrorPolicy } from '../../core/common/on-error';
import type { BlockPlace, PausePlace } from '../../core/common/breakpoint';
import type { PromptAnswer, PromptReason } from '../../core/common/prompt';
import type { FieldProblem } from '../../core/contract/result';
import type { RunStatus } from '../../core/common/history';
import type {
  CredentialBindings,
  CredentialSummary,
  CredentialTestResult,
  HistoryRun,
  HistoryRunDetail,
  OpenedTemplate,
  RunSummary,
  Settings,
  TemplateAnalysis,
  VaultStatus,
} from '../../core/contract/types';
import { followSelection } from './selection';


export interface TemplateSlice {
  template?: OpenedTemplate;
  activeFile?: string;
  /** The editor's current text per file: the one source of truth the graph and forms are views of. */
  texts: Record<string, string>;
  saved: Record<string, string>;
  analysis?: TemplateAnalysis;
  /** When the analysis shown was asked for; newer answers replace older ones only. */
  analysisSeq: number;
  setTemplate(t: OpenedTemplate): void;
  setText(filename: string, text: string): void;
  setActiveFile(filename: string): void;
  setAnalysis(seq: number, a: TemplateAnalysis): void;
  markSaved(filename: string, text: string): void;
}

/** The graph node selected in the graph and the form (the graph itself is the template's analysis). */
export interface SelectionSlice {
  selectedNodeId?: string;
  selectNode(id: string | undefined): void;
}

export interface Prompt {
  runId: string;
  promptId: string;
  reason: PromptReason;
  text: string;
  choices: PromptAnswer[];
  /** The build that waits. */
  build: string;
  /** The provisioner or post-processor a pause is before. */
  at?: PausePlace;
  /** A terminal can be opened on the build's machine while it waits. */
  terminal: boolean;
}

export interface RunsSlice {
  currentRunId?: string;
  runs: RunSummary[];
  /** Bumped when the current run's events changed node states (not on every log line). */
  runVersion: number;
  prompt?: Prompt;
  setCurrentRun(runId: string | undefined): void;
  setRuns(runs: RunSummary[]): void;
  bumpRun(): void;
  setPrompt(p: Prompt | undefined): void;
}

/** What the build panel will start the next build with. */
export interface BuildOptionsSlice {
  selectedBuilds: string[];
  variableValues: Record<string, string>;
  onError: OnErrorPolicy;
  setSelectedBuilds(b: string[]): void;
  setVariable(name: string, value: string | undefined): void;
  setOnError(p: OnErrorPolicy): void;
}

export interface SettingsSlice {
  settings: Settings;
  setSettings(s: Settings): void;
}

/** What the status bar shows: the connection to the host and one line on what just happened or went wrong. */
export interface StatusSlice {
  connection: 'connecting' | 'connected' | 'disconnected' | 'failed';
  status?: { text: string; kind: 'info' | 'error' };
  setConnection(c: StatusSlice['connection']): void;
  setStatus(text: string, kind?: 'info' | 'error'): void;
}

/** Which page the window shows: the template (editor, graph, build panel), the credentials or the build history. */
export interface ViewSlice {
  view: 'template' | 'credentials' | 'history';
  setView(v: ViewSlice['view']): void;
}

/** The vault unlock dialog: why it is asked for, and whether it sets the passphrase of a new vault. */
export interface UnlockRequest {
  message: string;
  create: boolean;
  error?: string;
}

/**
 * The credentials as the UI knows them: names, kinds, field names, tests and bindings — never a value. What the form
 * being filled holds is the form's own state, sent to the host on save and then dropped.
 */
export interface CredentialsSlice {
  vault?: VaultStatus;
  credentials: CredentialSummary[];
  /** Names of the credentials being tested now (their row shows a spinner). */
  testing: string[];
  /** The latest test of each credential in this session, or why it could not run. */
  testResults: Record<string, CredentialTestResult | { error: string }>;
  /** The bindings of the open template. */
  bindings?: CredentialBindings;
  unlock?: UnlockRequest;
  /** The problems of the add/edit form the host answered, by field. */
  formProblems: FieldProblem[];
  setVault(v: VaultStatus): void;
  setCredentials(c: CredentialSummary[]): void;
  setTesting(name: string, on: boolean): void;
  setTestResult(name: string, r: CredentialTestResult | { error: string }): void;
  setBindings(b: CredentialBindings | undefined): void;
  setUnlock(u: UnlockRequest | undefined): void;
  setFormProblems(p: FieldProblem[]): void;
}

export interface HistoryFilter {
  template?: string;
  status?: RunStatus;
  text: string;
}

/**
 * The History page: the filters, the runs of the list as far as they are loaded (the list is virtualised and reads
 * further windows from the host as it scrolls), how many match, and the run open in the detail.
 */
export interface HistorySlice {
  historyFilter: HistoryFilter;
  /** Loaded rows by index in the filtered list; holes are read when they come into view. */
  historyRows: (HistoryRun | undefined)[];
  historyTotal: number;
  historyTemplates: string[];
  historyLoading: boolean;
  historyRunId?: string;
  historyDetail?: HistoryRunDetail;
  setHistoryFilter(f: HistoryFilter): void;
  setHistoryPage(offset: number, runs: HistoryRun[], total: number, templates: string[], reset: boolean): void;
  setHistoryLoading(on: boolean): void;
  setHistoryDetail(runId: string | undefined, detail?: HistoryRunDetail): void;
}


/** Breakpoints of the open template (the host keeps them beside it), and the terminal into a paused build, when open. */
export interface SteppingSlice {
  breakpoints: BlockPlace[];
  /** The terminal panel: the prompt it was opened on, and the host's id for it once open. */
  terminal?: { runId: string; promptId: string; build: string; terminalId?: string };
  setBreakpointList(b: BlockPlace[]): void;
  setTerminal(t: SteppingSlice['terminal']): void;
}

export type AppState = TemplateSlice & SelectionSlice & RunsSlice & BuildOptionsSlice & SettingsSlice & StatusSlice & ViewSlice & CredentialsSlice & HistorySlice & SteppingSlice;
type Slice<T> = StateCreator<AppState, [], [], T>;

const templateSlice: Slice<TemplateSlice> = (set) => ({
  texts: {},
  saved: {},
  analysisSeq: 0,
  setTemplate: (t) =>
    set({
      template: t,
      activeFile: t.files[0]?.filename,
      texts: Object.fromEntries(t.files.map((f) => [f.filename, f.text])),
      saved: Object.fromEntries(t.files.map((f) => [f.filename, f.text])),
      analysis: undefined,
      selectedNodeId: undefined,
    }),
  setText: (filename, text) => set((s) => ({ texts: { ...s.texts, [filename]: text } })),
  setActiveFile: (filename) => set({ activeFile: filename }),
  setAnalysis: (seq, a) =>
    set((s) => (seq >= s.analysisSeq ? { analysis: a, analysisSeq: seq, selectedNodeId: followSelection(s.analysis?.graph, a.graph, s.selectedNodeId) } : {})),
  markSaved: (filename, text) => set((s) => ({ saved: { ...s.saved, [filename]: text } })),
});

const selectionSlice: Slice<SelectionSlice> = (set) => ({
  selectNode: (id) => set({ selectedNodeId: id }),
});

const runsSlice: Slice<RunsSlice> = (set) => ({
  runs: [],
  runVersion: 0,
  setCurrentRun: (runId) => set({ currentRunId: runId }),
  setRuns: (runs) => set({ runs }),
  bumpRun: () => set((s) => ({ runVersion: s.runVersion + 1 })),
  setPrompt: (prompt) => set({ prompt }),
});

const buildOptionsSlice: Slice<BuildOptionsSlice> = (set) => ({
  selectedBuilds: [],
  variableValues: {},
  onError: 'cleanup',
  setSelectedBuilds: (selectedBuilds) => set({ selectedBuilds }),
  setVariable: (name, value) =>
    set((s) => {
      const next = { ...s.variableValues };
      if (value === undefined) delete next[name];
      else next[name] = value;
      return { variableValues: next };
    }),
  setOnError: (onError) => set({ onError }),
});

const settingsSlice: Slice<SettingsSlice> = (set) => ({
  settings: { theme: 'dark', defaultOnError: 'cleanup', historyKeepRuns: 0, historyKeepDays: 0, cacheMaxMb: 0 },
  // The user's default on-error policy becomes the next build's, until they pick another in the build panel.
  setSettings: (settings) => set({ settings, onError: settings.defaultOnError }),
});

const statusSlice: Slice<StatusSlice> = (set) => ({
  connection: 'connecting',
  setConnection: (connection) => set({ connection }),
  setStatus: (text, kind = 'info') => set({ status: { text, kind } }),
});

const viewSlice: Slice<ViewSlice> = (set) => ({
  view: 'template',
  setView: (view) => set({ view }),
});

const credentialsSlice: Slice<CredentialsSlice> = (set) => ({
  credentials: [],
  testing: [],
  testResults: {},
  formProblems: [],
  setVault: (vault) => set({ vault }),
  setCredentials: (credentials) => set({ credentials }),
  setTesting: (name, on) => set((s) => ({ testing: on ? [...s.testing.filter((n) => n !== name), name] : s.testing.filter((n) => n !== name) })),
  setTestResult: (name, r) => set((s) => ({ testResults: { ...s.testResults, [name]: r } })),
  setBindings: (bindings) => set({ bindings }),
  setUnlock: (unlock) => set({ unlock }),
  setFormProblems: (formProblems) => set({ formProblems }),
});

const historySlice: Slice<HistorySlice> = (set) => ({
  historyFilter: { text: '' },
  historyRows: [],
  historyTotal: 0,
  historyTemplates: [],
  historyLoading: false,
  setHistoryFilter: (historyFilter) => set({ historyFilter }),
  setHistoryPage: (offset, runs, total, templates, reset) =>
    set((s) => {
      const rows = reset ? [] : s.historyRows.slice();
      rows.length = total;
      for (let i = 0; i < runs.length; i++) rows[offset + i] = runs[i];
      return { historyRows: rows, historyTotal: total, historyTemplates: templates };
    }),
  setHistoryLoading: (historyLoading) => set({ historyLoading }),
  setHistoryDetail: (historyRunId, historyDetail) => set({ historyRunId, historyDetail }),
});

const steppingSlice: Slice<SteppingSlice> = (set) => ({
  breakpoints: [],
  setBreakpointList: (breakpoints) => set({ breakpoints }),
  setTerminal: (terminal) => set({ terminal }),
});

export const useApp = create<AppState>()((...a) => ({
  ...templateSlice(...a),
  ...selectionSlice(...a),
  ...runsSlice(...a),
  ...buildOptionsSlice(...a),
  ...settingsSlice(...a),
  ...statusSlice(...a),
  ...viewSlice(...a),
  ...credentialsSlice(...a),
  ...historySlice(...a),
  ...steppingSlice(...a),
}));

export const isDirty = (s: AppState, filename: string): boolean => s.texts[filename] !== s.saved[filename];
