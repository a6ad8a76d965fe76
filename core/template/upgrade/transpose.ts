/**
 * Rewrites Go-template calls in a generated HCL block into HCL2 expressions (`{{user `x`}}` → `${var.x}`),
 * as Packer 1.6.6's hcl2_upgrade does: the block's text is run as a Go template whose functions print HCL.
 * A block that cannot be rewritten is kept as it was, under a comment saying why.
 */
import { calledFunctions, parseTemplate, type Command, type Operand, type Pipeline, type TemplateNode } from '../legacy/gotemplate';

const NAME = 'hcl2_upgrade';
const DOCS = 'https://www.packer.io/docs/from-1.5/functions/string';
const REPLACE_HINT = '`replace(string, substring, replacement)` or `regex_replace(string, substring, replacement)`';
const REPLACE_DOCS = `${DOCS}/replace or ${DOCS}/regex_replace`;

class Unhandleable extends Error {
  constructor(call: string, correspondence: string, docs: string) {
    super(`unhandled "${call}" call:\n# there is no way to automatically upgrade the "${call}" call.\n# Please manually upgrade to ${correspondence}\n# Visit ${docs} for more infos.`);
  }
}

type Fn = (args: string[]) => string;

function unhandled(call: string, correspondence: string, docs: string): Fn {
  return () => {
    throw new Unhandleable(call, correspondence, docs);
  };
}

type Funcs = Record<string, { arity: number; fn: Fn }>;

const FUNCS: Funcs = {
  timestamp: { arity: 0, fn: () => '${local.timestamp}' },
  isotime: { arity: 0, fn: () => '${local.timestamp}' },
  user: { arity: 1, fn: ([x]) => `\${var.${x}}` },
  env: { arity: 1, fn: ([x]) => `\${env(${JSON.stringify(x)})}` },
  build: { arity: 1, fn: ([x]) => `\${build.${x}}` },
  template_dir: { arity: 0, fn: () => '${path.root}' },
  pwd: { arity: 0, fn: () => '${path.cwd}' },
  packer_version: { arity: 0, fn: () => '${packer.version}' },
  uuid: { arity: 0, fn: () => '${uuidv4()}' },
  lower: { arity: 1, fn: unhandled('lower', '`lower(var.example)`', `${DOCS}/lower`) },
  upper: { arity: 1, fn: unhandled('upper', '`upper(var.example)`', `${DOCS}/upper`) },
  split: { arity: 3, fn: unhandled('split', '`split(separator, string)`', `${DOCS}/split`) },
  replace: { arity: 4, fn: unhandled('replace', REPLACE_HINT, REPLACE_DOCS) },
  replace_all: { arity: 3, fn: unhandled('replace_all', REPLACE_HINT, REPLACE_DOCS) },
  clean_resource_name: {
    arity: 1,
    fn: unhandled(
      'clean_resource_name',
      'use custom validation rules, `replace(string, substring, replacement)` or `regex_replace(string, substring, replacement)`',
      `https://packer.io/docs/from-1.5/variables#custom-validation-rules , ${DOCS}/replace or ${DOCS}/regex_replace`,
    ),
  },
  build_name: { arity: 0, fn: () => '${build.name}' },
  build_type: { arity: 0, fn: () => '${build.type}' },
};

/** The data the block is executed with: only these two fields exist, and they print themselves back. */
const DATA_FIELDS: Record<string, string> = { HTTPIP: '{{ .HTTPIP }}', HTTPPort: '{{ .HTTPPort }}' };

export interface Transposed {
  text: string;
  /** Why the block was kept as written, if it was. */
  problem?: string;
}

/**
 * `localVariables`: legacy variables that became locals (Packer 1.14 turns a variable whose default calls a template
 * function into a local), so `{{user `x`}}` names `local.x` for them.
 */
export function transposeTemplatingCalls(block: string, localVariables: ReadonlySet<string> = new Set()): Transposed {
  const funcs: Funcs = localVariables.size
    ? { ...FUNCS, user: { arity: 1, fn: ([x]) => (localVariables.has(x) ? `\${local.${x}}` : `\${var.${x}}`) } }
    : FUNCS;
  const err = firstError(block, funcs);
  if (err === undefined) return { text: render(block, parseTemplate(block).nodes, funcs) };
  if (err.unhandled) return { text: `\n# ${err.message}\n${block}`, problem: err.message };
  return { text: `\n# could not parse template for following block: ${goQuote(err.message)}\n${block}`, problem: err.message };
}

class ExecError extends Error {
  constructor(
    message: string,
    readonly unhandled = false,
  ) {
    super(message);
  }
}

