/**
 * The History page: every recorded run, newest first, filtered by template, status and text (the host filters), in a
 * virtualised list; beside it the open run: summary, inputs, a per-step timeline per build, the template's duration
 * trend, artifacts with copy buttons, the template as it was with the error's line marked, the run log in the log viewer, and "Run again with the same inputs". Retention is set at the list's foot.
 */
import { useEffect, useRef, useState } from 'react';
import { RUN_STATUSES, shortDuration, type RunStatus } from '../../core/common/history';
import type { HistoryArtifact, HistoryRun, HistoryRunDetail } from '../../core/contract/types';
import { runAction } from '../app/actions';
import { useApp } from '../app/store';
import { LogViewer } from '../logs/LogViewer';
import { baseName, localTime } from './format';
import { historyLog, loadHistoryRows } from './history-actions';
import { DurationTrend } from './DurationTrend';
import { TemplateAsItWas } from './TemplateAsItWas';
import { Timeline } from './Timeline';

export const RUN_ROW_HEIGHT = 44;
const OVERSCAN = 10;

export function HistoryPage() {
  return (
    <main className="history-page" aria-label="History">
      <RunList />
      <RunDetail />
    </main>
  );
}

function RunList() {
  const filter = useApp((s) => s.historyFilter);
  const templates = useApp((s) => s.historyTemplates);
  const total = useApp((s) => s.historyTotal);
  const rows = useApp((s) => s.historyRows);
  const selected = useApp((s) => s.historyRunId);
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);
  // A new filter starts at the top of its list.
  useEffect(() => {
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [filter]);

  const first = Math.max(0, Math.floor(viewport.top / RUN_ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((viewport.top + viewport.height) / RUN_ROW_HEIGHT) + OVERSCAN);
  useEffect(() => {
    for (let row = first; row < last; row++) if (rows[row] === undefined) void loadHistoryRows(row);
  }, [first, last, rows]);

  const items = [];
  for (let row = first; row < last; row++) {
    const run = rows[row];
    items.push(<RunRow key={run?.runId ?? `row-${row}`} run={run} top={row * RUN_ROW_HEIGHT} selected={run !== undefined && run.runId === selected} />);
  }

  return (
    <section className="history-list">
      <div className="toolbar history-filters" role="search" aria-label="Filter runs">
        <h1>History</h1>
        <input
          type="search"
          aria-label="Filter runs by text"
          placeholder="Template, build, run id or error"
          value={filter.text}
          onChange={(e) => runAction('filterHistory', { ...filter, text: e.target.value })}
        />
        <select aria-label="Filter by template" value={filter.template ?? ''} onChange={(e) => runAction('filterHistory', { ...filter, template: e.target.value || undefined })}>
          <option value="">All templates</option>
          {templates.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Filter by status" value={filter.status ?? ''} onChange={(e) => runAction('filterHistory', { ...filter, status: (e.target.value || undefined) as RunStatus | undefined })}>
          <option value="">Any status</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <span className="muted" data-testid="history-count">
          {total.toLocaleString()} run{total === 1 ? '' : 's'}
        </span>
      </div>
      <div className="history-scroll" ref={scroller} onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })} role="list" aria-label="Runs">
        {total === 0 ? <p className="muted empty">{filter.text || filter.status || filter.template ? 'No run matches.' : 'No runs yet: each build, from here or the CLI, is recorded.'}</p> : null}
        <div style={{ height: total * RUN_ROW_HEIGHT, position: 'relative' }}>{items}</div>
      </div>
      <Retention />
      <CacheCap />
    </section>
  );
}

function RunRow({ run, top, selected }: { run?: HistoryRun; top: number; selected: boolean }) {
  if (!run) {
    return (
      <div className="run-row pending muted" style={{ top }} role="listitem">
        …
      </div>
    );
  }
  return (
    <div className={`run-row${selected ? ' selected' : ''}`} style={{ top }} role="listitem" data-testid={`run-${run.runId}`} data-run-id={run.runId}>
      <button onClick={() => runAction('showRun', run.runId)} aria-label={`Run ${run.runId.slice(0, 8)} of ${baseName(run.template) || 'an unknown template'}, ${run.status}`} aria-pressed={selected}>
        <span className={`result ${run.status}`}>{run.status}</span>
        <span className="run-template" title={run.template}>
          {baseName(run.template) || '(unknown template)'}
        </span>
        <span className="muted run-when">{localTime(run.startedAt)}</span>
        <span className="muted run-took">{run.finishedAt === undefined ? '' : shortDuration(run.finishedAt - run.startedAt)}</span>
        <span className="muted run-builds">
          {run.builds.join(', ')} · {run.startedBy}
        </span>
      </button>
    </div>
  );
}

function Retention() {
  const settings = useApp((s) => s.settings);
  const [runs, setRuns] = useState(String(settings.historyKeepRuns));
  const [days, setDays] = useState(String(settings.historyKeepDays));
  useEffect(() => {
    setRuns(String(settings.historyKeepRuns));
    setDays(String(settings.historyKeepDays));
  }, [settings.historyKeepRuns, settings.historyKeepDays]);
  const valid = (v: string) => /^\d+$/.test(v);
  return (
    <form
      className="retention"
      aria-label="Retention"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid(runs) && valid(days)) runAction('setRetention', { historyKeepRuns: Number(runs), historyKeepDays: Number(days) });
      }}
    >
      <span className="muted">Keep the last</span>
      <input aria-label="Runs to keep" inputMode="numeric" size={5} value={runs} onChange={(e) => setRuns(e.target.value)} />
      <span className="muted">runs and</span>
      <input aria-label="Days to keep" inputMode="numeric" size={4} value={days} onChange={(e) => setDays(e.target.value)} />
      <span className="muted">days (0: no limit); older runs are deleted with their logs.</span>
      <button type="submit" disabled={!valid(runs) || !valid(days)}>
        Apply
      </button>
    </form>
  );
}

