/** HCL's type system (cty): primitive, collection and structural types, and `dynamic` for "any". */
export type Type =
  | { kind: 'string' }
  | { kind: 'number' }
  | { kind: 'bool' }
  /** `any` in a type constraint; also the type of an unknown value whose type is not yet known. */
  | { kind: 'dynamic' }
  | { kind: 'list'; element: Type }
  | { kind: 'set'; element: Type }
  | { kind: 'map'; element: Type }
  | { kind: 'tuple'; elements: Type[] }
  /** `optional` names attributes declared with `optional(...)` in a variable's type constraint. */
  | { kind: 'object'; attributes: Record<string, Type>; optional?: string[] };

export const T_STRING: Type = { kind: 'string' };
export const T_NUMBER: Type = { kind: 'number' };
export const T_BOOL: Type = { kind: 'bool' };
export const T_DYNAMIC: Type = { kind: 'dynamic' };

export const listOf = (element: Type): Type => ({ kind: 'list', element });
export const setOf = (element: Type): Type => ({ kind: 'set', element });
export const mapOf = (element: Type): Type => ({ kind: 'map', element });
export const tupleOf = (elements: Type[]): Type => ({ kind: 'tuple', elements });
export const objectOf = (attributes: Record<string, Type>, optional?: string[]): Type =>
  optional && optional.length ? { kind: 'object', attributes, optional } : { kind: 'object', attributes };

/** The type as HCL writes it in a type constraint: `list(string)`, `object({a=string})`. */
export function typeString(t: Type): string {
  switch (t.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return t.kind;
    case 'dynamic':
      return 'any';
    case 'list':
    case 'set':
    case 'map':
      return `${t.kind}(${typeString(t.element)})`;
    case 'tuple':
      return `tuple([${t.elements.map(typeString).join(', ')}])`;
    case 'object': {
      const names = Object.keys(t.attributes).sort();
      return `object({${names
        .map((n) => {
          const inner = typeString(t.attributes[n]);
          return `${n}=${t.optional?.includes(n) ? `optional(${inner})` : inner}`;
        })
        .join(', ')}})`;
    }
  }
}

export function typeEquals(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'list':
    case 'set':
    case 'map':
      return typeEquals(a.element, (b as typeof a).element);
    case 'tuple': {
      const be = (b as typeof a).elements;
      return a.elements.length === be.length && a.elements.every((t, i) => typeEquals(t, be[i]));
    }
    case 'object': {
      const ba = (b as typeof a).attributes;
      const ka = Object.keys(a.attributes);
      return ka.length === Object.keys(ba).length && ka.every((k) => k in ba && typeEquals(a.attributes[k], ba[k]));
    }
    default:
      return true;
  }
}
