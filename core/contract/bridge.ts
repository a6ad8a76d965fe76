/**
 * What the Electron preload puts on `window.bakehouse`: one function per contract method, run-event and menu
 * subscriptions, and the native file dialogs. The browser build has no bridge and talks over the WebSocket instead.
 */
import type { ContractApi } from './methods';
import type { RunEventBatch } from './events';
import type { TerminalOutput } from './terminal';

/** Commands the application menu (and its shortcuts) send to the UI, which runs them as its own actions. */
export type MenuCommand =
  | { command: 'open'; path: string }
  | { command: 'save' }
  | { command: 'save-as'; path: string }
  | { command: 'run' }
  | { command: 'cancel' }
  | { command: 'format' };

export type MenuCommandName = MenuCommand['command'];

export type BakehouseBridge = ContractApi & {
  /** Receives a run's event batches; returns a function that stops them. */
  onRunEvents(runId: string, listener: (batch: RunEventBatch) => void): () => void;
  /** Receives a terminal's output until it ends; returns a function that stops it. */
  onTerminalOutput(terminalId: string, listener: (output: TerminalOutput) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  /** The native open dialog (template file or folder, or a file to import credentials from); null when cancelled. */
  showOpenDialog(options?: { folder?: boolean; credentialFile?: boolean }): Promise<string | null>;
  /** The native save dialog; null when cancelled. */
  showSaveDialog(options?: { defaultPath?: string }): Promise<string | null>;
};
