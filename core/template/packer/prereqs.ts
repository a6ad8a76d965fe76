/**
 * Locals and data sources, evaluated together in dependency order as Packer 1.14 does (hcl2template/parser.go builds one
 * graph of both): a data source may use locals and a local may use a data source's output. Input variables are known
 * before this starts. A cycle is one diagnostic naming every member, at the first one's declaration; whatever is in a
 * cycle or depends on one stays unknown. Ties keep the order the blocks are written in, as the editor shows them.
 */
import { evaluate } from '../eval/evaluate';
import { references, type Reference } from '../eval/references';
import type { Body, Expr } from '../hcl/ast';
import { error, hasErrors, type Diagnostic, type Range } from '../source';
import { T_DYNAMIC } from '../values/type';
import { markSensitive, unknownOf } from '../values/value';
import { templateContext, type LoadState } from './context';
import { dataKey, evaluateDataSource, type DataDecl, type DataRunOptions } from './data';
import type { LocalDecl } from './locals';

type Vertex = { kind: 'local'; decl: LocalDecl } | { kind: 'data'; decl: DataDecl };

export function evaluatePrereqs(
  locals: ReadonlyMap<string, LocalDecl>,
  data: ReadonlyMap<string, DataDecl>,
  state: LoadState,
  diags: Diagnostic[],
  run: DataRunOptions,
): void {
  const vertices = new Map<string, Vertex>();
  for (const d of data.values()) vertices.set(dataKey(d.type, d.name), { kind: 'data', decl: d });
  for (const l of locals.values()) vertices.set(`local.${l.name}`, { kind: 'local', decl: l });
  const deps = new Map<string, string[]>();
  // A vertex referring to an undeclared data source is not evaluated: the graph error is the one problem to report.
  const broken = new Set<string>();
  for (const [key, v] of vertices) {
    const refs = v.kind === 'local' ? references(v.decl.expr) : bodyReferences(v.decl.block.body);
    const before = diags.length;
    deps.set(key, dependencies(refs, locals, data, diags));
    if (diags.length > before) broken.add(key);
  }

  const done = new Set<string>();
  const visiting: string[] = [];
  const inCycle = new Set<string>();
  // Every local is declared up front, so a reference to one evaluated later is not "undeclared".
  const allLocals = [...locals.keys()];

  const visit = (key: string): void => {
    if (done.has(key) || inCycle.has(key)) return;
    const at = visiting.indexOf(key);
    if (at >= 0) {
      const cycle = [...visiting.slice(at), key];
      cycle.forEach((k) => inCycle.add(k));
      diags.push(cycleError(cycle, vertices.get(key) as Vertex));
      return;
    }
    visiting.push(key);
    for (const dep of deps.get(key) ?? []) visit(dep);
    visiting.pop();
    done.add(key);
    const v = vertices.get(key) as Vertex;
    const blocked = inCycle.has(key) || broken.has(key) || (deps.get(key) ?? []).some((k) => inCycle.has(k) || broken.has(k));
    if (blocked) broken.add(key);
    if (v.kind === 'data') {
      // A data source in a cycle, or after a broken reference, keeps the unknown it was declared with.
      if (!blocked) evaluateDataSource(v.decl, state, diags, run);
      return;
    }
    const d = v.decl;
    if (blocked) {
      state.locals.push({ name: d.name, value: unknownOf(T_DYNAMIC), sensitive: d.sensitive, range: d.range });
      return;
    }
    const ctx = templateContext(state);
    ctx.declared = { ...ctx.declared, local: allLocals };
    const r = evaluate(d.expr, ctx);
    diags.push(...r.diagnostics);
    const value = hasErrors(r.diagnostics) ? unknownOf(T_DYNAMIC) : r.value;
    state.locals.push({ name: d.name, value: markSensitive(value, d.sensitive), sensitive: d.sensitive, range: d.range });
  };
  for (const key of vertices.keys()) visit(key);
}

/**
 * The graph's edges from one vertex. `data.TYPE.NAME` must be declared (Packer's graph refuses it otherwise);
 * `data.TYPE` or bare `data` depend on every data source they cover. References to undeclared locals are left for
 * the evaluator, which names them where they are written.
 */
function dependencies(refs: readonly Reference[], locals: ReadonlyMap<string, LocalDecl>, data: ReadonlyMap<string, DataDecl>, diags: Diagnostic[]): string[] {
  const out = new Set<string>();
  for (const r of refs) {
    if (r.root === 'local' && r.name !== undefined && locals.has(r.name)) out.add(`local.${r.name}`);
    if (r.root !== 'data') continue;
    const [type, name] = r.path ?? [];
    if (type !== undefined && name !== undefined) {
      const key = dataKey(type, name);
      if (data.has(key)) out.add(key);
      else diags.push(error('Reference to undeclared data source', `A data source ${key} has not been declared.`, r.range));
      continue;
    }
    for (const d of data.values()) if (type === undefined || d.type === type) out.add(dataKey(d.type, d.name));
  }
  return [...out];
}

/** Everything a block's arguments and nested blocks refer to. */
function bodyReferences(body: Body): Reference[] {
  const exprs: Expr[] = [];
  const collect = (b: Body): void => {
    for (const a of b.attributes) exprs.push(a.expr);
    for (const inner of b.blocks) collect(inner.body);
  };
  collect(body);
  return exprs.flatMap(references);
}

function cycleError(cycle: string[], first: Vertex): Diagnostic {
  const range: Range = first.decl.range;
  const onlyLocals = cycle.every((k) => k.startsWith('local.'));
  const what = onlyLocals ? 'Local values' : 'Local values and data sources';
  return error(
    onlyLocals ? 'Cycle in local values' : 'Cycle in local values and data sources',
    `${what} cannot refer to each other in a cycle: ${cycle.join(' -> ')}.`,
    range,
  );
}
