/**
 * Where the cursor is in a legacy JSON template: the path of keys to the object it is in (e.g. ["provisioners", 0]),
 * whether it is writing a key or a string value, and the `type` of the enclosing object. A plain scan, as for HCL,
 * because the JSON being typed is rarely valid.
 */

export interface JsonCursor {
  /** Keys of the enclosing containers, outermost first; arrays appear as `[]`. */
  path: string[];
  place: 'key' | 'value' | 'other';
  /** The key whose value the cursor is in, for `value`. */
  key?: string;
  /** The text typed so far inside the quotes. */
  prefix: string;
  /** The innermost object's `"type"` value, if it has one (before or after the cursor). */
  objectType?: string;
  /** Start offset of the string under the cursor (at its opening quote), and its end (after the closing quote, if any). */
  stringStart?: number;
}

interface Frame {
  kind: 'object' | 'array';
  key: string;
  start: number;
  /** In an object: true until a `:` is seen for the current member. */
  expectKey: boolean;
  lastKey?: string;
}

export function jsonCursor(text: string, offset: number): JsonCursor {
  const stack: Frame[] = [];
  let pendingKey = '';
  let i = 0;
  while (i < offset) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= offset) {
        const top = stack[stack.length - 1];
        const inKey = top?.kind === 'object' && top.expectKey;
        return {
          path: stack.map((f) => (f.kind === 'array' ? `${f.key}[]` : f.key)).filter((k) => k !== ''),
          place: top ? (inKey ? 'key' : 'value') : 'other',
          key: inKey ? undefined : top?.kind === 'object' ? top.lastKey : top?.key,
          prefix: text.slice(start + 1, offset),
          objectType: top?.kind === 'object' ? objectType(text, top.start) : undefined,
          stringStart: start,
        };
      }
      const str = text.slice(start + 1, i);
      i++;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        top.lastKey = str;
        pendingKey = str;
      }
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === ':' && top?.kind === 'object') top.expectKey = false;
    else if (c === ',' && top?.kind === 'object') top.expectKey = true;
    else if (c === '{' || c === '[') {
      const key = top?.kind === 'array' ? '' : pendingKey;
      stack.push({ kind: c === '{' ? 'object' : 'array', key, start: i, expectKey: c === '{' });
      pendingKey = '';
    } else if (c === '}' || c === ']') stack.pop();
    i++;
  }
  const top = stack[stack.length - 1];
  return {
    path: stack.map((f) => (f.kind === 'array' ? `${f.key}[]` : f.key)).filter((k) => k !== ''),
    place: top?.kind === 'object' && top.expectKey ? 'key' : 'other',
    prefix: '',
    objectType: top?.kind === 'object' ? objectType(text, top.start) : undefined,
  };
}

/** The `"type": "…"` member of the object starting at `start`, at its own level. */
function objectType(text: string, start: number): string | undefined {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const s = i;
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (depth === 1 && text.slice(s, i + 1) === '"type"') {
        const m = /^\s*:\s*"([^"\\]*)"/.exec(text.slice(i + 1, i + 200));
        if (m) return m[1];
      }
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return undefined;
    }
  }
  return undefined;
}
