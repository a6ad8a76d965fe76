/**
 * The template's files as they were when the run started, read-only with line numbers; in a failed run the line of
 * its error (the failed provisioner's or post-processor's block, or the build's source) is marked and scrolled to.
 */
import { useEffect, useRef, useState } from 'react';
import type { HistoryRunDetail } from '../../core/contract/types';
import { baseName } from './format';

export function TemplateAsItWas({ run }: { run: HistoryRunDetail }) {
  const files = run.templateFiles;
  const [chosen, setChosen] = useState(run.errorAt?.file ?? files[0]?.path ?? '');
  const marked = useRef<HTMLLIElement>(null);
  const file = files.find((f) => f.path === chosen) ?? files[0];
  const errorLine = run.errorAt && file && run.errorAt.file === file.path ? run.errorAt.line : undefined;
  useEffect(() => {
    marked.current?.scrollIntoView({ block: 'center' });
  }, [run.runId, errorLine]);
  if (!file) return <p className="muted">This run kept no copy of its template (recorded before Bakehouse kept them, or imported from its log).</p>;
  return (
    <div className="template-as-it-was">
      {run.errorAt ? (
        <p className="error-text" data-testid="error-place">
          Failed at {baseName(run.errorAt.file)}:{run.errorAt.line}:{run.errorAt.column}: {run.errorAt.what}
        </p>
      ) : null}
      {files.length > 1 ? (
        <div className="toolbar" role="tablist" aria-label="Template files">
          {files.map((f) => (
            <button key={f.path} role="tab" aria-selected={f.path === file.path} onClick={() => setChosen(f.path)}>
              {baseName(f.path)}
            </button>
          ))}
        </div>
      ) : null}
      <ol className="template-lines" aria-label={`Template ${baseName(file.path)} as it was`}>
        {file.text.split('\n').map((line, i) => (
          <li key={i} ref={i + 1 === errorLine ? marked : undefined} className={i + 1 === errorLine ? 'error-line' : undefined} aria-current={i + 1 === errorLine ? 'true' : undefined}>
            <span className="line-number" aria-hidden="true">
              {i + 1}
            </span>
            <code>{line || ' '}</code>
          </li>
        ))}
      </ol>
    </div>
  );
}
