/**
 * A legacy template as `packer fix` holds it: Go's encoding/json decodes the file into maps, lists, float64s, strings,
 * booleans and nil, and the fixers rewrite that structure. Objects are Maps so that any key, `__proto__` included, is
 * just a key, and their order does not matter: the fixed template is written with keys sorted, as Go writes a map.
 */
import { parseTree, type Node } from 'jsonc-parser';
import { err, ok, type Result } from '../../common/result';
import { parseJson } from '../legacy/json';
import { error, LineIndex, type Diagnostic } from '../source';

export type FixValue = null | boolean | number | string | FixValue[] | FixObject;
export type FixObject = Map<string, FixValue>;

const JSON_KINDS: Record<Node['type'], string> = { object: 'an object', array: 'an array', property: 'a property', string: 'a string', number: 'a number', boolean: 'a boolean', null: 'null' };

export function isObject(v: FixValue | undefined): v is FixObject {
  return v instanceof Map;
}

/** The name Go's reflection gives a decoded JSON value's kind, as mapstructure's errors print it. */
export function goKind(v: FixValue): string {
  if (v === null) return 'invalid';
  if (Array.isArray(v)) return 'slice';
  if (isObject(v)) return 'map';
  switch (typeof v) {
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      return 'string';
  }
}

/**
 * Reads a legacy template as `packer fix` does: the first JSON value of the file, which must be an object (Go's decoder
 * stops after it, so anything that follows is ignored); later duplicates of a key win. A syntax error names the place.
 */
export function readFixTemplate(text: string, filename: string): Result<FixObject, Diagnostic> {
  // `packer fix` decodes with a json.Decoder and says "Error parsing template: " before Go's message.
  const parsed = parseJson(text, filename, { reader: 'decoder', prefix: 'Error parsing template: ' });
  // Only a syntax error leaves no tree; a key written twice is no error to fix (the later one wins).
  const tree = parsed.doc.root && parseTree(text, [], { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (!tree) return err(parsed.diagnostics[0] ?? error('Error parsing template: EOF', 'The file holds no JSON value.', new LineIndex(text).range(filename, 0, 0)));
  const lines = new LineIndex(text);
  const range = (n: Node) => lines.range(filename, n.offset, n.offset + n.length);
  if (tree.type !== 'object') {
    return err(error('Invalid template', `A legacy template is a JSON object, not ${JSON_KINDS[tree.type]}.`, range(tree)));
  }
  let problem: Diagnostic | undefined;
  const convert = (n: Node): FixValue => {
    switch (n.type) {
      case 'object': {
        const m: FixObject = new Map();
        for (const p of n.children ?? []) {
          const [k, v] = p.children ?? [];
          if (k && v) m.set(String(k.value), convert(v));
        }
        return m;
      }
      case 'array':
        return (n.children ?? []).map(convert);
      case 'number': {
        const value = Number(n.value);
        // Go refuses a number a float64 cannot hold rather than making it infinite.
        if (!Number.isFinite(value)) problem ??= error('Number out of range', `${text.slice(n.offset, n.offset + n.length)} is too large for a 64-bit float.`, range(n));
        return value;
      }
      case 'string':
        return String(n.value);
      case 'boolean':
        return Boolean(n.value);
      default:
        return null;
    }
  };
  const root = convert(tree);
  if (problem) return err(problem);
  return ok(root as FixObject);
}
