/**
 * What a terminal into a paused build sends the UI, beside the contract's calls (which carry the keys, resizes and the
 * close): its output, as base64 so any byte crosses JSON and IPC unchanged, and once its end.
 */
export type TerminalOutput = { terminalId: string; data: string } | { terminalId: string; ended: true };
