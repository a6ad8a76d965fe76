/** Choosing what to build and with which variables, starting and cancelling, and the run's progress and artifacts. */
import { useEffect } from 'react';
import { ON_ERROR_POLICIES, type OnErrorPolicy } from '../../core/common/on-error';
import { actions, runAction } from '../app/actions';
import { getServices } from '../app/services';
import { useApp } from '../app/store';
import { LogViewer } from '../logs/LogViewer';
import { PausePanel } from '../stepping/PausePanel';
import { TerminalPanel } from '../stepping/TerminalPanel';

// A Record, so a policy added to ON_ERROR_POLICIES fails to compile here until it has a label.
const POLICY_LABELS: Record<OnErrorPolicy, string> = {
  cleanup: 'Clean up',
  abort: 'Abort (leave resources)',
  ask: 'Ask me',
  'run-cleanup-provisioner': 'Run cleanup provisioner',
};

export function BuildPanel() {
  const analysis = useApp((s) => s.analysis);
  const selected = useApp((s) => s.selectedBuilds);
  const values = useApp((s) => s.variableValues);
  const onError = useApp((s) => s.onError);
  const runId = useApp((s) => s.currentRunId);
  useApp((s) => s.runVersion);
  const state = runId ? getServices().runStates.get(runId) : undefined;
  const log = runId ? getServices().logs.get(runId) : undefined;
  const isRunning = state !== undefined && !state.finished;
  const builds = analysis?.builds ?? [];
  const templatePath = useApp((s) => s.template?.path);
  const credentials = useApp((s) => s.credentials);
  const bindings = useApp((s) => s.bindings);
  const cloud = credentials.filter((c) => c.kind !== 'secret');
  const secrets = credentials.filter((c) => c.kind === 'secret');

  useEffect(() => {
    // Each template has its own bindings; the credentials' names come with them for the selects.
    runAction('loadBindings');
    runAction('refreshCredentials');
    runAction('loadBreakpoints');
  }, [templatePath]);

  useEffect(() => {
    // New builds start chosen; builds that disappeared from the template are forgotten.
    const s = useApp.getState();
    if (selected.length === 0 || selected.some((b) => !builds.includes(b))) s.setSelectedBuilds(builds);
  }, [builds.join('\n')]);

  return (
    <section className="build-panel" aria-label="Build">
      <div className="build-form">
        <fieldset>
          <legend>Builds</legend>
          {builds.length === 0 ? <div className="muted">No builds in this template.</div> : null}
          {builds.map((b) => (
            <label key={b} className="check">
              <input
                type="checkbox"
                checked={selected.includes(b)}
                onChange={(e) => useApp.getState().setSelectedBuilds(e.target.checked ? [...selected, b] : selected.filter((x) => x !== b))}
              />
              {b}
            </label>
          ))}
        </fieldset>
        {builds.length > 0 ? (
          <fieldset className="bindings">
            <legend>Credentials</legend>
            {builds.map((b) => (
              <label key={b} className="var">
                <span>{b}</span>
                <select
                  aria-label={`Credential for ${b}`}
                  value={bindings?.sources[b] ?? ''}
                  onChange={(e) => runAction('bindCredential', { to: 'source', key: b, credential: e.target.value || undefined })}
                >
                  <option value="">Template and environment (as Packer)</option>
                  {cloud.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name} ({c.kind})
                    </option>
                  ))}
                </select>
              </label>
            ))}
            <button className="link" onClick={() => runAction('openCredentials')}>
              Manage credentials…
            </button>
          </fieldset>
        ) : null}
        {analysis && analysis.variables.length > 0 ? (
          <fieldset>
            <legend>Variables</legend>
            {analysis.variables.map((v) => {
              const boundTo = bindings?.variables[v.name];
              return (
                <div key={v.name} className="var-row" title={v.description}>
                  <label className="var">
                    <span>
                      {v.name} <span className="muted">{v.type}</span>
                    </span>
                    <input
                      type={v.sensitive ? 'password' : 'text'}
                      autoComplete="off"
                      disabled={boundTo !== undefined}
                      aria-label={`Variable ${v.name}${v.sensitive ? ' (sensitive)' : ''}`}
                      placeholder={
                        boundTo !== undefined ? `(from credential ${boundTo})` : v.sensitive ? (v.hasDefault ? '(sensitive default)' : '(sensitive)') : v.value ?? (v.hasDefault ? '' : 'required')
                      }
                      value={boundTo !== undefined ? '' : values[v.name] ?? ''}
                      onChange={(e) => useApp.getState().setVariable(v.name, e.target.value === '' ? undefined : e.target.value)}
                    />
                  </label>
                  {v.sensitive && (secrets.length > 0 || boundTo !== undefined) ? (
                    <select
                      aria-label={`Secret for ${v.name}`}
                      value={boundTo ?? ''}
                      onChange={(e) => runAction('bindCredential', { to: 'variable', key: v.name, credential: e.target.value || undefined })}
                    >
                      <option value="">Typed here or the default</option>
                      {secrets.map((c) => (
                        <option key={c.name} value={c.name}>
                          secret {c.name}
                        </option>
                      ))}
                    </select>
                  ) : null}
                </div>
              );
            })}
          </fieldset>
        ) : null}
        <label className="policy">
          On error{' '}
          <select aria-label="On error" value={onError} onChange={(e) => useApp.getState().setOnError(e.target.value as OnErrorPolicy)}>
            {ON_ERROR_POLICIES.map((p) => (
              <option key={p} value={p}>{POLICY_LABELS[p]}</option>
            ))}
          </select>
        </label>
        <div className="buttons">
          <button className="primary" disabled={isRunning || builds.length === 0 || selected.length === 0} onClick={() => runAction('runBuild')} title={actions.runBuild.shortcut}>
            ▶ Run build
          </button>
          {state?.finished && state.result === 'failed' ? (
            <button onClick={() => runAction('resumeBuild')} title="Build again from the template as it is now, starting each build after its last cached step (docker and qemu builds)">
              ⏵ Resume
            </button>
          ) : null}
          <button disabled={!isRunning} onClick={() => runAction('cancelBuild')} title={actions.cancelBuild.shortcut}>
            ■ Cancel
          </button>
          {state ? (
            <span className={`run-result ${state.result ?? 'running'}`} data-testid="run-status" aria-live="polite">
              {state.finished ? state.result : 'running…'}
            </span>
          ) : null}
        </div>
        {state && state.artifacts.length > 0 ? (
          <div className="artifacts" data-testid="artifacts" aria-label="Artifacts">
            <strong>Artifacts</strong>
            {state.artifacts.map((a, i) => (
              <div key={i} className="artifact">
                <span className="muted">{a.build}:</span> {a.text || a.id}
              </div>
            ))}
          </div>
        ) : null}
      </div>
      <div className="build-output">
        <PausePanel />
        <TerminalPanel />
        {log && runId ? <LogViewer key={runId} log={log} title={runId} /> : <div className="log-placeholder muted">Build output appears here.</div>}
      </div>
    </section>
  );
}
