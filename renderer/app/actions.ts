/**
 * The user's commands, registered once (as in Excalidraw): menus, shortcuts and buttons all call `runAction(id)`.
 * Each action reads the store and the services; none keeps state of its own.
 */
import type { PromptAnswer } from '../../core/common/prompt';
import type { GraphEdit } from '../../core/contract/methods';
import type { GraphNode } from '../../core/contract/types';
import { RunState } from '../build/run-state';
import { eventLine } from '../logs/event-line';
import { RunLog } from '../logs/run-log';
import * as credentials from '../credentials/credential-actions';
import * as history from '../history/history-actions';
import * as stepping from '../stepping/stepping-actions';
import { getServices } from './services';
import { isDirty, useApp } from './store';

export const EXAMPLE_PATH = 'resources/examples/docker-debian';

export interface Action<A = void> {
  id: string;
  label: string;
  /** Shown in menus and tooltips, e.g. "Ctrl+S". */
  shortcut?: string;
  matches?: (e: KeyboardEvent) => boolean;
  enabled?: () => boolean;
  run(arg: A): Promise<void> | void;
}

const ctrl = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const hasTemplate = () => useApp.getState().template !== undefined;
const running = () => {
  const s = useApp.getState();
  const run = s.currentRunId ? getServices().runStates.get(s.currentRunId) : undefined;
  return run !== undefined && !run.finished;
};

/** The build panel's run ended failed: Resume is offered. */
const lastRunFailed = () => {
  const s = useApp.getState();
  return s.currentRunId !== undefined && getServices().runStates.get(s.currentRunId)?.result === 'failed';
};

async function open(path: string): Promise<void> {
  const { api } = getServices();
  const r = await api.templates.open({ path });
  if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
  useApp.getState().setTemplate(r.value);
  useApp.getState().setStatus(`Opened ${r.value.path}`);
}

async function saveAll(): Promise<boolean> {
  const s = useApp.getState();
  for (const f of Object.keys(s.texts)) {
    if (!isDirty(s, f)) continue;
    const text = s.texts[f];
    const r = await getServices().api.templates.save({ filename: f, text });
    if (!r.ok) {
      s.setStatus(r.error.message, 'error');
      return false;
    }
    useApp.getState().markSaved(f, text);
  }
  return true;
}

async function format(): Promise<void> {
  const s = useApp.getState();
  const f = s.activeFile;
  if (!f) return;
  const text = s.texts[f];
  const r = await getServices().api.templates.format({ filename: f, text });
  if (!r.ok) return s.setStatus(r.error.message, 'error');
  if (r.value.changed) getServices().editor?.applyEdits(f, [{ start: 0, end: text.length, text: r.value.text }]);
  s.setStatus(r.value.changed ? 'Formatted' : 'Already formatted');
}

/**
 * Runs the open template's chosen builds. `resume` (Resume on a failed run in the build panel, the CLI's -resume):
 * each build starts after its last cached step, with the template and inputs as they are now.
 */
