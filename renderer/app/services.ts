/**
 * What the actions reach besides the store: the host's contract, the editor (which owns the text models and their undo
 * stack) and the run logs. Set once at start-up; tests and benchmarks may read them through `window.bakehouseUi`.
 */
import type { ContractApi } from '../../core/contract/methods';
import type { RunEventBatch } from '../../core/contract/events';
import type { TerminalOutput } from '../../core/contract/terminal';
import type { Range, TextEdit } from '../../core/contract/types';
import type { Connection } from '../transport/connection';
import type { RunLog } from '../logs/run-log';
import type { RunState } from '../build/run-state';

/** The editor as the rest of the UI sees it. */
export interface EditorPort {
  /** Applies edits to a file's model as one undoable step. */
  applyEdits(filename: string, edits: readonly TextEdit[]): void;
  reveal(range: Range): void;
  focus(): void;
  undo(): void;
  redo(): void;
}

export interface Services {
  api: ContractApi;
  onRunEvents(runId: string, listener: (batch: RunEventBatch) => void): () => void;
  onTerminalOutput(terminalId: string, listener: (output: TerminalOutput) => void): () => void;
  editor?: EditorPort;
  /** The desktop app's native dialogs and menu; absent in a browser. */
  desktop?: Connection['desktop'];
  logs: Map<string, RunLog>;
  runStates: Map<string, RunState>;
}

let services: Services | undefined;

export function setServices(s: Services): void {
  services = s;
}

export function getServices(): Services {
  if (!services) throw new Error('The UI is not connected to Bakehouse yet.');
  return services;
}
