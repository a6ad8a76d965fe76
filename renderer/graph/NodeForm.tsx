/**
 * The selected node's settings as a form generated from its component's schema (fetched through the contract): each
 * field with its type, help text and required marker, filled from the block as the host's parser reads it. Every change
 * goes through the one edit path (the setAttribute action), so it lands on the editor's undo stack and leaves the rest
 * of the text alone.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { ComponentForm, FormField, GraphNode, WrittenAttribute, WrittenAttributes } from '../../core/contract/types';
import { runAction } from '../app/actions';
import { getServices } from '../app/services';
import { useApp } from '../app/store';
import { readField, writeField, type FieldValue } from './field-values';
import { jsonValueOf, readJsonField } from './json-field-values';

const forms = new Map<string, Promise<ComponentForm | null>>();

/** A component's form, asked of the host once per type. */
function loadForm(kind: ComponentForm['kind'], type: string): Promise<ComponentForm | null> {
  const key = `${kind}:${type}`;
  let p = forms.get(key);
  if (!p) {
    p = getServices()
      .api.templates.schema({ kind, type })
      .then((r) => (r.ok ? r.value : null));
    forms.set(key, p);
  }
  return p;
}

function useComponentForm(node: GraphNode): ComponentForm | null | undefined {
  // Data sources have no form yet: their blocks are edited in the text.
  const kind = node.kind === 'source' ? 'builder' : node.kind === 'data' ? undefined : node.kind;
  const [form, setForm] = useState<{ key: string; form: ComponentForm | null }>();
  const key = `${kind}:${node.type}`;
  useEffect(() => {
    let live = true;
    if (!kind) setForm({ key, form: null });
    else void loadForm(kind, node.type).then((f) => live && setForm({ key, form: f }));
    return () => {
      live = false;
    };
  }, [kind, node.type, key]);
  return form?.key === key ? form.form : undefined;
}

/**
 * The attributes written in the node's block, as the host's parser reads them. Asked again with each analysis (whose
 * node ranges belong to the text it was made of), not on every keystroke; the last answer stays on screen meanwhile.
 */
function useWrittenAttributes(node: GraphNode, text: string | undefined): WrittenAttributes | null | undefined {
  const analysisSeq = useApp((s) => s.analysisSeq);
  const [answer, setAnswer] = useState<{ nodeId: string; written: WrittenAttributes | null }>();
  const range = node.range;
  // Read when the analysis changes, with the text it was made of; `text` alone changing does not ask again.
  const textNow = useRef(text);
  textNow.current = text;
  useEffect(() => {
    const t = textNow.current;
    if (!range || t === undefined) return;
    let live = true;
    void getServices()
      .api.templates.attributes({ filename: range.filename, text: t, range })
      .then((r) => live && setAnswer((was) => (!r.ok || (r.value === null && was?.nodeId === node.id) ? was : { nodeId: node.id, written: r.value })));
    return () => {
      live = false;
    };
  }, [node.id, range, analysisSeq]);
  return answer?.nodeId === node.id ? answer.written : undefined;
}

export function NodeForm({ node, text }: { node: GraphNode; text: string | undefined }) {
  const form = useComponentForm(node);
  const answer = useWrittenAttributes(node, text);
  if (!node.range) return <p className="muted">Edit this block in the text: forms edit HCL and legacy JSON templates.</p>;
  if (answer === undefined || form === undefined) return <p className="muted">Loading settings…</p>;
  if (answer === null) return <p className="muted">This block is edited in the text: forms edit HCL and legacy JSON templates.</p>;
  const written = answer.attributes;
  const json = answer.syntax === 'json';
  const byName = new Map(written.map((a) => [a.name, a]));
  // Unknown component type: the attributes as written, each edited as its expression text.
  if (form === null) {
    return (
      <form className="attr-form" onSubmit={(e) => e.preventDefault()} aria-label={`Attributes of ${node.label}`}>
        <p className="muted">No schema for {node.type}: attributes as written.</p>
        {written.map((a) => (
          <FieldRow key={a.name} node={node} json={json} field={{ name: a.name, type: 'other', description: '', required: false }} written={a} />
        ))}
      </form>
    );
  }
  const known = new Set(form.fields.map((f) => f.name));
  const unknown = written.filter((a) => !known.has(a.name));
  const main = form.fields.filter((f) => byName.has(f.name) || f.required || f.oneOf);
  const rest = form.fields.filter((f) => !main.includes(f));
  return (
    <form className="attr-form schema-form" onSubmit={(e) => e.preventDefault()} aria-label={`Settings form of ${node.label}`}>
      <p className="muted component-description">{form.description}</p>
      {main.map((f) => (
        <FieldRow key={f.name} node={node} json={json} field={f} written={byName.get(f.name)} />
      ))}
      {unknown.map((a) => (
        <FieldRow key={a.name} node={node} json={json} field={{ name: a.name, type: 'other', description: `Not a setting of ${node.type}.`, required: false }} written={a} />
      ))}
      {rest.length > 0 ? (
        <details>
          <summary>More settings ({rest.length})</summary>
          {rest.map((f) => (
            <FieldRow key={f.name} node={node} json={json} field={f} written={byName.get(f.name)} />
          ))}
        </details>
      ) : null}
    </form>
  );
}

