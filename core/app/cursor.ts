/**
 * Where the cursor is in an HCL file, read from the text before it: which blocks enclose it, whether it is writing an
 * argument name, a value or a block label. A plain scan rather than the parser, because the text being typed rarely parses.
 */

export interface BlockFrame {
  /** The block type and its labels, e.g. ["source", "docker", "ubuntu"]. */
  header: string[];
}

export interface CursorContext {
  /** Enclosing blocks, outermost first. */
  blocks: BlockFrame[];
  /** Where in a statement the cursor is. */
  place: 'name' | 'value' | 'label' | 'string' | 'comment';
  /** The words of the current statement before the cursor (for `label`: the block type and labels so far). */
  statement: string[];
  /** The identifier (with dots) being typed just before the cursor. */
  prefix: string;
}

type Mode = { kind: 'block'; header: string[] } | { kind: 'object' } | { kind: 'paren' } | { kind: 'string'; start: number; label: boolean } | { kind: 'interp' };

/** The UTF-16 offset of a 1-based line and column. */
export function offsetAt(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + column - 1, lineEnd < 0 ? text.length : lineEnd);
}

export function cursorContext(text: string, offset: number): CursorContext {
  const stack: Mode[] = [];
  let statement: string[] = [];
  let afterEquals = false;
  let place: CursorContext['place'] | undefined;
  const top = () => stack[stack.length - 1];
  const inCode = () => {
    const t = top();
    return t === undefined || t.kind === 'block' || t.kind === 'object' || t.kind === 'paren' || t.kind === 'interp';
  };
  let i = 0;
  while (i < offset) {
    const c = text[i];
    const t = top();
    if (t?.kind === 'string') {
      if (c === '\\') i += 2;
      else if (c === '"') {
        stack.pop();
        // A string written where a block header is read is a label: keep its text as a header word.
        if (t.label) statement.push(text.slice(t.start + 1, i));
        i++;
      } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
        stack.push({ kind: 'interp' });
        i += 2;
      } else i++;
      continue;
    }
    // Comments: the cursor inside one gets no suggestions.
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      const nl = text.indexOf('\n', i);
      if (nl < 0 || nl >= offset) {
        place = 'comment';
        break;
      }
      i = nl;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0 || end + 2 > offset) {
        place = 'comment';
        break;
      }
      i = end + 2;
      continue;
    }
    if (c === '<' && text[i + 1] === '<') {
      const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(text.slice(i, i + 200));
      if (m) {
        const close = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
        const bodyStart = i + m[0].length;
        const rest = text.slice(bodyStart);
        const found = close.exec(rest);
        const end = found ? bodyStart + found.index + found[0].length : text.length;
        if (end > offset) {
          place = 'string';
          break;
        }
        i = end;
        continue;
      }
    }
    if (c === '"') {
      stack.push({ kind: 'string', start: i, label: !afterEquals && stack.every((m) => m.kind === 'block') });
      i++;
      continue;
    }
    if (c === '{') {
      const isBlock = !afterEquals && stack.every((m) => m.kind === 'block') && statement.length > 0;
      stack.push(isBlock ? { kind: 'block', header: statement } : { kind: 'object' });
      if (isBlock) {
        statement = [];
        afterEquals = false;
      }
      i++;
      continue;
    }
    if (c === '[' || c === '(') {
      stack.push({ kind: 'paren' });
      i++;
      continue;
    }
    if (c === ']' || c === ')') {
      if (top()?.kind === 'paren') stack.pop();
      i++;
      continue;
    }
    if (c === '}') {
      const popped = stack.pop();
      if (popped?.kind === 'block') {
        statement = [];
        afterEquals = false;
      }
      i++;
      continue;
    }
    if (c === '\n' && stack.every((m) => m.kind === 'block')) {
      statement = [];
      afterEquals = false;
      i++;
      continue;
    }
    if (c === '=' && text[i + 1] !== '=' && text[i - 1] !== '=' && text[i - 1] !== '!' && text[i - 1] !== '<' && text[i - 1] !== '>') {
      if (stack.every((m) => m.kind === 'block')) afterEquals = true;
      i++;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(text.slice(i, Math.min(offset, i + 256)));
    if (word) {
      if (stack.every((m) => m.kind === 'block') && !afterEquals) statement.push(word[0]);
      i += word[0].length;
      continue;
    }
    i++;
  }
  const prefix = /[A-Za-z0-9_.-]*$/.exec(text.slice(Math.max(0, offset - 256), offset))?.[0] ?? '';
  const blocks = stack.filter((m): m is { kind: 'block'; header: string[] } => m.kind === 'block').map((m) => ({ header: m.header }));
  if (!place) {
    const t = top();
    if (t?.kind === 'string') place = t.label ? 'label' : 'string';
    else if (!inCode()) place = 'string';
    else place = afterEquals || stack.some((m) => m.kind !== 'block') ? 'value' : 'name';
  }
  const words = [...statement];
  // While typing the first word of a statement, that word is the prefix, not part of the statement.
  if (place === 'name' && words.length > 0 && words[words.length - 1] === prefix) words.pop();
  return { blocks, place, statement: words, prefix };
}
