/**
 * The bridge the preload exposes: one named function per contract method, each bound to its own channel, plus run events,
 * menu commands and dialogs. Kept apart from `contextBridge` so it can be tested with a fake IpcRenderer.
 */
import type { BakehouseBridge, MenuCommand } from '../core/contract/bridge';
import { IPC, methodChannel } from '../core/contract/ipc';
import { toService } from '../core/contract/channel';
import type { RunEventBatch } from '../core/contract/events';
import type { TerminalOutput } from '../core/contract/terminal';

/** The part of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  send(channel: string, ...args: unknown[]): void;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridge(ipc: IpcRendererLike): BakehouseBridge {
  const api = toService((method, input) => ipc.invoke(methodChannel(method), input));
  const runListeners = new Map<string, Set<(b: RunEventBatch) => void>>();
  const terminalListeners = new Map<string, (o: TerminalOutput) => void>();
  ipc.on(IPC.terminalOutput, (_event, output) => {
    const o = output as TerminalOutput;
    terminalListeners.get(o.terminalId)?.(o);
  });
  ipc.on(IPC.runEvents, (_event, batch) => {
    const b = batch as RunEventBatch;
    for (const l of runListeners.get(b.runId) ?? []) l(b);
  });
  return {
    ...api,
    onRunEvents(runId, listener) {
      let set = runListeners.get(runId);
      if (!set) {
        runListeners.set(runId, (set = new Set()));
        ipc.send(IPC.subscribeRun, runId);
      }
      set.add(listener);
      return () => {
        const s = runListeners.get(runId);
        if (!s?.delete(listener) || s.size > 0) return;
        runListeners.delete(runId);
        ipc.send(IPC.unsubscribeRun, runId);
      };
    },
    onTerminalOutput(terminalId, listener) {
      // One view per terminal: a second subscriber replaces the first.
      terminalListeners.set(terminalId, listener);
      ipc.send(IPC.subscribeTerminal, terminalId);
      return () => {
        if (terminalListeners.get(terminalId) !== listener) return;
        terminalListeners.delete(terminalId);
        ipc.send(IPC.unsubscribeTerminal, terminalId);
      };
    },
    onMenuCommand(listener) {
      const wrapped = (_event: unknown, command: unknown) => listener(command as MenuCommand);
      ipc.on(IPC.menu, wrapped);
      return () => void ipc.removeListener(IPC.menu, wrapped);
    },
    showOpenDialog: (options) => ipc.invoke(IPC.openDialog, options ?? {}) as Promise<string | null>,
    showSaveDialog: (options) => ipc.invoke(IPC.saveDialog, options ?? {}) as Promise<string | null>,
  };
}
