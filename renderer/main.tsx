/** The renderer's entry: connect to the host (Electron IPC or the WebSocket of `bakehouse serve`), then draw the app. */
import '@xyflow/react/dist/style.css';
import './app/app.css';
import { createRoot } from 'react-dom/client';
import { connect } from './transport';
import { App, loadWorkspace } from './app/App';
import { runAction } from './app/actions';
import { startAnalyzer } from './app/analyzer';
import { getServices, setServices } from './app/services';
import { useApp } from './app/store';
import { RunState } from './build/run-state';
import { RunLog } from './logs/run-log';

async function start(): Promise<void> {
  // Monaco's chunk (preloaded by index.html) is evaluated while the connection opens, not after the welcome screen: the
  // first click on "Open the example" would otherwise wait for it.
  // A failure shows where the workspace is drawn (React.lazy imports it again), not here.
  loadWorkspace().catch(() => undefined);
  const root = createRoot(document.getElementById('root')!);
  const store = useApp.getState();
  try {
    const connection = await connect({ onStatus: (s) => useApp.getState().setConnection(s) });
    setServices({ api: connection.api, onRunEvents: connection.onRunEvents, onTerminalOutput: connection.onTerminalOutput, desktop: connection.desktop, logs: new Map(), runStates: new Map() });
    store.setConnection('connected');
    connection.desktop?.onMenuCommand((c) => {
      if (c.command === 'open') runAction('open', c.path);
      else if (c.command === 'save') runAction('save');
      else if (c.command === 'run') runAction('runBuild');
      else if (c.command === 'cancel') runAction('cancelBuild');
      else if (c.command === 'format') runAction('format');
    });
    const settings = await connection.api.workspace.getSettings({});
    if (settings.ok) store.setSettings(settings.value);
    startAnalyzer();
  } catch (e) {
    store.setConnection('failed');
    root.render(
      <main className="first-run" role="alert">
        <h1>Cannot reach Bakehouse</h1>
        <p>{(e as Error).message}</p>
        <p className="muted">Open the full address `bakehouse serve` printed (it carries the access token).</p>
      </main>,
    );
    return;
  }
  // For tests and benchmarks driving the UI from outside: the store and the services, nothing more.
  // `RunLog` and `RunState` let a benchmark feed the log viewer at a set rate without the host in the way.
  (window as unknown as { bakehouseUi: unknown }).bakehouseUi = { store: useApp, services: getServices(), RunLog, RunState };
  root.render(<App />);
}

void start();
