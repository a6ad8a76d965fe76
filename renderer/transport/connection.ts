/** What the UI holds once connected to the host: the contract, run events, and (in the desktop app) the window's extras. */
import type { BakehouseBridge, MenuCommand } from '../../core/contract/bridge';
import type { ContractApi } from '../../core/contract/methods';
import type { RunEventBatch } from '../../core/contract/events';
import type { TerminalOutput } from '../../core/contract/terminal';

export interface Connection {
  kind: 'ipc' | 'websocket';
  api: ContractApi;
  /** Receives a run's event batches (a late subscriber first gets what the host still holds); returns a function that stops them. */
  onRunEvents(runId: string, listener: (batch: RunEventBatch) => void): () => void;
  /** Receives a terminal's output (`stepping.openTerminal`) until it ends; returns a function that stops it. */
  onTerminalOutput(terminalId: string, listener: (output: TerminalOutput) => void): () => void;
  /** Desktop only: the application menu's commands and the native dialogs. Absent in the browser. */
  desktop?: Pick<BakehouseBridge, 'onMenuCommand' | 'showOpenDialog' | 'showSaveDialog'>;
  close(): void;
}

export type { MenuCommand };
