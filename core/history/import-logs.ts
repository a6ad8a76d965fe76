/**
 * Runs recorded before the history existed: their run logs (`<data>/runs/<runId>.jsonl`, and the app's
 * `<runId>.meta.json` beside them) are read once into the database, through the same writer a live run uses.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { RunEvent } from '../contract/events';
import type { RunSummary } from '../contract/types';
import { listRuns, runsDir } from '../engine/runlog';
import type { HistoryWriter } from './recorder';
import { isRecorded } from './recorder';

const MARKER = 'run-logs-imported';
const CHUNK = 1 << 20;

/** Imports every run log not in the history yet, once per data folder; answers how many runs it added. */
export function importRunLogs(writer: HistoryWriter, dataDir: string): number {
  const db = writer.db;
  const done = db.prepare<[string], { value: string }>('SELECT value FROM markers WHERE name = ?');
  const known = db.prepare<[string], { run_id: string }>('SELECT run_id FROM runs WHERE run_id = ?');
  let added = 0;
  // IMMEDIATE: a second process opening the history meanwhile waits, then finds the marker and imports nothing.
  db.transaction(() => {
    if (done.get(MARKER)) return;
    for (const file of listRuns(dataDir)) {
      if (known.get(file.runId)) continue;
      const events = recordedEvents(file.path);
      const meta = readMeta(dataDir, file.runId);
      const first = events.find((e) => e.kind === 'run-started');
      const state = writer.begin({
        runId: file.runId,
        template: meta?.template ?? '',
        templateHash: '',
        // Only the app wrote a summary beside its logs.
        startedBy: meta ? 'app' : 'cli',
        startedAt: first?.time ?? meta?.startedAt ?? file.modified,
        builds: first?.kind === 'run-started' ? first.builds : (meta?.builds ?? []),
        variables: [],
        inputs: { only: [], except: [], vars: [] },
        logPath: file.path,
      });
      if (!events.some((e) => e.kind === 'run-finished')) {
        // The process stopped mid-run (or the log was cut): the run ended then, and not well.
        const last = events[events.length - 1]?.time ?? file.modified;
        events.push({ kind: 'error', time: last, build: '', text: 'The run log ends before the run did: its process stopped.' });
        events.push({ kind: 'run-finished', time: last, build: '', runId: file.runId, durationMs: 0, failed: ['?'], cancelled: false });
      }
      writer.applyBatch(state, events);
      added++;
    }
    db.prepare('INSERT INTO markers (name, value) VALUES (?, ?)').run(MARKER, new Date().toISOString());
  }).immediate();
  return added;
}

/** The events the history records, read from a run log; output and message lines (its bulk) are skipped unparsed. */
function recordedEvents(path: string): RunEvent[] {
  const out: RunEvent[] = [];
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return out;
  }
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    for (let n = readSync(fd, buf, 0, CHUNK, null); n > 0; n = readSync(fd, buf, 0, CHUNK, null)) {
      const text = carry + decoder.write(buf.subarray(0, n));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        if (line.startsWith('{"kind":"output"') || line.startsWith('{"kind":"message"')) continue;
        try {
          const e = JSON.parse(line) as RunEvent;
          if (isRecorded(e.kind)) out.push(e);
        } catch {
          // A damaged line is skipped: the rest of the run is still worth having.
        }
      }
      carry = text.slice(start);
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

function readMeta(dataDir: string, runId: string): RunSummary | undefined {
  try {
    return JSON.parse(readFileSync(join(runsDir(dataDir), `${runId}.meta.json`), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}
