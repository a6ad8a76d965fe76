/**
 * A run's log: a virtualised list over the RunLog (only the rows in view exist in the DOM), drawn on animation frames
 * rather than per batch, following the tail until the user scrolls up.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { parseAnsi } from './ansi';
import { STREAMS, type RunLog, type Stream } from './run-log';

export const ROW_HEIGHT = 18;
const OVERSCAN = 20;

export function LogViewer({ log, title }: { log: RunLog; title: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [, redraw] = useState(0);
  const [follow, setFollow] = useState(true);
  const [viewport, setViewport] = useState({ top: 0, height: 400 });
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<number[]>([]);
  const [matchIndex, setMatchIndex] = useState(-1);
  const [streams, setStreams] = useState<Set<Stream>>(() => new Set(STREAMS));
  const [step, setStep] = useState('');
  const followRef = useRef(follow);
  followRef.current = follow;
  const programmatic = useRef(false);

  // Redraw at most once per frame however many batches arrive.
  useEffect(() => {
    let frame = 0;
    const un = log.subscribe(() => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        redraw((n) => n + 1);
      });
    });
    return () => {
      un();
      cancelAnimationFrame(frame);
    };
  }, [log]);

  useEffect(() => {
    log.setFilter({ streams, step: step || undefined });
  }, [log, streams, step]);

  const rows = log.rowCount;
  const total = rows * ROW_HEIGHT;

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !followRef.current) return;
    const bottom = Math.max(0, total - el.clientHeight);
    if (Math.abs(el.scrollTop - bottom) > 1) {
      programmatic.current = true;
      el.scrollTop = bottom;
    }
  });

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    setViewport({ top: el.scrollTop, height: el.clientHeight });
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
    setFollow(atBottom);
  }, []);

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  useEffect(() => log.ensure(first, last), [log, first, last, rows]);

  const scrollToRow = (row: number) => {
    const el = scroller.current;
    if (!el || row < 0) return;
    setFollow(false);
    el.scrollTop = Math.max(0, row * ROW_HEIGHT - el.clientHeight / 3);
  };

  const runSearch = (q: string, from = 0) => {
    const found = log.search(q);
    setMatches(found);
    const i = found.findIndex((r) => r >= from);
    setMatchIndex(found.length ? (i < 0 ? 0 : i) : -1);
    if (found.length) scrollToRow(found[i < 0 ? 0 : i]);
  };
  const step_ = (by: number) => {
    if (!matches.length) return runSearch(query);
    const i = (matchIndex + by + matches.length) % matches.length;
    setMatchIndex(i);
    scrollToRow(matches[i]);
  };

  const items = [];
  const current = matchIndex >= 0 ? matches[matchIndex] : -1;
  for (let row = first; row < last; row++) {
    const seq = log.seqAt(row);
    const line = log.line(seq);
    items.push(
      <div key={row} className={`log-row stream-${line?.stream ?? 'pending'}${row === current ? ' current-match' : ''}`} style={{ top: row * ROW_HEIGHT }} role="listitem">
        {line ? <LineText text={line.text} /> : <span className="muted">…</span>}
      </div>,
    );
  }

  const stepNames = useMemo(() => log.stepNames(), [log, log.version]);

  const copy = () => void navigator.clipboard?.writeText(log.plainText());
  const save = () => {
    const url = URL.createObjectURL(new Blob([log.plainText()], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `${title}.log`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section className="log-viewer" aria-label={`Log of ${title}`}>
      <div className="toolbar" role="toolbar" aria-label="Log tools">
        <input
          type="search"
          placeholder="Search log"
          aria-label="Search log"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            // The last query's matches are stale: Enter searches the new text rather than stepping through them.
            setMatches([]);
            setMatchIndex(-1);
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Enter') return;
            if (matches.length && query) step_(e.shiftKey ? -1 : 1);
            else runSearch(query);
          }}
        />
        <button onClick={() => step_(-1)} aria-label="Previous match">↑</button>
        <button onClick={() => step_(1)} aria-label="Next match">↓</button>
        <span className="muted match-count" aria-live="polite">{query && matchIndex >= 0 ? `${matchIndex + 1}/${matches.length}` : ''}</span>
        <select aria-label="Filter by step" value={step} onChange={(e) => setStep(e.target.value)}>
          <option value="">All steps</option>
          {stepNames.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
        {STREAMS.map((s) => (
          <label key={s} className="stream-toggle">
            <input
              type="checkbox"
              checked={streams.has(s)}
              aria-label={`Show ${s} lines`}
              onChange={(e) => {
                const next = new Set(streams);
                if (e.target.checked) next.add(s);
                else next.delete(s);
                setStreams(next);
              }}
            />
            {s}
          </label>
        ))}
        <button onClick={() => scrollToRow(log.firstErrorRow())} aria-label="Jump to first error">First error</button>
        <button onClick={copy} aria-label="Copy log">Copy</button>
        <button onClick={save} aria-label="Save log">Save</button>
        <button
          aria-pressed={follow}
          aria-label="Follow the end of the log"
          onClick={() => setFollow(true)}
          className={follow ? 'on' : ''}
        >
          Follow
        </button>
        <span className="muted" data-testid="log-count">{rows.toLocaleString()} lines</span>
      </div>
      <div className="log-scroll" ref={scroller} onScroll={onScroll} tabIndex={0} role="list" aria-label="Log lines" data-testid="log-lines">
        <div style={{ height: total, position: 'relative' }}>{items}</div>
      </div>
    </section>
  );
}

function LineText({ text }: { text: string }) {
  const runs = parseAnsi(text);
  if (runs.length === 1 && !runs[0].fg && !runs[0].bold) return <>{runs[0].text}</>;
  return (
    <>
      {runs.map((r, i) => (
        <span key={i} style={{ color: r.fg, fontWeight: r.bold ? 'bold' : undefined }}>
          {r.text}
        </span>
      ))}
    </>
  );
}
