/**
 * The contract on a socket: the messages `bakehouse serve` and the browser client exchange over the loopback WebSocket.
 * Electron IPC carries the same calls on one channel per method instead (see preload/).
 */
import type { RunEvent, RunEventBatch } from './events';
import type { Result } from './result';
import type { TerminalOutput } from './terminal';

/** Where the WebSocket listens, and the query parameter (and cookie prefix) carrying the session token. */
export const WS_PATH = '/contract';
export const TOKEN_PARAM = 'token';

export type ClientMessage =
  /** `method` is a contract method's wire name, e.g. `templates.open`. */
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'subscribe'; runId: string }
  | { type: 'unsubscribe'; runId: string }
  | { type: 'subscribe-terminal'; terminalId: string }
  | { type: 'unsubscribe-terminal'; terminalId: string };

export type ServerMessage =
  | { type: 'result'; id: number; result: Result<unknown> }
  | { type: 'run-events'; batch: WireRunEvents }
  | { type: 'terminal-output'; output: TerminalOutput };

/**
 * Run events as the WebSocket carries them. A flood is almost all `output` events, which go as
 * `[line, stream (0 stdout, 1 stderr), ms since the previous event, index into builds]` instead of objects naming every
 * key: half the bytes to write, send and parse. Other events go as they are. Electron IPC passes RunEventBatch unchanged.
 */
export interface WireRunEvents {
  runId: string;
  firstSeq: number;
  /** The first event's time; each compact event carries the difference from the one before it. */
  time: number;
  builds: string[];
  events: Array<RunEvent | CompactOutput>;
}

export type CompactOutput = [line: string, stream: 0 | 1, dt: number, build: number];

export function encodeRunEvents(batch: RunEventBatch): WireRunEvents {
  const builds: string[] = [];
  const buildIndex = new Map<string, number>();
  const time = batch.events[0]?.time ?? 0;
  let prev = time;
  const events = batch.events.map((e): RunEvent | CompactOutput => {
    const dt = e.time - prev;
    prev = e.time;
    if (e.kind !== 'output' || e.component !== undefined) return e;
    let b = buildIndex.get(e.build);
    if (b === undefined) buildIndex.set(e.build, (b = builds.push(e.build) - 1));
    return [e.line, e.stream === 'stderr' ? 1 : 0, dt, b];
  });
  return { runId: batch.runId, firstSeq: batch.firstSeq, time, builds, events };
}

export function decodeRunEvents(wire: WireRunEvents): RunEventBatch {
  let time = wire.time;
  const events = wire.events.map((e): RunEvent => {
    if (!Array.isArray(e)) {
      time = e.time;
      return e;
    }
    time += e[2];
    return { kind: 'output', time, build: wire.builds[e[3]] ?? '', stream: e[1] === 1 ? 'stderr' : 'stdout', line: e[0] };
  });
  return { runId: wire.runId, firstSeq: wire.firstSeq, events };
}
