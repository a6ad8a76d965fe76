/**
 * Live analysis: after the text stops changing for a moment the template is analysed again; answers to older texts are
 * dropped so markers never go back in time.
 */
import { getServices } from './services';
import { useApp } from './store';

/** Short enough that markers land within 200 ms of a pause, long enough not to analyse on every keystroke. */
export const ANALYZE_DELAY_MS = 60;

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
      if (r.ok) useApp.getState().setAnalysis(mine, r.value);
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
