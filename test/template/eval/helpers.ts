import { childContext, type EvalContext, type FunctionTable } from '../../../core/template/eval/context';
import { evaluate } from '../../../core/template/eval/evaluate';
import { functionTable } from '../../../core/template/eval/functions';
import type { FunctionDef } from '../../../core/template/functions/define';
import { parseHclExpression } from '../../../core/template/hcl/parser';
import type { Diagnostic } from '../../../core/template/source';
import { T_DYNAMIC, T_STRING } from '../../../core/template/values/type';
import { markSensitive, num, object, str, toPlain, tuple, unknownOf, type Plain, type Value } from '../../../core/template/values/value';

const upper: FunctionDef = {
  name: 'upper',
  signature: 'upper(str)',
  description: '',
  params: [{ name: 'str', type: T_STRING }],
  returns: T_STRING,
  call: (args) => str((args[0] as { value: string }).value.toUpperCase()),
};
const join: FunctionDef = {
  name: 'join',
  signature: 'join(separator, lists...)',
  description: '',
  params: [{ name: 'separator', type: T_STRING }],
  variadic: { name: 'lists', type: { kind: 'list', element: T_STRING } },
  returns: T_STRING,
  call: (args) =>
    str(
      args
        .slice(1)
        .flatMap((l) => (l as unknown as { items: Value[] }).items.map((i) => (i as { value: string }).value))
        .join((args[0] as { value: string }).value),
    ),
};

export const TEST_FUNCTIONS: FunctionTable = functionTable([upper, join]);

export const BASE: EvalContext = {
  variables: {
    var: object({
      name: str('web'),
      count: num(3),
      list: tuple([str('a'), str('b')]),
      objs: tuple([object({ id: str('x') }), object({ id: str('y') })]),
      secret: markSensitive(str('hunter2')),
      nothing: { kind: 'null', type: T_DYNAMIC },
      later: unknownOf(T_STRING),
      m: object({ k1: str('v1'), k2: str('v2') }),
    }),
    local: object({ greeting: str('hi') }),
  },
  functions: TEST_FUNCTIONS,
  baseDir: '/tmp',
  declared: { var: ['name', 'count', 'list', 'objs', 'secret', 'nothing', 'later', 'm'], local: ['greeting'] },
};

export function run(text: string, ctx: EvalContext = BASE): { value: Value; diagnostics: Diagnostic[] } {
  const p = parseHclExpression(text, 'test.hcl');
  if (p.diagnostics.length) throw new Error(`parse error in ${text}: ${p.diagnostics.map((d) => d.summary).join(', ')}`);
  return evaluate(p.expr, ctx);
}

/** The value as plain data; throws if there were errors. */
export function value(text: string, ctx: EvalContext = BASE): Plain {
  const r = run(text, ctx);
  if (r.diagnostics.length) throw new Error(`${text}: ${r.diagnostics.map((d) => `${d.summary}: ${d.detail}`).join('; ')}`);
  return toPlain(r.value);
}

/** The single error's summary, detail and `line:col-col` range. */
export function failure(text: string, ctx: EvalContext = BASE): { summary: string; detail: string; at: string } {
  const r = run(text, ctx);
  if (r.diagnostics.length !== 1) throw new Error(`${text}: expected one diagnostic, got ${JSON.stringify(r.diagnostics.map((d) => d.summary))}`);
  const d = r.diagnostics[0];
  return { summary: d.summary, detail: d.detail ?? '', at: d.range ? `${d.range.start.line}:${d.range.start.column}-${d.range.end.column}` : '' };
}

export { childContext };