function FieldRow({ node, field, written, json }: { node: GraphNode; field: FormField; written?: WrittenAttribute; json: boolean }) {
  const helpId = useId();
  const value = json ? readJsonField(field, written?.value) : readField(field, written?.value);
  const commit = (next: FieldValue) => {
    // HCL gets the expression text; a JSON template gets the value as JSON text.
    const jsonValue = json ? jsonValueOf(field, next) : undefined;
    const expr = json ? (jsonValue === undefined ? undefined : JSON.stringify(jsonValue)) : writeField(field, next);
    const was = json && written ? canonicalJson(written.value) : written?.value.trim();
    if (expr === was || (expr === undefined && !written)) return;
    runAction('setAttribute', { nodeId: node.id, name: field.name, value: expr });
  };
  const requiredNote = field.required ? 'required' : field.oneOf ? `one of ${field.oneOf.join(', ')} is required` : undefined;
  const help = [field.description, field.default !== undefined ? `Default: ${field.default}.` : '', field.deprecated ? `Deprecated: ${field.deprecated}` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className={`field-row type-${field.type}`} data-field={field.name}>
      <label htmlFor={`${helpId}-input`}>
        <span className="field-name">{field.name}</span>
        {requiredNote ? (
          <span className="required-marker" title={requiredNote} aria-label={requiredNote}>
            *
          </span>
        ) : null}
        <span className="field-type muted">{typeLabel(field)}</span>
      </label>
      <FieldControl id={`${helpId}-input`} helpId={helpId} node={node} field={field} value={value} commit={commit} />
      {help ? (
        <small id={helpId} className="field-help">
          {help}
        </small>
      ) : null}
    </div>
  );
}

/** JSON text without its layout, to tell a real change from the same value written again. */
function canonicalJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text) as unknown);
  } catch {
    return text.trim();
  }
}

function typeLabel(f: FormField): string {
  if (f.block) return 'block';
  if (f.type === 'list' || f.type === 'map') return `${f.type} of ${f.itemType === 'other' ? 'values' : f.itemType}`;
  return f.type === 'other' ? 'expression' : f.type;
}

interface ControlProps {
  id: string;
  helpId: string;
  node: GraphNode;
  field: FormField;
  value: FieldValue;
  commit(next: FieldValue): void;
}

function FieldControl({ id, helpId, node, field, value, commit }: ControlProps) {
  const label = `${field.name} of ${node.label}`;
  const common = { id, 'aria-label': label, 'aria-describedby': helpId, spellCheck: false };
  const blurOnEnter = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') e.currentTarget.blur();
  };
  if (field.block) return <span className="muted">A nested block: edit it in the text.</span>;
  if (value.mode === 'expression' || field.type === 'other') {
    const text = value.mode === 'expression' ? value.text : '';
    return (
      <span className="expression-input">
        <input
          {...common}
          key={text}
          className="expression"
          defaultValue={text}
          placeholder="HCL expression"
          onBlur={(e) => commit({ mode: 'expression', text: e.target.value })}
          onKeyDown={blurOnEnter}
        />
        {value.mode === 'expression' && field.type !== 'other' ? <span className="badge" title="Written as an expression, edited as text">expr</span> : null}
      </span>
    );
  }
  if (field.type === 'bool' || field.enum) {
    const current = value.mode === 'bool' ? String(value.value) : value.mode === 'string' ? value.value : '';
    const options = field.enum ?? ['true', 'false'];
    return (
      <select
        {...common}
        value={current}
        onChange={(e) => {
          const v = e.target.value;
          commit(v === '' ? { mode: 'unset' } : field.type === 'bool' ? { mode: 'bool', value: v === 'true' } : { mode: 'string', value: v });
        }}
      >
        <option value="">{field.default !== undefined ? `default (${field.default})` : 'not set'}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  }
  if (field.type === 'list' || field.type === 'map') {
    const lines = value.mode === 'list' ? value.items.join('\n') : value.mode === 'map' ? value.entries.map(([k, v]) => `${k} = ${v}`).join('\n') : '';
    return (
      <textarea
        {...common}
        key={lines}
        defaultValue={lines}
        rows={Math.min(Math.max(lines.split('\n').length, 2), 8)}
        placeholder={field.type === 'list' ? 'one item per line (Shift+Enter)' : 'key = value, one per line (Shift+Enter)'}
        // Enter applies the change, as in the other fields; Shift+Enter starts the next item.
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            e.currentTarget.blur();
          }
        }}
        onBlur={(e) => {
          const typed = e.target.value.trim();
          // One line written as HCL (`["a", "b"]`, `{ a = "b" }`) is taken as the expression itself.
          const [open, close] = field.type === 'list' ? ['[', ']'] : ['{', '}'];
          if (!typed.includes('\n') && typed.startsWith(open) && typed.endsWith(close)) return commit(readField(field, typed));
          const items = e.target.value.split('\n').filter((l) => l.trim() !== '');
          if (items.length === 0) return commit({ mode: 'unset' });
          if (field.type === 'list') return commit({ mode: 'list', items });
          const entries = items.map((l) => {
            const at = l.indexOf('=');
            return (at < 0 ? [l.trim(), ''] : [l.slice(0, at).trim(), l.slice(at + 1).trim()]) as [string, string];
          });
          commit({ mode: 'map', entries });
        }}
      />
    );
  }
  const text = value.mode === 'string' || value.mode === 'number' ? value.value : '';
  return (
    <input
      {...common}
      key={text}
      type={field.sensitive ? 'password' : field.type === 'number' ? 'number' : 'text'}
      defaultValue={text}
      placeholder={field.default ?? ''}
      onBlur={(e) => {
        const v = e.target.value;
        commit(v === '' ? { mode: 'unset' } : field.type === 'number' ? { mode: 'number', value: v } : { mode: 'string', value: v });
      }}
      onKeyDown={blurOnEnter}
    />
  );
}
