/** Finds one type that several values can all be converted to, as cty's unsafe unification does. */
import { T_DYNAMIC, T_STRING, typeEquals, type Type } from './type';

/** The single type all `types` convert to, or undefined if there is none. `dynamic` wins if present. */
export function unifyTypes(types: readonly Type[]): Type | undefined {
  if (types.length === 0) return T_DYNAMIC;
  if (types.some((t) => t.kind === 'dynamic')) return T_DYNAMIC;
  const first = types[0];
  if (types.every((t) => typeEquals(t, first))) return first;
  const kinds = new Set(types.map((t) => t.kind));
  if ([...kinds].every((k) => k === 'string' || k === 'number' || k === 'bool')) return T_STRING;
  if ([...kinds].every((k) => k === 'list' || k === 'tuple' || k === 'set')) {
    const elems: Type[] = [];
    for (const t of types) {
      if (t.kind === 'tuple') elems.push(...t.elements);
      else if (t.kind === 'list' || t.kind === 'set') elems.push(t.element);
    }
    if (kinds.size === 1 && kinds.has('tuple')) {
      const tuples = types as Extract<Type, { kind: 'tuple' }>[];
      const len = tuples[0].elements.length;
      if (tuples.every((t) => t.elements.length === len)) {
        const out: Type[] = [];
        for (let i = 0; i < len; i++) {
          const u = unifyTypes(tuples.map((t) => t.elements[i]));
          if (!u) return undefined;
          out.push(u);
        }
        return { kind: 'tuple', elements: out };
      }
    }
    const e = unifyTypes(elems);
    if (!e) return undefined;
    return { kind: kinds.has('set') && kinds.size === 1 ? 'set' : 'list', element: e };
  }
  if ([...kinds].every((k) => k === 'map' || k === 'object')) {
    const objects = types.filter((t) => t.kind === 'object') as Extract<Type, { kind: 'object' }>[];
    if (objects.length === types.length) {
      const names = Object.keys(objects[0].attributes).sort().join('\0');
      if (objects.every((o) => Object.keys(o.attributes).sort().join('\0') === names)) {
        const attributes: Record<string, Type> = {};
        for (const n of Object.keys(objects[0].attributes)) {
          const u = unifyTypes(objects.map((o) => o.attributes[n]));
          if (!u) return undefined;
          attributes[n] = u;
        }
        return { kind: 'object', attributes };
      }
    }
    const elems: Type[] = [];
    for (const t of types) {
      if (t.kind === 'object') elems.push(...Object.values(t.attributes));
      else if (t.kind === 'map') elems.push(t.element);
    }
    const e = unifyTypes(elems);
    return e ? { kind: 'map', element: e } : undefined;
  }
  return undefined;
}
