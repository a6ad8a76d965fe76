/** The contract inside the desktop app: the preload's `window.bakehouse`, one function per method, already typed. */
import type { BakehouseBridge } from '../../core/contract/bridge';
import type { Connection } from './connection';

export function connectIpc(bridge: BakehouseBridge): Connection {
  return {
    kind: 'ipc',
    api: { templates: bridge.templates, builds: bridge.builds, workspace: bridge.workspace, credentials: bridge.credentials, history: bridge.history, stepping: bridge.stepping },
    onRunEvents: (runId, listener) => bridge.onRunEvents(runId, listener),
    onTerminalOutput: (terminalId, listener) => bridge.onTerminalOutput(terminalId, listener),
    desktop: {
      onMenuCommand: (listener) => bridge.onMenuCommand(listener),
      showOpenDialog: (options) => bridge.showOpenDialog(options),
      showSaveDialog: (options) => bridge.showSaveDialog(options),
    },
    close: () => undefined,
  };
}
