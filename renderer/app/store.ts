/**
 * The UI's one store, built from small slices (template, graph, runs, settings). High-volume data — log lines — does
 * not live here: see logs/run-log.ts; the runs slice only bumps a counter when a run's lines or node states change.
 */
import { create, type StateCreator } from 'zustand';
import type { OnErrorPolicy } from '../../core/common/on-error';
import type { PromptAnswer, PromptReason } from '../../core/common/prompt';
import type { OpenedTemplate, RunSummary, Settings, TemplateAnalysis } from '../../core/contract/types';
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

export interface GraphSlice {
  selectedNodeId?: string;
  selectNode(id: string | undefined): void;
}

export interface Prompt {
  runId: string;
  promptId: string;
  reason: PromptReason;
  text: string;
  choices: PromptAnswer[];
}

export interface RunsSlice {
  currentRunId?: string;
  runs: RunSummary[];
  /** Bumped when the current run's events changed node states (not on every log line). */
  runVersion: number;
  prompt?: Prompt;
  selectedBuilds: string[];
  variableValues: Record<string, string>;
  onError: OnErrorPolicy;
  setCurrentRun(runId: string | undefined): void;
  setRuns(runs: RunSummary[]): void;
  bumpRun(): void;
  setPrompt(p: Prompt | undefined): void;
  setSelectedBuilds(b: string[]): void;
  setVariable(name: string, value: string | undefined): void;
  setOnError(p: OnErrorPolicy): void;
}

export interface SettingsSlice {
  settings: Settings;
  connection: 'connecting' | 'connected' | 'disconnected' | 'failed';
  /** One line in the status bar: what just happened or went wrong. */
  status?: { text: string; kind: 'info' | 'error' };
  setSettings(s: Settings): void;
  setConnection(c: SettingsSlice['connection']): void;
  setStatus(text: string, kind?: 'info' | 'error'): void;
}

export type AppState = TemplateSlice & GraphSlice & RunsSlice & SettingsSlice;
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

const graphSlice: Slice<GraphSlice> = (set) => ({
  selectNode: (id) => set({ selectedNodeId: id }),
});

const runsSlice: Slice<RunsSlice> = (set) => ({
  runs: [],
  runVersion: 0,
  selectedBuilds: [],
  variableValues: {},
  onError: 'cleanup',
  setCurrentRun: (runId) => set({ currentRunId: runId }),
  setRuns: (runs) => set({ runs }),
  bumpRun: () => set((s) => ({ runVersion: s.runVersion + 1 })),
  setPrompt: (prompt) => set({ prompt }),
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
  settings: { theme: 'dark', defaultOnError: 'cleanup' },
  connection: 'connecting',
  setSettings: (settings) => set({ settings, onError: settings.defaultOnError }),
  setConnection: (connection) => set({ connection }),
  setStatus: (text, kind = 'info') => set({ status: { text, kind } }),
});

export const useApp = create<AppState>()((...a) => ({ ...templateSlice(...a), ...graphSlice(...a), ...runsSlice(...a), ...settingsSlice(...a) }));

export const isDirty = (s: AppState, filename: string): boolean => s.texts[filename] !== s.saved[filename];
