/**
 * Live analysis: after the text stops changing for a moment the template is analysed again; answers to older texts are
 * dropped so markers never go back in time.
 */
import type { TemplateAnalysis } from '../../core/contract/types';
import { getServices } from './services';
import { useApp } from './store';

/** Short enough that markers land within 200 ms of a pause, long enough not to analyse on every keystroke. */
export const ANALYZE_DELAY_MS = 60;

/**
 * Markers first, the graph a frame later: drawing a changed graph (a new layout for hundreds of nodes) took most of the
 * time between a keystroke and its markers in a 5,000-line template. The first update keeps the graph on screen; the
 * second, after the frame that shows the markers, brings the new one (unless a newer analysis came meanwhile).
 */
function show(seq: number, analysis: TemplateAnalysis): void {
  const shown = useApp.getState().analysis?.graph;
  if (!shown || shown === analysis.graph) return useApp.getState().setAnalysis(seq, analysis);
  useApp.getState().setAnalysis(seq, { ...analysis, graph: shown });
  requestAnimationFrame(() => setTimeout(() => useApp.getState().setAnalysis(seq, analysis), 0));
}

export function startAnalyzer(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  // One analysis in flight at a time: texts typed meanwhile are coalesced into one follow-up, so answers never queue up.
  let inFlight = false;
  let again = false;
  const analyze = async (): Promise<void> => {
    if (inFlight) {
      again = true;
      return;
    }
    const s = useApp.getState();
    if (!s.template) return;
    inFlight = true;
    again = false;
    const mine = ++seq;
    const files = s.template.files.map((f) => ({ filename: f.filename, text: s.texts[f.filename] ?? f.text }));
    const vars = Object.entries(s.variableValues);
    try {
      const r = await getServices().api.templates.analyze({ root: s.template.root, files, vars: vars.length ? vars : undefined });
      if (r.ok) show(mine, r.value);
      else useApp.getState().setStatus(r.error.message, 'error');
    } finally {
      inFlight = false;
      if (again) void analyze();
    }
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