async function startBuild(resume = false): Promise<void> {
  const s = useApp.getState();
  if (!s.template || running()) return;
  if (!(await saveAll())) return;
  const { api, onRunEvents, logs, runStates } = getServices();
  const builds = s.analysis?.builds ?? [];
  const only = s.selectedBuilds.length > 0 && s.selectedBuilds.length < builds.length ? s.selectedBuilds : undefined;
  // A variable bound to a credential takes its value in the host; a value typed here would only be overridden.
  const bound = s.bindings?.variables ?? {};
  const vars = Object.entries(s.variableValues).filter(([name]) => bound[name] === undefined);
  const r = await api.builds.start({ path: s.template.path, only, vars: vars.length ? vars : undefined, onError: s.onError, ...(resume ? { resume: true } : {}) });
  if (!r.ok) {
    // The bound secrets are read from a vault behind a passphrase: ask for it, then start again.
    if (r.error.code === 'locked') return credentials.askUnlock(r.error, () => startBuild(resume));
    return s.setStatus(r.error.message, 'error');
  }
  const runId = r.value.runId;
  const log = new RunLog(async (offset, count) => {
    const w = await api.builds.readLog({ runId, offset, count });
    return w.ok ? w.value : undefined;
  });
  const state = new RunState(s.analysis?.graph ?? { nodes: [], edges: [] });
  logs.set(runId, log);
  runStates.set(runId, state);
  s.setCurrentRun(runId);
  s.setStatus(`Build ${resume ? 'resumed' : 'started'} (${runId})`);
  let stop: (() => void) | undefined;
  let nextSeq = 0;
  stop = onRunEvents(runId, (batch) => {
    // A replayed or repeated batch may overlap what we have: keep only events past the last one seen.
    const skip = Math.max(0, nextSeq - batch.firstSeq);
    const events = batch.events.slice(skip);
    const first = batch.firstSeq + skip;
    if (events.length === 0) return;
    log.append(first, events.map((e, i) => eventLine(first + i, e)));
    nextSeq = first + events.length;
    let changed = false;
    for (const e of events) {
      if (e.kind !== 'output') {
        state.apply(e);
        changed = true;
      }
      if (e.kind === 'prompt') {
        useApp.getState().setPrompt({ runId, promptId: e.promptId, reason: e.reason, text: e.text, choices: e.choices, build: e.build, at: e.at, terminal: e.terminal === true });
      }
      if (e.kind === 'prompt-answered') {
        useApp.getState().setPrompt(undefined);
        // The host closes a prompt's terminals when it is answered; the panel goes with them.
        if (useApp.getState().terminal?.promptId === e.promptId) useApp.getState().setTerminal(undefined);
      }
      if (e.kind === 'run-finished') {
        useApp.getState().setStatus(`Build ${state.result} in ${(e.durationMs / 1000).toFixed(1)} s`, state.result === 'succeeded' ? 'info' : 'error');
        stop?.();
        stop = undefined;
        void refreshRuns();
      }
    }
    if (changed) useApp.getState().bumpRun();
  });
}

async function refreshRuns(): Promise<void> {
  const r = await getServices().api.builds.listRuns({});
  if (r.ok) useApp.getState().setRuns(r.value);
}

async function cancelBuild(): Promise<void> {
  const s = useApp.getState();
  if (!s.currentRunId) return;
  const r = await getServices().api.builds.cancel({ runId: s.currentRunId });
  s.setStatus(r.ok ? (r.value.cancelled ? 'Cancelling: cleaning up…' : 'The build had already finished') : r.error.message, r.ok ? 'info' : 'error');
}

/** The provisioner nodes of the graph in text order. */
function provisioners(): GraphNode[] {
  return (useApp.getState().analysis?.graph.nodes ?? []).filter((n) => n.kind === 'provisioner' && n.range);
}

const nodeById = (id: string) => useApp.getState().analysis?.graph.nodes.find((n) => n.id === id);

/**
 * The one path of every graph and form action, whatever the syntax: the host computes the edit from its parsers, and
 * the editor applies it on its model as one undo step. An answer for a text that changed meanwhile is dropped (its
 * offsets would land on other text): the user's keystroke wins, and the action is asked again.
 */
async function edit(change: GraphEdit): Promise<boolean> {
  const s = useApp.getState();
  const texts = s.texts;
  const files = Object.entries(texts).map(([filename, text]) => ({ filename, text }));
  if (files.length === 0) return false;
  const r = await getServices().api.templates.edit({ files, edit: change });
  if (!r.ok) {
    useApp.getState().setStatus(r.error.message, 'error');
    return false;
  }
  const { filename, edit: e } = r.value;
  if (useApp.getState().texts[filename] !== texts[filename]) {
    useApp.getState().setStatus('The text changed while the edit was computed; do it again.', 'error');
    return false;
  }
  getServices().editor?.applyEdits(filename, [e]);
  return true;
}

/** Adds a provisioner after the selected one (or the last one, or as the build's first). */
async function addProvisioner(type: string): Promise<void> {
  const all = provisioners();
  const after = all.find((n) => n.id === useApp.getState().selectedNodeId) ?? all[all.length - 1];
  await edit({ kind: 'add-provisioner', type, after: after?.range });
}

async function removeNode(nodeId: string): Promise<void> {
  const node = nodeById(nodeId);
  if (!node?.range || node.kind === 'source') return;
  if (await edit({ kind: 'remove', node: node.range })) useApp.getState().selectNode(undefined);
}

async function moveProvisioner(nodeId: string, by: -1 | 1): Promise<void> {
  const all = provisioners();
  const i = all.findIndex((n) => n.id === nodeId);
  const other = all[i + by]?.range;
  const self = all[i]?.range;
  if (!other || !self || other.filename !== self.filename) return;
  const [first, second] = by < 0 ? [other, self] : [self, other];
  await edit({ kind: 'swap', first, second });
}

