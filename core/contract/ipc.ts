/**
 * Electron IPC channel names, shared by the main process and the preload. One channel per contract method (never a
 * generic one), so the main process can refuse anything that is not a known method.
 */
import type { MethodName } from './methods';

export const IPC_PREFIX = 'bakehouse:';

/** The channel of a contract method: `bakehouse:templates.open`. */
export function methodChannel(method: MethodName): string {
  return `${IPC_PREFIX}${method}`;
}

export const IPC = {
  /** main → renderer: a RunEventBatch. */
  runEvents: 'bakehouse:run-events',
  subscribeRun: 'bakehouse:run-events.subscribe',
  unsubscribeRun: 'bakehouse:run-events.unsubscribe',
  /** main → renderer: a TerminalOutput of a terminal the window subscribed to. */
  terminalOutput: 'bakehouse:terminal-output',
  subscribeTerminal: 'bakehouse:terminal-output.subscribe',
  unsubscribeTerminal: 'bakehouse:terminal-output.unsubscribe',
  /** main → renderer: a MenuCommand. */
  menu: 'bakehouse:menu',
  openDialog: 'bakehouse:dialog.open',
  saveDialog: 'bakehouse:dialog.save',
} as const;
