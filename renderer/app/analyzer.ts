/**
 * Live analysis: after the text stops changing for a moment the template's diagnostics are asked for (a small answer,
 * no graph), and once the markers are on screen the graph of the same text. Answers to texts that have changed meanwhile
 * are dropped, so markers never go back in time and never land on text they were not computed for.
 */
import type { PipelineGraph, TemplateAnalysis } from '../../core/contract/types';
import { getServices } from './services';
import { useApp, type AppState } from './store';

/** Short enough that markers land within 200 ms of a pause, long enough not to analyse on every keystroke. */
export const ANALYZE_DELAY_MS = 60;
/**
 * A template larger than this (characters, all files) is analysed in two answers, diagnostics first, then the graph;
 * a smaller one gets both in one answer as before: its analysis is quick, and splitting would only leave the graph
 * (whose actions edit the text at its nodes' ranges) behind the text a little longer.
 */
export const SPLIT_ABOVE_CHARS = 50_000;
/**
 * The graph is asked for after the frame that shows the markers: its answer is large and a changed graph is laid out
 * again (the slowest part of a keystroke in a 5,000-line template). It is not put off longer: the graph's actions edit
 * the text at its nodes' ranges, which must be those of the text on screen. A hidden page draws no frames: 100 ms then.
 */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}

/** The graph is replaced only when it differs, so an unchanged graph is not laid out and drawn again. */
export function sameGraph(a: PipelineGraph | undefined, b: PipelineGraph): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

export function startAnalyzer(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  // One request in flight at a time: texts typed meanwhile are coalesced into one follow-up for the newest text only.
  let inFlight = false;
  let again = false;
  // The template whose graph is on screen: a newly opened one gets the full analysis at once.
  let graphOf: AppState['template'];

  const snapshot = () => {
    const s = useApp.getState();
    if (!s.template) return undefined;
    const files = s.template.files.map((f) => ({ filename: f.filename, text: s.texts[f.filename] ?? f.text }));
    const vars = Object.entries(s.variableValues);
    return { template: s.template, texts: s.texts, input: { root: s.template.root, files, vars: vars.length ? vars : undefined } };
  };
  type Snapshot = NonNullable<ReturnType<typeof snapshot>>;
  /** Still the text on screen: otherwise a newer request follows and this answer is dropped. */
  const current = (req: Snapshot) => {
    const s = useApp.getState();
    return s.template === req.template && s.texts === req.texts;
  };

  const applyFull = (analysis: TemplateAnalysis, template: Snapshot['template']) => {
    const shown = useApp.getState().analysis?.graph;
    graphOf = template;
    useApp.getState().setAnalysis(++seq, sameGraph(shown, analysis.graph) && shown ? { ...analysis, graph: shown } : analysis);
  };

  const withTurn = async (work: () => Promise<void>): Promise<void> => {
    inFlight = true;
    again = false;
    try {
      await work();
    } finally {
      inFlight = false;
      if (again) void analyze();
    }
  };

  const analyze = async (): Promise<void> => {
    if (inFlight) {
      again = true;
      return;
    }
    const req = snapshot();
    if (!req) return;
    await withTurn(async () => {
      const api = getServices().api.templates;
      const size = req.input.files.reduce((n, f) => n + f.text.length, 0);
      if (graphOf !== req.template || !useApp.getState().analysis || size <= SPLIT_ABOVE_CHARS) {
        const r = await api.analyze(req.input);
        if (!current(req)) return;
        if (r.ok) applyFull(r.value, req.template);
        else useApp.getState().setStatus(r.error.message, 'error');
        return;
      }
      const r = await api.diagnostics(req.input);
      if (!current(req)) return;
      if (!r.ok) return useApp.getState().setStatus(r.error.message, 'error');
      const shown = useApp.getState().analysis;
      if (shown) useApp.getState().setAnalysis(++seq, { ...r.value, graph: shown.graph });
      await afterPaint();
      if (!current(req)) return;
      // The graph of the text whose markers are shown; the host answers it from the load it just made.
      const full = await api.analyze(req.input);
      if (current(req) && full.ok) applyFull(full.value, req.template);
    });
  };

  const unsubscribe = useApp.subscribe((s, prev) => {
    if (s.template !== prev.template) {
      if (timer) clearTimeout(timer);
      void analyze();
    } else if (s.texts !== prev.texts) {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void analyze(), ANALYZE_DELAY_MS);
    }
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}
