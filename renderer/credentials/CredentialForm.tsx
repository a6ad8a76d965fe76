/**
 * The add and edit form of one credential, drawn from its kind's definition (`CREDENTIAL_KIND_SPECS`). Values typed here
 * live only in this form until saved. Editing shows every field that is set as "set" with a Replace button, never its
 * value (the host does not send it): a field left alone is kept, a replaced one is sent, a removed one is sent as null.
 */
import { useState } from 'react';
import { CREDENTIAL_KIND_SPECS, CREDENTIAL_KINDS, type CredentialFieldSpec, type CredentialKind } from '../../core/common/credentials';
import type { CredentialSummary } from '../../core/contract/types';
import { useApp } from '../app/store';
import { addCredential, editCredential } from './credential-actions';
import { collect, fieldPaths, type Draft } from './credential-fields';
import { KindIcon } from './KindIcon';


export function CredentialForm({ editing, onClose }: { editing?: CredentialSummary; onClose: () => void }) {
  const [kind, setKind] = useState<CredentialKind>(editing?.kind ?? 'amazon');
  const [name, setName] = useState(editing?.name ?? '');
  const [draft, setDraft] = useState<Draft>({});
  /** Fields being replaced (edit) — their inputs show; the others show "set". */
  const [replacing, setReplacing] = useState<string[]>([]);
  const [removing, setRemoving] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const problems = useApp((s) => s.formProblems);
  const spec = CREDENTIAL_KIND_SPECS[kind];
  const set = new Set(editing?.fields ?? []);
  const problemOf = (field: string) => problems.filter((p) => p.field === field).map((p) => p.message);
  const shown = new Set(['name', ...fieldPaths(spec.fields)]);
  const general = problems.filter((p) => !shown.has(p.field));

  const submit = async () => {
    setSaving(true);
    try {
      const fields = collect(spec.fields, draft);
      let saved: boolean;
      if (editing) {
        for (const f of removing) fields[f] = null;
        saved = await editCredential({ name: editing.name, fields });
      } else {
        saved = await addCredential({ kind, name, fields });
      }
      if (saved) onClose();
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="credential-form"
      aria-label={editing ? `Edit credential ${editing.name}` : 'New credential'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>
        {editing ? (
          <>
            <KindIcon kind={editing.kind} /> Edit {editing.name}
          </>
        ) : (
          'New credential'
        )}
      </h2>
      {editing ? null : (
        <div className="cred-row">
          <label htmlFor="cred-kind">Kind</label>
          <select
            id="cred-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as CredentialKind);
              setDraft({});
              useApp.getState().setFormProblems([]);
            }}
          >
            {CREDENTIAL_KINDS.map((k) => (
              <option key={k} value={k}>
                {k} — {CREDENTIAL_KIND_SPECS[k].description}
              </option>
            ))}
          </select>
        </div>
      )}
      {editing ? null : (
        <div className="cred-row" data-field="name">
          <label htmlFor="cred-name">Name</label>
          <input id="cred-name" autoComplete="off" spellCheck={false} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={problemOf('name').length > 0} />
          <Problems messages={problemOf('name')} />
        </div>
      )}
      <p className="muted ways">Takes {spec.ways.map((w) => w.label).join('; or ')}.</p>
      {spec.fields.map((f) => (
        <FieldInput
          key={f.name}
          spec={f}
          path={f.name}
          draft={draft}
          setDraft={setDraft}
          isSet={set.has(f.name) && !removing.includes(f.name)}
          replacing={!editing || !set.has(f.name) || replacing.includes(f.name)}
          onReplace={() => setReplacing([...replacing, f.name])}
          onRemove={editing && set.has(f.name) ? () => setRemoving([...removing, f.name]) : undefined}
          problemOf={problemOf}
        />
      ))}
      <Problems messages={general.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message))} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          onClick={() => {
            useApp.getState().setFormProblems([]);
            onClose();
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}

function Problems({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="field-problems" role="alert">
      {messages.map((m, i) => (
        <div key={i}>{m}</div>
      ))}
    </div>
  );
}

interface FieldInputProps {
  spec: CredentialFieldSpec;
  path: string;
  draft: Draft;
  setDraft: (d: Draft) => void;
  isSet: boolean;
  replacing: boolean;
  onReplace: () => void;
  onRemove?: () => void;
  /** The host's problems with a field, by its path. */
  problemOf: (path: string) => string[];
}

function FieldInput({ spec, path, draft, setDraft, isSet, replacing, onReplace, onRemove, problemOf }: FieldInputProps) {
  const problems = problemOf(path);
  const id = `cred-field-${path.replace(/\./g, '-')}`;
  const value = draft[path] ?? '';
  const change = (v: string) => setDraft({ ...draft, [path]: v });
  const label = (
    <label htmlFor={id} title={spec.description}>
      {path}
      {spec.secret ? <span className="secret-badge" title="Write-only: never shown again once saved">secret</span> : null}
    </label>
  );
  if (!replacing) {
    return (
      <div className="cred-row" data-field={path}>
        {label}
        <span className="field-set">
          <span className="set-pill" aria-label={`${path} is set`}>set</span>
          <button type="button" aria-label={`Replace ${path}`} onClick={onReplace}>
            Replace
          </button>
          {onRemove ? (
            <button type="button" className="danger" aria-label={`Remove ${path}`} onClick={onRemove}>
              Remove
            </button>
          ) : null}
        </span>
        <span className="field-help">{spec.description}</span>
        <Problems messages={problems} />
      </div>
    );
  }
  if (spec.type === 'block') {
    return (
      // Folded until opened: most credentials need no block, and its fields would push the rest of the form away.
      <details className="cred-block" data-field={path} open={isSet || problems.length > 0 || Object.keys(draft).some((k) => k.startsWith(`${path}.`))}>
        <summary title={spec.description}>{path} (optional)</summary>
        {(spec.fields ?? []).map((inner) => (
          <FieldInput
            key={inner.name}
            spec={inner}
            path={`${path}.${inner.name}`}
            draft={draft}
            setDraft={setDraft}
            isSet={false}
            replacing
            onReplace={() => undefined}
            problemOf={problemOf}
          />
        ))}
        {isSet ? <span className="muted">Set now; fill it in to replace it.</span> : null}
        <Problems messages={problems} />
      </details>
    );
  }
  const common = { id, 'aria-invalid': problems.length > 0, value, spellCheck: false, autoComplete: 'off' as const };
  let control;
  if (spec.type === 'boolean') {
    control = <input id={id} type="checkbox" checked={value === 'true'} onChange={(e) => change(e.target.checked ? 'true' : '')} />;
  } else if (spec.type === 'multiline' || spec.type === 'text-map') {
    control = (
      <textarea
        {...common}
        rows={spec.type === 'multiline' ? 5 : 3}
        className={spec.secret ? 'secret-text' : undefined}
        placeholder={spec.type === 'text-map' ? 'key=value, one per line' : 'Paste the file’s contents'}
        onChange={(e) => change(e.target.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type={spec.secret ? 'password' : spec.type === 'number' ? 'number' : 'text'}
        placeholder={spec.type === 'text-list' ? 'comma-separated' : isSet ? 'new value' : ''}
        onChange={(e) => change(e.target.value)}
      />
    );
  }
  return (
    <div className="cred-row" data-field={path}>
      {label}
      {control}
      <span className="field-help">{spec.description}</span>
      <Problems messages={problems} />
    </div>
  );
}
