/**
 * How long the template's runs took, oldest to newest up to this one: one bar per run, scaled to the longest, coloured
 * by how it ended; this run's bar is outlined. Plain CSS bars, as the timeline.
 */
import { shortDuration } from '../../core/common/history';
import type { HistoryRunDetail } from '../../core/contract/types';
import { localTime } from './format';

export function DurationTrend({ run }: { run: HistoryRunDetail }) {
  const points = run.trend;
  if (points.length < 2) return null;
  const longest = Math.max(...points.map((p) => p.durationMs), 1);
  return (
    <>
      <h2>Duration of the last {points.length} runs of this template</h2>
      <ol className="duration-trend" aria-label="Duration trend">
        {points.map((p) => (
          <li
            key={p.runId}
            className={`trend-bar ${p.status}${p.runId === run.runId ? ' current' : ''}`}
            style={{ height: `${Math.max(4, (p.durationMs / longest) * 100).toFixed(1)}%` }}
            aria-label={`${localTime(p.startedAt)}: ${shortDuration(p.durationMs)}, ${p.status}`}
            title={`${localTime(p.startedAt)}: ${shortDuration(p.durationMs)}, ${p.status}`}
          />
        ))}
      </ol>
    </>
  );
}