function CacheCap() {
  const cap = useApp((s) => s.settings.cacheMaxMb);
  const [mb, setMb] = useState(String(cap));
  useEffect(() => setMb(String(cap)), [cap]);
  const valid = /^\d+$/.test(mb);
  return (
    <form
      className="retention"
      aria-label="Build cache"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) runAction('setCacheCap', Number(mb));
      }}
    >
      <span className="muted">Keep the build cache under</span>
      <input aria-label="Build cache size cap in MB" inputMode="numeric" size={6} value={mb} onChange={(e) => setMb(e.target.value)} />
      <span className="muted">MB (0: no cap); the least recently used steps go first, after each build.</span>
      <button type="submit" disabled={!valid}>
        Apply
      </button>
    </form>
  );
}

function RunDetail() {
  const runId = useApp((s) => s.historyRunId);
  const run = useApp((s) => s.historyDetail);
  if (!runId) return <section className="history-detail muted empty">Choose a run to see its timeline, artifacts and log.</section>;
  if (!run || run.runId !== runId) return <section className="history-detail muted empty">Loading…</section>;
  return (
    <section className="history-detail" aria-label={`Run ${run.runId}`}>
      <Summary run={run} />
      <h2>Timeline</h2>
      <Timeline run={run} />
      <DurationTrend run={run} />
      <Artifacts run={run} />
      <h2>Template as it was</h2>
      <TemplateAsItWas key={run.runId} run={run} />
      <h2>Log</h2>
      {run.logPath ? (
        <div className="history-log">
          <LogViewer key={run.runId} log={historyLog(run.runId)} title={run.runId} />
        </div>
      ) : (
        <p className="muted">This run kept no log.</p>
      )}
    </section>
  );
}

function Summary({ run }: { run: HistoryRunDetail }) {
  return (
    <div className="run-summary" data-testid="run-summary">
      <div className="toolbar">
        <span className={`result ${run.status}`}>{run.status}</span>
        <strong title={run.template}>{run.template || '(unknown template)'}</strong>
        <span className="spacer" />
        <button disabled={!run.template || run.status === 'running'} onClick={() => runAction('runAgain', run)}>
          ↻ Run again with the same inputs
        </button>
        {run.status === 'failed' && run.template ? (
          <button onClick={() => runAction('resumeRun', run)} title="Run again with the same inputs, starting each build after its last cached step (docker and qemu builds)">
            ⏵ Resume
          </button>
        ) : null}
      </div>
      <dl>
        <dt>Run</dt>
        <dd>
          <code>{run.runId}</code>
        </dd>
        <dt>Started</dt>
        <dd>
          {localTime(run.startedAt)} from the {run.startedBy === 'app' ? 'app' : 'CLI'}
          {run.finishedAt === undefined ? '' : `, took ${shortDuration(run.finishedAt - run.startedAt)}`}
        </dd>
        {run.error ? (
          <>
            <dt>Error</dt>
            <dd className="error-text">{run.error}</dd>
          </>
        ) : null}
        {run.templateHash ? (
          <>
            <dt>Template hash</dt>
            <dd>
              <code>{run.templateHash.slice(0, 16)}</code>
            </dd>
          </>
        ) : null}
        {run.variables.length > 0 ? (
          <>
            <dt>Variables</dt>
            <dd>
              {run.variables.map((v) => (
                <div key={v.name}>
                  <code>{v.name}</code> = <code className={v.sensitive ? 'muted' : ''}>{v.value}</code> <span className="muted">({v.source})</span>
                </div>
              ))}
            </dd>
          </>
        ) : null}
        <dt>Log file</dt>
        <dd>
          <code>{run.logPath || '(none)'}</code>
        </dd>
      </dl>
    </div>
  );
}

function Artifacts({ run }: { run: HistoryRunDetail }) {
  const all = run.buildDetails.flatMap((b) => b.artifacts.map((a) => ({ build: b.name, artifact: a })));
  if (all.length === 0) return null;
  return (
    <>
      <h2>Artifacts</h2>
      <ul className="history-artifacts" aria-label="Artifacts">
        {all.map(({ build, artifact }, i) => (
          <ArtifactRow key={i} build={build} artifact={artifact} />
        ))}
      </ul>
    </>
  );
}

function ArtifactRow({ build, artifact }: { build: string; artifact: HistoryArtifact }) {
  const [copied, setCopied] = useState('');
  const copy = (what: string, text: string) =>
    void navigator.clipboard?.writeText(text).then(
      () => setCopied(what),
      () => setCopied(''),
    );
  return (
    <li>
      <span className="muted">{build}:</span> {artifact.text || artifact.id}
      <button aria-label={`Copy the id of ${build}'s artifact ${artifact.id}`} onClick={() => copy('id', artifact.id)}>
        Copy id
      </button>
      {artifact.files.length > 0 ? (
        <button aria-label={`Copy the files of ${build}'s artifact ${artifact.id}`} onClick={() => copy('files', artifact.files.join('\n'))}>
          Copy files
        </button>
      ) : null}
      {copied ? <span className="muted" aria-live="polite">Copied {copied}</span> : null}
    </li>
  );
}
