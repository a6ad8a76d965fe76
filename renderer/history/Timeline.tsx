/**
 * A run's per-step Gantt timeline: one lane per build, side by side, on one time axis from the run's start to its end,
 * so builds that ran in parallel line up. Plain CSS: each bar is placed by percentages of the run's duration.
 */
import { CACHED_RESULT, type HistoryBuild, type HistoryRunDetail, type HistoryStep } from '../../core/contract/types';
import { shortDuration } from '../../core/common/history';

const TICKS = [0, 0.25, 0.5, 0.75, 1];

export function Timeline({ run }: { run: HistoryRunDetail }) {
  const start = run.startedAt;
  const ends = run.buildDetails.flatMap((b) => [b.finishedAt ?? 0, ...b.steps.map((s) => s.finishedAt ?? s.startedAt)]);
  const end = Math.max(run.finishedAt ?? 0, ...ends, start + 1);
  const span = end - start;
  if (run.buildDetails.length === 0) return <p className="muted">No build of this run started.</p>;
  return (
    <div className="timeline" role="group" aria-label="Timeline">
      {run.buildDetails.map((b) => (
        <Lane key={b.name} build={b} start={start} span={span} />
      ))}
    </div>
  );
}

function Lane({ build, start, span }: { build: HistoryBuild; start: number; span: number }) {
  const pct = (t: number) => `${(((t - start) / span) * 100).toFixed(3)}%`;
  return (
    <section className="lane" aria-label={`Timeline of ${build.name}`} data-testid={`timeline-${build.name}`}>
      <header>
        <strong>{build.name}</strong> <span className={`result ${build.result ?? 'running'}`}>{build.result ?? 'unfinished'}</span>
        {build.startedAt !== undefined && build.finishedAt !== undefined ? <span className="muted"> {shortDuration(build.finishedAt - build.startedAt)}</span> : null}
      </header>
      <div className="axis" aria-hidden="true">
        {TICKS.map((t) => (
          <span key={t} style={{ left: `${t * 100}%` }}>
            {shortDuration(t * span)}
          </span>
        ))}
      </div>
      <ol className="bars">
        {build.steps.map((s, i) => (
          <Bar key={i} step={s} left={pct(s.startedAt)} width={`${(((((s.finishedAt ?? s.startedAt) - s.startedAt) / span) * 100)).toFixed(3)}%`} />
        ))}
      </ol>
    </section>
  );
}

function Bar({ step, left, width }: { step: HistoryStep; left: string; width: string }) {
  const took = step.finishedAt === undefined ? 'unfinished' : shortDuration(step.finishedAt - step.startedAt);
  const failed = step.result === 'failed' || step.result === 'halt';
  const label = step.kind === 'step' ? step.name : `${step.kind} ${step.name}`;
  return (
    <li className={`bar-row ${step.kind}${failed ? ' failed' : ''}${step.result === CACHED_RESULT ? ' cached' : ''}`} aria-label={`${label}: ${took}${step.result ? `, ${step.result}` : ''}`} title={step.error ?? `${label}: ${took}`}>
      <span className="bar-label">{label}</span>
      <span className="bar-track">
        {/* A bar is at least 2px wide to be seen, so one that ends the run starts 2px early rather than overflow. */}
        <span className="bar" style={{ left: `min(${left}, calc(100% - 2px))`, width }} />
      </span>
      <span className="bar-time muted">{step.result === CACHED_RESULT ? 'cached' : took}</span>
    </li>
  );
}
