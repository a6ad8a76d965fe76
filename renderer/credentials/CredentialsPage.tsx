/**
 * The Credentials page: the vault's credentials (kind, name, fields set, last test, templates using them), the add and
 * edit form, Test with the provider's answer, and Import. Everything shown is what the host answers: names and metadata.
 */
import { useState } from 'react';
import { CREDENTIAL_IMPORT_SOURCES, type CredentialImportSource } from '../../core/common/credentials';
import type { CredentialSummary, VaultStatus } from '../../core/contract/types';
import { runAction } from '../app/actions';
import { getServices } from '../app/services';
import { useApp } from '../app/store';
import { CredentialForm } from './CredentialForm';
import { KindIcon } from './KindIcon';

const IMPORT_LABELS: Record<CredentialImportSource, string> = {
  aws: 'AWS: ~/.aws/credentials and ~/.aws/config (profiles)',
  docker: 'Docker: ~/.docker/config.json (registry logins)',
  azure: 'Azure: the JSON of az ad sp create-for-rbac',
  google: 'Google Cloud: a service account’s JSON key',
};

export function CredentialsPage() {
  const vault = useApp((s) => s.vault);
  const credentials = useApp((s) => s.credentials);
  const [form, setForm] = useState<{ editing?: CredentialSummary } | undefined>();
  const [importing, setImporting] = useState(false);
  const readOnly = vault?.protection === 'environment';

  return (
    <main className="credentials-page" aria-label="Credentials">
      <section className="cred-list">
        <div className="toolbar">
          <h1>Credentials</h1>
          <span className="spacer" />
          <button className="primary" disabled={readOnly} onClick={() => (setImporting(false), setForm({}))}>
            + Add credential
          </button>
          <button disabled={readOnly} onClick={() => (setForm(undefined), setImporting(true))}>
            Import…
          </button>
        </div>
        <VaultLine vault={vault} />
        {credentials.length === 0 ? (
          <p className="muted empty">No credentials yet. Add one, or import them from the files your cloud tools wrote.</p>
        ) : (
          <table className="cred-table">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Name</th>
                <th>Fields set</th>
                <th>Last test</th>
                <th>Used by</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {credentials.map((c) => (
                <CredentialRow key={c.name} credential={c} readOnly={readOnly} onEdit={() => (setImporting(false), setForm({ editing: c }))} />
              ))}
            </tbody>
          </table>
        )}
      </section>
      <aside className="cred-side">
        {form ? (
          <CredentialForm key={form.editing?.name ?? 'new'} editing={form.editing} onClose={() => setForm(undefined)} />
        ) : importing ? (
          <ImportPanel onClose={() => setImporting(false)} />
        ) : (
          <p className="muted">
            Secrets go to Bakehouse’s vault and are never shown again: a saved secret reads “set”, and Replace gives it a new value. Bind a
            credential to a build or a sensitive variable in the build panel.
          </p>
        )}
      </aside>
    </main>
  );
}

function VaultLine({ vault }: { vault?: VaultStatus }) {
  if (!vault) return null;
  const how: Record<VaultStatus['protection'], string> = {
    keyring: 'its key is in the OS keyring',
    passphrase: vault.locked ? 'locked: protected by a passphrase' : 'unlocked with its passphrase',
    environment: 'CI mode: credentials come from the environment (read-only)',
    'none-yet': 'not created yet: the first credential creates it',
  };
  return (
    <div className={`vault-line${vault.locked ? ' locked' : ''}`} data-testid="vault-status">
      <span className="muted">Vault</span> <code>{vault.path}</code> — {how[vault.protection]}
      {vault.locked ? (
        <button onClick={() => useApp.getState().setUnlock({ message: `The credential vault ${vault.path} is protected by a passphrase.`, create: false })}>Unlock…</button>
      ) : null}
    </div>
  );
}

function CredentialRow({ credential: c, readOnly, onEdit }: { credential: CredentialSummary; readOnly: boolean; onEdit: () => void }) {
  const testing = useApp((s) => s.testing.includes(c.name));
  const session = useApp((s) => s.testResults[c.name]);
  const [target, setTarget] = useState('');
  // This session's test (or why it could not run) is newer than the one the vault remembers.
  const last = session ?? c.lastTest ?? undefined;
  return (
    <tr data-testid={`credential-${c.name}`}>
      <td>
        <KindIcon kind={c.kind} />
      </td>
      <td className="cred-name">{c.name}</td>
      <td>
        {c.fields.map((f) => (
          <span key={f} className="field-chip">
            {f}
          </span>
        ))}
      </td>
      <td className="cred-test" data-testid={`test-result-${c.name}`} aria-live="polite">
        {testing ? (
          <span className="spinner-line">
            <span className="spinner" aria-label="Testing" /> testing…
          </span>
        ) : last === undefined ? (
          <span className="muted">never tested</span>
        ) : 'error' in last ? (
          <span className="test-failed">could not test: {last.error}</span>
        ) : (
          <span className={last.ok ? 'test-ok' : 'test-failed'} title={new Date(last.at).toLocaleString()}>
            {last.ok ? '✓' : '✗'} {last.message} <span className="muted">({new Date(last.at).toLocaleString()})</span>
          </span>
        )}
      </td>
      <td className="used-by">{c.usedBy.length === 0 ? <span className="muted">—</span> : c.usedBy.map((t) => <div key={t} title={t}>{t.split('/').slice(-2).join('/')}</div>)}</td>
      <td className="cred-actions">
        {c.kind === 'ssh' ? <input aria-label={`Host to test ${c.name} on`} placeholder="host[:port]" value={target} onChange={(e) => setTarget(e.target.value)} /> : null}
        <button disabled={testing} onClick={() => runAction('testCredential', { name: c.name, target: target || undefined })} aria-label={`Test ${c.name}`}>
          Test
        </button>
        <button disabled={readOnly} onClick={onEdit} aria-label={`Edit ${c.name}`}>
          Edit
        </button>
        <button className="danger" disabled={readOnly} onClick={() => confirm(`Remove the credential "${c.name}"?`) && runAction('removeCredential', c.name)} aria-label={`Remove ${c.name}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}

function ImportPanel({ onClose }: { onClose: () => void }) {
  const [source, setSource] = useState<CredentialImportSource>('aws');
  const [path, setPath] = useState('');
  const desktop = getServices().desktop;
  return (
    <form
      className="credential-form"
      aria-label="Import credentials"
      onSubmit={(e) => {
        e.preventDefault();
        runAction('importCredentials', { source, path: path.trim() || undefined });
      }}
    >
      <h2>Import credentials</h2>
      <div className="cred-row">
        <label htmlFor="import-source">From</label>
        <select id="import-source" value={source} onChange={(e) => setSource(e.target.value as CredentialImportSource)}>
          {CREDENTIAL_IMPORT_SOURCES.map((s) => (
            <option key={s} value={s}>
              {IMPORT_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="cred-row">
        <label htmlFor="import-path">File</label>
        <span className="open-path">
          <input id="import-path" placeholder="the tool’s own file when empty" value={path} onChange={(e) => setPath(e.target.value)} />
          {desktop ? (
            <button type="button" onClick={() => void desktop.showOpenDialog({ credentialFile: true }).then((p) => p && setPath(p))}>
              Choose…
            </button>
          ) : null}
        </span>
      </div>
      <div className="buttons">
        <button type="submit" className="primary">
          Import
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}
