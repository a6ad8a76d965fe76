/** How `bakehouse history` prints runs: a table of runs, and one run's record with each build's timeline. */
import { shortDuration } from '../../common/history';
import type { HistoryRun, HistoryRunDetail, HistoryStep } from '../../contract/types';

/** Run ids are UUIDs; their first 8 characters tell runs apart in a table, and `history show` takes them. */
export const SHORT_ID = 8;

/** Local time as `2026-12-07 17:45:04` (the machine's time zone, as `ls -l` shows times). */
export function localTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function runDuration(r: HistoryRun): string {
  return r.finishedAt === undefined ? '-' : shortDuration(r.finishedAt - r.startedAt);
}

export function runsTable(runs: readonly HistoryRun[]): string {
  const rows = [
    ['RUN', 'STARTED', 'DURATION', 'STATUS', 'BY', 'TEMPLATE'],
    ...runs.map((r) => [r.runId.slice(0, SHORT_ID), localTime(r.startedAt), runDuration(r), r.status, r.startedBy, r.template || '(unknown)']),
  ];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n') + '\n';
}

function stepLine(s: HistoryStep, buildStart: number, nameWidth: number): string {
  const offset = `+${shortDuration(s.startedAt - buildStart)}`;
  const took = s.finishedAt === undefined ? '-' : shortDuration(s.finishedAt - s.startedAt);
  const label = s.kind === 'step' ? s.name : `${s.kind} ${s.name}`;
  const end = s.result ?? 'unfinished';
  return `    ${offset.padStart(8)}  ${took.padStart(7)}  ${label.padEnd(nameWidth)}  ${end}${s.error ? `: ${s.error}` : ''}`;
}

export function runText(r: HistoryRunDetail): string {
  const lines = [
    `Run:       ${r.runId}`,
    `Template:  ${r.template || '(unknown)'}${r.templateHash ? ` (sha256 ${r.templateHash.slice(0, 12)})` : ''}`,
    `Started:   ${localTime(r.startedAt)} by ${r.startedBy}`,
    `Finished:  ${r.finishedAt === undefined ? '-' : `${localTime(r.finishedAt)}, after ${runDuration(r)}`}`,
    `Status:    ${r.status}${r.error ? `: ${r.error}` : ''}`,
  ];
  // As compilers print a place, so a terminal or editor can open the template there (the file may have changed since).
  if (r.errorAt) lines.push(`Failed at: ${r.errorAt.file}:${r.errorAt.line}:${r.errorAt.column} (${r.errorAt.what})`);
  if (r.variables.length > 0) {
    lines.push('Variables:');
    for (const v of r.variables) lines.push(`    ${v.name} = ${v.value} (${v.source})`);
  }
  lines.push(`Log:       ${r.logPath || '(none kept)'}`);
  for (const b of r.buildDetails) {
    const took = b.startedAt !== undefined && b.finishedAt !== undefined ? ` in ${shortDuration(b.finishedAt - b.startedAt)}` : '';
    lines.push('', `Build ${b.name}${b.builderType ? ` (${b.builderType})` : ''}: ${b.result ?? 'unfinished'}${took}${b.error ? `: ${b.error}` : ''}`);
    const start = b.startedAt ?? b.steps[0]?.startedAt ?? r.startedAt;
    const width = Math.max(0, ...b.steps.map((s) => (s.kind === 'step' ? s.name : `${s.kind} ${s.name}`).length));
    for (const s of b.steps) lines.push(stepLine(s, start, width));
    if (b.artifacts.length > 0) {
      lines.push('  Artifacts:');
      for (const a of b.artifacts) {
        lines.push(`    ${a.builderId}: ${a.text}`);
        for (const f of a.files) lines.push(`      ${f}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}