/** Sets an attribute of a node's block to an expression (JSON text in a legacy JSON template); `undefined` removes it. */
async function setAttribute({ nodeId, name, value }: { nodeId: string; name: string; value: string | undefined }): Promise<void> {
  const node = nodeById(nodeId);
  if (node?.range) await edit({ kind: 'set-attribute', node: node.range, name, value });
}

/** Connects two post-processors (from the graph or the node form): the target moves into the source's chain, right after it. */
async function chainPostProcessorAction({ from, to, split }: { from: string; to: string; split?: boolean }): Promise<void> {
  const a = nodeById(from);
  const b = nodeById(to);
  if (a?.kind !== 'post-processor' || b?.kind !== 'post-processor' || !a.range || !b.range) return;
  await edit({ kind: split ? 'split-post-processors' : 'chain-post-processor', from: a.range, to: b.range });
}

function selectNode(nodeId: string | undefined): void {
  useApp.getState().selectNode(nodeId);
  const node = useApp.getState().analysis?.graph.nodes.find((n) => n.id === nodeId);
  if (node?.range) getServices().editor?.reveal(node.range);
}

async function answerPrompt(answer: PromptAnswer): Promise<void> {
  const p = useApp.getState().prompt;
  if (!p) return;
  const r = await getServices().api.builds.answerPrompt({ runId: p.runId, promptId: p.promptId, answer });
  if (!r.ok) useApp.getState().setStatus(r.error.message, 'error');
  useApp.getState().setPrompt(undefined);
  if (useApp.getState().terminal?.promptId === p.promptId) useApp.getState().setTerminal(undefined);
}

