/**
 * Between a field's HCL expression as written and the value its form control edits. Only plain literals become form
 * values (a quoted string without interpolation, a number, true/false, a list or map of those); anything else — a
 * variable, a function call, a heredoc — is shown and edited as the expression text, so the form never rewrites what
 * it does not understand.
 */
import type { FormField } from '../../core/contract/types';

export type FieldValue =
  | { mode: 'unset' }
  | { mode: 'string'; value: string }
  | { mode: 'number'; value: string }
  | { mode: 'bool'; value: boolean }
  | { mode: 'list'; items: string[] }
  | { mode: 'map'; entries: Array<[string, string]> }
  | { mode: 'expression'; text: string };

const STRING = /^"((?:[^"\\$%\n]|\\["\\ntr]|\$(?!\{)|%(?!\{)|\$\$\{|%%\{)*)"$/;
const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** The form value of a field from its expression text (undefined when not written). */
export function readField(field: FormField, written: string | undefined): FieldValue {
  if (written === undefined) return { mode: 'unset' };
  const text = written.trim();
  const scalar = (type: FormField['itemType'] | FormField['type'], t: string): string | boolean | undefined => {
    if (type === 'string' || type === 'duration') {
      const m = STRING.exec(t);
      return m ? unescape(m[1]) : undefined;
    }
    if (type === 'number') return NUMBER.test(t) ? t : undefined;
    if (type === 'bool') return t === 'true' ? true : t === 'false' ? false : undefined;
    return undefined;
  };
  switch (field.type) {
    case 'string':
    case 'duration': {
      const v = scalar(field.type, text);
      return typeof v === 'string' ? { mode: 'string', value: v } : { mode: 'expression', text };
    }
    case 'number':
      return NUMBER.test(text) ? { mode: 'number', value: text } : { mode: 'expression', text };
    case 'bool': {
      const v = scalar('bool', text);
      return typeof v === 'boolean' ? { mode: 'bool', value: v } : { mode: 'expression', text };
    }
    case 'list': {
      const parts = text.startsWith('[') && text.endsWith(']') ? splitItems(text.slice(1, -1)) : undefined;
      const items = parts?.map((p) => scalar(field.itemType, p));
      if (!items || items.some((i) => typeof i !== 'string')) return { mode: 'expression', text };
      return { mode: 'list', items: items as string[] };
    }
    case 'map': {
      const parts = text.startsWith('{') && text.endsWith('}') ? splitItems(text.slice(1, -1)) : undefined;
      const entries: Array<[string, string]> = [];
      for (const p of parts ?? []) {
        const m = /^("(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_-]*)\s*[=:]\s*([\s\S]+)$/.exec(p);
        const v = m ? scalar(field.itemType, m[2].trim()) : undefined;
        if (!m || typeof v !== 'string') return { mode: 'expression', text };
        entries.push([m[1].startsWith('"') ? unescape(m[1].slice(1, -1)) : m[1], v]);
      }
      return parts ? { mode: 'map', entries } : { mode: 'expression', text };
    }
    default:
      return { mode: 'expression', text };
  }
}

/** The expression to write for a form value; undefined means "remove the attribute". */
export function writeField(field: FormField, value: FieldValue): string | undefined {
  const item = (v: string) => (field.itemType === 'number' || field.itemType === 'bool' ? v : quote(v));
  switch (value.mode) {
    case 'unset':
      return undefined;
    case 'string':
      return quote(value.value);
    case 'number':
      return value.value.trim() || undefined;
    case 'bool':
      return String(value.value);
    case 'list':
      return `[${value.items.map(item).join(', ')}]`;
    case 'map':
      return value.entries.length === 0 ? '{}' : `{ ${value.entries.map(([k, v]) => `${KEY.test(k) ? k : quote(k)} = ${item(v)}`).join(', ')} }`;
    case 'expression':
      return value.text.trim() || undefined;
  }
}

/** An HCL string literal; `${` and `%{` are doubled so the text is taken as written, not as a template. */
export function quote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{')}"`;
}

function unescape(s: string): string {
  return s.replace(/\\(["\\ntr])|\$\$\{|%%\{/g, (all, c: string | undefined) => {
    if (all === '$${') return '${';
    if (all === '%%{') return '%{';
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : (c ?? all);
  });
}

/** Splits a list's or object's inside at commas and newlines outside strings and brackets; undefined if a comment is there. */
function splitItems(inner: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '"') {
      let j = i + 1;
      while (j < inner.length && inner[j] !== '"') j += inner[j] === '\\' ? 2 : 1;
      cur += inner.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '#' || (c === '/' && (inner[i + 1] === '/' || inner[i + 1] === '*'))) return undefined;
    if (c === '[' || c === '{' || c === '(') depth++;
    if (c === ']' || c === '}' || c === ')') depth--;
    if (depth === 0 && (c === ',' || c === '\n')) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}