function firstError(block: string, funcs: Funcs): { message: string; unhandled: boolean } | undefined {
  const parsed = parseTemplate(block);
  // Go checks function names while parsing, so an unknown one before a syntax error is the error reported.
  for (const n of parsed.nodes) {
    if (n.kind !== 'action' || !n.pipe) continue;
    for (const f of calledFunctions(n.pipe)) {
      if (!funcs[f.name]) return { message: `template: ${NAME}:${lineOf(block, f.pos)}: function ${JSON.stringify(f.name)} not defined`, unhandled: false };
    }
  }
  if (parsed.error) {
    const unknown = unknownBeforeError(block, parsed.error.start, funcs);
    if (unknown) return { message: `template: ${NAME}:${lineOf(block, unknown.pos)}: function ${JSON.stringify(unknown.name)} not defined`, unhandled: false };
  }
  if (parsed.error) return { message: `template: ${NAME}:${lineOf(block, parsed.error.start)}: ${parsed.error.message}`, unhandled: false };
  try {
    render(block, parsed.nodes, funcs);
    return undefined;
  } catch (e) {
    if (e instanceof ExecError) return { message: e.message, unhandled: e.unhandled };
    throw e;
  }
}

/** A function name Go's parser would meet, and reject, inside the failing action before reaching its syntax error. */
function unknownBeforeError(block: string, errorAt: number, funcs: Funcs): { name: string; pos: number } | undefined {
  const open = block.lastIndexOf('{{', errorAt);
  if (open < 0) return undefined;
  const inside = block.slice(open + 2, errorAt).replace(/`[^`]*`|"(\\.|[^"\\])*"/g, (m) => ' '.repeat(m.length));
  for (const m of inside.matchAll(/(^|[\s(|])([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = m[2];
    if (['true', 'false', 'nil'].includes(name) || funcs[name]) continue;
    return { name, pos: open + 2 + (m.index ?? 0) + m[1].length };
  }
  return undefined;
}

function render(block: string, nodes: TemplateNode[], funcs: Funcs): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.text;
    else if (n.pipe) out += pipe(block, n.pipe, funcs);
    else if (n.verbatim) out += block.slice(n.start, n.end);
  }
  return out;
}

function pipe(block: string, p: Pipeline, funcs: Funcs): string {
  let prev: string | undefined;
  for (const c of p.commands) prev = command(block, c, prev, funcs);
  return prev ?? '';
}

function command(block: string, c: Command, piped: string | undefined, funcs: Funcs): string {
  const [head, ...rest] = c.args;
  if (head.kind !== 'ident') {
    if (rest.length === 0 && piped === undefined) return operand(block, head, funcs);
    throw execError(block, head.pos, nodeText(head), `can't give argument to non-function ${nodeText(head)}`);
  }
  const f = funcs[head.name];
  const args = rest.map((a) => operand(block, a, funcs));
  if (piped !== undefined) args.push(piped);
  if (args.length !== f.arity) throw execError(block, head.pos, head.name, `wrong number of args for ${head.name}: want ${f.arity} got ${args.length}`);
  try {
    return f.fn(args);
  } catch (e) {
    if (e instanceof Unhandleable) {
      const at = c.args.map(nodeText).join(' ');
      throw execError(block, c.pos, at, `error calling ${head.name}: ${e.message}`, true);
    }
    throw e;
  }
}

function operand(block: string, o: Operand, funcs: Funcs): string {
  switch (o.kind) {
    case 'string':
      return o.value;
    case 'number':
      return o.text;
    case 'bool':
      return String(o.value);
    case 'field': {
      const v = o.path.length === 1 ? DATA_FIELDS[o.path[0]] : undefined;
      if (v === undefined) {
        throw execError(block, o.pos, nodeText(o), `can't evaluate field ${o.path[0]} in type struct { HTTPIP string; HTTPPort string }`);
      }
      return v;
    }
    case 'pipe':
      return pipe(block, o.pipe, funcs);
    case 'ident':
      return command(block, { args: [o], pos: o.pos }, undefined, funcs);
    case 'dot':
      return '{{{ .HTTPIP }} {{ .HTTPPort }}}';
    default:
      throw execError(block, o.pos, nodeText(o), `cannot evaluate ${nodeText(o)}`);
  }
}

function nodeText(o: Operand): string {
  switch (o.kind) {
    case 'ident':
      return o.name;
    case 'field':
      return `.${o.path.join('.')}`;
    case 'string':
      return o.text;
    case 'number':
      return o.text;
    case 'bool':
      return String(o.value);
    case 'dot':
      return '.';
    case 'variable':
      return o.name;
    case 'nil':
      return 'nil';
    case 'pipe':
      return `(${o.pipe.commands.map((c) => c.args.map(nodeText).join(' ')).join(' | ')})`;
  }
}

function execError(block: string, pos: number, at: string, message: string, unhandled = false): ExecError {
  return new ExecError(`template: ${NAME}:${lineOf(block, pos)}:${columnOf(block, pos)}: executing "${NAME}" at <${at}>: ${message}`, unhandled);
}

function lineOf(text: string, pos: number): number {
  let n = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/** Go's column: bytes since the start of the line, counting from 0. */
function columnOf(text: string, pos: number): number {
  const start = text.lastIndexOf('\n', pos - 1) + 1;
  return Buffer.byteLength(text.slice(start, pos), 'utf8');
}

/** Go's %q for an error text: JSON's escapes match it for printable text. */
function goQuote(s: string): string {
  return JSON.stringify(s);
}