export const actions = {
  openExample: { id: 'openExample', label: 'Open the example', run: () => open(EXAMPLE_PATH) } as Action,
  open: { id: 'open', label: 'Open…', shortcut: 'Ctrl+O', run: (path: string) => open(path) } as Action<string>,
  save: { id: 'save', label: 'Save', shortcut: 'Ctrl+S', matches: (e) => ctrl(e) && !e.shiftKey && e.key.toLowerCase() === 's', enabled: hasTemplate, run: async () => void ((await saveAll()) && useApp.getState().setStatus('Saved')) } as Action,
  format: { id: 'format', label: 'Format', shortcut: 'Shift+Alt+F', matches: (e) => e.shiftKey && e.altKey && e.key.toLowerCase() === 'f', enabled: hasTemplate, run: format } as Action,
  runBuild: { id: 'runBuild', label: 'Run build', shortcut: 'Ctrl+Enter', matches: (e) => ctrl(e) && e.key === 'Enter', enabled: () => hasTemplate() && !running(), run: () => startBuild() } as Action,
  resumeBuild: { id: 'resumeBuild', label: 'Resume after the last cached step', enabled: () => hasTemplate() && lastRunFailed(), run: () => startBuild(true) } as Action,
  cancelBuild: { id: 'cancelBuild', label: 'Cancel build', shortcut: 'Ctrl+Shift+X', matches: (e) => ctrl(e) && e.shiftKey && e.key.toLowerCase() === 'x', enabled: running, run: cancelBuild } as Action,
  addProvisioner: { id: 'addProvisioner', label: 'Add provisioner', enabled: hasTemplate, run: addProvisioner } as Action<string>,
  removeNode: { id: 'removeNode', label: 'Remove', run: removeNode } as Action<string>,
  moveUp: { id: 'moveUp', label: 'Move up', run: (id: string) => moveProvisioner(id, -1) } as Action<string>,
  moveDown: { id: 'moveDown', label: 'Move down', run: (id: string) => moveProvisioner(id, 1) } as Action<string>,
  setAttribute: { id: 'setAttribute', label: 'Set attribute', run: setAttribute } as Action<{ nodeId: string; name: string; value: string | undefined }>,
  chainPostProcessor: { id: 'chainPostProcessor', label: 'Chain post-processor', run: chainPostProcessorAction } as Action<{ from: string; to: string; split?: boolean }>,
  selectNode: { id: 'selectNode', label: 'Select', run: selectNode } as Action<string | undefined>,
  answerPrompt: { id: 'answerPrompt', label: 'Answer', run: answerPrompt } as Action<PromptAnswer>,
  undo: { id: 'undo', label: 'Undo', shortcut: 'Ctrl+Z', run: () => getServices().editor?.undo() } as Action,
  redo: { id: 'redo', label: 'Redo', shortcut: 'Ctrl+Shift+Z', run: () => getServices().editor?.redo() } as Action,
  refreshRuns: { id: 'refreshRuns', label: 'Refresh runs', run: refreshRuns } as Action,
  openCredentials: { id: 'openCredentials', label: 'Credentials', run: credentials.openCredentials } as Action,
  openHistory: { id: 'openHistory', label: 'History', run: history.openHistory } as Action,
  filterHistory: { id: 'filterHistory', label: 'Filter history', run: history.filterHistory } as Action<Parameters<typeof history.filterHistory>[0]>,
  showRun: { id: 'showRun', label: 'Show run', run: history.showRun } as Action<string | undefined>,
  runAgain: { id: 'runAgain', label: 'Run again with the same inputs', run: history.runAgain } as Action<Parameters<typeof history.runAgain>[0]>,
  resumeRun: { id: 'resumeRun', label: 'Resume after the last cached step', run: history.resumeRun } as Action<Parameters<typeof history.resumeRun>[0]>,
  setCacheCap: { id: 'setCacheCap', label: 'Set the build cache size cap', run: history.setCacheCap } as Action<number>,
  setRetention: { id: 'setRetention', label: 'Set retention', run: history.setRetention } as Action<Parameters<typeof history.setRetention>[0]>,
  openTemplateView: { id: 'openTemplateView', label: 'Back to the template', run: () => useApp.getState().setView('template') } as Action,
  refreshCredentials: { id: 'refreshCredentials', label: 'Refresh credentials', run: credentials.refreshCredentials } as Action,
  addCredential: { id: 'addCredential', label: 'Add credential', run: async (input) => void (await credentials.addCredential(input)) } as Action<Parameters<typeof credentials.addCredential>[0]>,
  editCredential: { id: 'editCredential', label: 'Save credential', run: async (input) => void (await credentials.editCredential(input)) } as Action<Parameters<typeof credentials.editCredential>[0]>,
  removeCredential: { id: 'removeCredential', label: 'Remove credential', run: credentials.removeCredential } as Action<string>,
  testCredential: { id: 'testCredential', label: 'Test credential', run: credentials.testCredential } as Action<Parameters<typeof credentials.testCredential>[0]>,
  importCredentials: { id: 'importCredentials', label: 'Import credentials', run: credentials.importCredentials } as Action<Parameters<typeof credentials.importCredentials>[0]>,
  unlockVault: { id: 'unlockVault', label: 'Unlock', run: credentials.unlockVault } as Action<string>,
  cancelUnlock: { id: 'cancelUnlock', label: 'Cancel', run: credentials.cancelUnlock } as Action,
  loadBindings: { id: 'loadBindings', label: 'Load credential bindings', run: credentials.loadBindings } as Action,
  bindCredential: { id: 'bindCredential', label: 'Bind credential', run: credentials.bindCredential } as Action<Parameters<typeof credentials.bindCredential>[0]>,
  loadBreakpoints: { id: 'loadBreakpoints', label: 'Load breakpoints', run: stepping.loadBreakpoints } as Action,
  toggleBreakpoint: {
    id: 'toggleBreakpoint',
    label: 'Toggle breakpoint',
    shortcut: 'F9',
    matches: (e) => e.key === 'F9',
    // From the shortcut: the selected node.
    run: (nodeId?: string) => stepping.toggleBreakpoint(nodeId ?? useApp.getState().selectedNodeId),
  } as Action<string | undefined>,
  openTerminal: { id: 'openTerminal', label: 'Open a terminal', run: stepping.openTerminal } as Action,
  closeTerminal: { id: 'closeTerminal', label: 'Close the terminal', run: stepping.closeTerminal } as Action,
};

export type ActionId = keyof typeof actions;

/** Runs an action when it is enabled; failures become a status line, never an unhandled rejection. */
export function runAction<K extends ActionId>(id: K, ...arg: Parameters<(typeof actions)[K]['run']>): void {
  const a = actions[id] as Action<unknown>;
  if (a.enabled && !a.enabled()) return;
  Promise.resolve()
    .then(() => a.run(arg[0]))
    .catch((e: unknown) => useApp.getState().setStatus(`${a.label} failed: ${(e as Error).message}`, 'error'));
}

/** The global shortcuts: the first action whose key matches runs. Monaco keeps its own (undo, find…) inside the editor. */
export function handleShortcut(e: KeyboardEvent): boolean {
  for (const [id, a] of Object.entries(actions) as Array<[ActionId, Action<unknown>]>) {
    if (a.matches?.(e)) {
      e.preventDefault();
      runAction(id as 'save');
      return true;
    }
  }
  return false;
}
