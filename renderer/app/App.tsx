/**
 * The window: a header with the main actions, the editor and the graph side by side, the build panel below; or the
 * Credentials or History page in their place.
 */
import { lazy, Suspense, useEffect, type ComponentType } from 'react';
import { CredentialsPage } from '../credentials/CredentialsPage';
import { UnlockDialog } from '../credentials/UnlockDialog';
import { FirstRun } from '../first-run/FirstRun';
import { HistoryPage } from '../history/HistoryPage';
import { actions, handleShortcut, runAction } from './actions';
import { useApp } from './store';

/** Monaco and the graph are most of the code: loaded in the background while the welcome screen is up. */
let LoadedWorkspace: ComponentType | undefined;
export const loadWorkspace = () =>
  import('./Workspace').then((m) => {
    LoadedWorkspace = m.default;
    return m;
  });
const LazyWorkspace = lazy(loadWorkspace);

export function App() {
  const template = useApp((s) => s.template);
  const status = useApp((s) => s.status);
  const connection = useApp((s) => s.connection);
  const problems = useApp((s) => s.analysis?.diagnostics.filter((d) => d.severity === 'error').length ?? 0);
  const view = useApp((s) => s.view);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => void handleShortcut(e);
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  if (view === 'credentials' || view === 'history') {
    return (
      <div className={`app ${view}-view`}>
        <header className="app-header" role="toolbar" aria-label={view === 'credentials' ? 'Credentials actions' : 'History actions'}>
          <span className="app-title">Bakehouse</span>
          <button onClick={() => runAction('openTemplateView')}>← {template ? 'Back to the template' : 'Back'}</button>
          <span className="spacer" />
          {view === 'credentials' ? <button onClick={() => runAction('openHistory')}>History</button> : <button onClick={() => runAction('openCredentials')}>Credentials</button>}
        </header>
        {view === 'credentials' ? <CredentialsPage /> : <HistoryPage />}
        <StatusBar status={status} connection={connection} problems={problems} />
        <UnlockDialog />
      </div>
    );
  }
  if (!template) {
    return (
      <div className="app">
        <FirstRun />
        <StatusBar status={status} connection={connection} problems={0} />
        <UnlockDialog />
      </div>
    );
  }
  return (
    <div className="app">
      <header className="app-header" role="toolbar" aria-label="Template actions">
        <span className="app-title">Bakehouse</span>
        <span className="muted path" title={template.path}>{template.path}</span>
        <span className="spacer" />
        {(['save', 'format', 'undo', 'redo', 'runBuild', 'cancelBuild'] as const).map((id) => (
          <button key={id} onClick={() => runAction(id)} title={actions[id].shortcut ? `${actions[id].label} (${actions[id].shortcut})` : actions[id].label}>
            {actions[id].label}
          </button>
        ))}
        <button onClick={() => runAction('openHistory')}>History</button>
        <button onClick={() => runAction('openCredentials')}>Credentials</button>
      </header>
      {LoadedWorkspace ? (
        // Already loaded (the usual case: it loads behind the welcome screen): drawn at once. Through React.lazy it would
        // suspend for a moment anyway, and React holds a fallback on screen for at least ~300 ms.
        <LoadedWorkspace />
      ) : (
        <Suspense fallback={<div className="workspace loading muted">Loading the editor…</div>}>
          <LazyWorkspace />
        </Suspense>
      )}
      <StatusBar status={status} connection={connection} problems={problems} />
      <UnlockDialog />
    </div>
  );
}

function StatusBar({ status, connection, problems }: { status?: { text: string; kind: string }; connection: string; problems: number }) {
  return (
    <footer className="status-bar" role="status" aria-live="polite">
      <span className={`conn ${connection}`}>{connection}</span>
      <span className={`problems${problems ? ' has' : ''}`} data-testid="problem-count">{problems} problem{problems === 1 ? '' : 's'}</span>
      <span className={`status-text ${status?.kind ?? ''}`} data-testid="status-text">{status?.text ?? ''}</span>
    </footer>
  );
}
