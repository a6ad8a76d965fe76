/**
 * Locals and data sources, evaluated together in dependency order as Packer 1.14 does (hcl2template/parser.go builds one
 * graph of both): a data source may use locals and a local may use a data source's output. Input variables are known
 * before this starts. As in Packer, the graph's problems — a reference to a local or data source that is not declared, a
 * cycle — are one "failed to prepare execution graph" error in Packer's words, reported ahead of anything evaluating
 * reports (at the first problem's place); whatever is in a cycle or depends on a problem stays unknown. Ties keep the
 * order the blocks are written in, as the editor shows them.
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
  // A vertex referring to something undeclared is not evaluated: the graph error is the one problem to report.
  const broken = new Set<string>();
  const graphProblems: Array<{ text: string; range: Range }> = [];
  for (const [key, v] of vertices) {
    const refs = v.kind === 'local' ? references(v.decl.expr) : bodyReferences(v.decl.block.body);
    const found = dependencies(refs, locals, data);
    deps.set(key, found.deps);
    for (const m of found.missing) {
      graphProblems.push({ text: `could not get dependency "${m.name}" for "${key}", "${m.name}" missing in template`, range: m.range });
      broken.add(key);
    }
  }
  // What evaluating reports comes after the graph's error, as Packer stops at the graph before evaluating anything.
  const evalDiags: Diagnostic[] = [];

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
      graphProblems.push(cycleProblem(cycle, vertices.get(key) as Vertex));
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
      if (!blocked) evaluateDataSource(v.decl, state, evalDiags, run);
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
    evalDiags.push(...r.diagnostics);
    const value = hasErrors(r.diagnostics) ? unknownOf(T_DYNAMIC) : r.value;
    state.locals.push({ name: d.name, value: markSensitive(value, d.sensitive), sensitive: d.sensitive, range: d.range });
  };
  for (const key of vertices.keys()) visit(key);
  if (graphProblems.length) {
    const n = graphProblems.length;
    diags.push(
      error(
        'failed to prepare execution graph',
        `An error occurred while building the graph for datasources/locals: ${n} error${n === 1 ? '' : 's'} occurred:\n${graphProblems.map((p) => `\t* ${p.text}`).join('\n')}`,
        graphProblems[0].range,
      ),
    );
  }
  diags.push(...evalDiags);
}

/**
 * The graph's edges from one vertex, and the references Packer's graph refuses: `local.NAME` and `data.TYPE.NAME` must
 * be declared; `data.TYPE` or bare `data` depend on every data source they cover.
 */
function dependencies(
  refs: readonly Reference[],
  locals: ReadonlyMap<string, LocalDecl>,
  data: ReadonlyMap<string, DataDecl>,
): { deps: string[]; missing: Array<{ name: string; range: Range }> } {
  const out = new Set<string>();
  const missing: Array<{ name: string; range: Range }> = [];
  for (const r of refs) {
    if (r.root === 'local' && r.name !== undefined) {
      if (locals.has(r.name)) out.add(`local.${r.name}`);
      else missing.push({ name: `local.${r.name}`, range: r.range });
    }
    if (r.root !== 'data') continue;
    const [type, name] = r.path ?? [];
    if (type !== undefined && name !== undefined) {
      const key = dataKey(type, name);
      if (data.has(key)) out.add(key);
      else missing.push({ name: key, range: r.range });
      continue;
    }
    for (const d of data.values()) if (type === undefined || d.type === type) out.add(dataKey(d.type, d.name));
  }
  return { deps: [...out], missing };
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

/** Packer's graph names a cycle's members (a data source as TYPE.NAME), or a vertex that refers to itself. */
function cycleProblem(cycle: string[], first: Vertex): { text: string; range: Range } {
  const members = cycle.slice(0, -1).map((k) => k.replace(/^data\./, ''));
  return { text: members.length === 1 ? `Self reference: ${members[0]}` : `Cycle: ${members.join(', ')}`, range: first.decl.range };
}
