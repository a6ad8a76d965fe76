/** The function library templates can call, and one checked way to call it. */
import { err, ok, type Result } from '../../common/result';
import { convert } from '../values/convert';
import { T_DYNAMIC } from '../values/type';
import { isSensitiveDeep, isUnknownDeep, markSensitive, unknownOf, type Value } from '../values/value';
import { collectionFunctions } from './collection';
import { conversionFunctions } from './conversion';
import { cryptoFunctions } from './crypto';
import { datetimeFunctions } from './datetime';
import { FunctionError, type FunctionContext, type FunctionDef, type ParamSpec } from './define';
import { encodingFunctions } from './encoding';
import { filesystemFunctions } from './filesystem';
import { ipnetFunctions } from './ipnet';
import { numericFunctions } from './numeric';
import { packerFunctions } from './packer';
import { remoteFunctions } from './remote';
import { stringFunctions } from './string';

export { FunctionError, type FunctionContext, type FunctionDef, type ParamSpec } from './define';

/** try() and can() evaluate their arguments lazily, so the evaluator runs them; they are listed for completion. */
const lazyFunctions: FunctionDef[] = [
  {
    name: 'try',
    signature: 'try(expressions...)',
    description: 'Evaluates all of its argument expressions in turn and returns the result of the first one that does not produce any errors.',
    params: [],
    variadic: { name: 'expressions', type: T_DYNAMIC, allowNull: true, allowUnknown: true },
    call: () => {
      throw new FunctionError('try() is evaluated by the expression evaluator');
    },
  },
  {
    name: 'can',
    signature: 'can(expression)',
    description: 'Evaluates the given expression and returns a boolean value indicating whether the expression produced a result without any errors.',
    params: [{ name: 'expression', type: T_DYNAMIC, allowNull: true, allowUnknown: true }],
    call: () => {
      throw new FunctionError('can() is evaluated by the expression evaluator');
    },
  },
];

export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [
    ...stringFunctions,
    ...collectionFunctions,
    ...numericFunctions,
    ...encodingFunctions,
    ...filesystemFunctions,
    ...datetimeFunctions,
    ...cryptoFunctions,
    ...ipnetFunctions,
    ...conversionFunctions,
    ...packerFunctions,
    ...remoteFunctions,
    ...lazyFunctions,
  ]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((f) => [f.name, f]),
);

/**
 * Terraform functions the library implements that Packer 1.14 does not offer (hcl2template/functions.go): a template
 * calling one fails there with "Call to unknown function", so templates are not offered them either.
 */
const NOT_IN_PACKER = new Set([
  'base64sha256', 'base64sha512', 'filebase64sha256', 'filebase64sha512', 'filemd5', 'filesha1', 'filesha256', 'filesha512',
  'matchkeys', 'one', 'setsubtract', 'tobool', 'tolist', 'tomap', 'tonumber', 'toset', 'tostring', 'transpose',
]);

/** Whether templates may call the function: Packer 1.14 offers it. */
export function inPacker(name: string): boolean {
  return FUNCTIONS.has(name) && !NOT_IN_PACKER.has(name);
}

/** Names of the functions Packer 1.6.6 itself offers (no `since`). */
export function packer166FunctionNames(): string[] {
  return [...FUNCTIONS.values()].filter((f) => !f.since).map((f) => f.name);
}

/** Why a call failed, as HCL reports it. */
export interface CallFailure {
  /** HCL's diagnostic summary: "Invalid function argument", "Error in function call", … */
  summary: string;
  /** The detail as Packer prints it, e.g. `Invalid value for "str" parameter: argument must not be null.` */
  detail: string;
  /** The argument to underline, when one is to blame. */
  argIndex?: number;
}

/** Checks the arguments against the function's parameters (count, nulls, types), then calls it. */
export function callFunction(name: string, args: readonly Value[], ctx: FunctionContext): Result<Value, CallFailure> {
  const def = FUNCTIONS.get(name);
  if (!def) return err({ summary: 'Call to unknown function', detail: `There is no function named "${name}".` });
  return callDefinition(def, args, ctx);
}

/** cty's calling rules for one definition; the evaluator's function table uses it too, so both call alike. */
export function callDefinition(def: FunctionDef, args: readonly Value[], ctx: FunctionContext): Result<Value, CallFailure> {
  const name = def.name;
  const n = def.params.length;
  if (args.length < n) {
    const atLeast = def.variadic ? 'at least ' : '';
    return err({
      summary: 'Not enough function arguments',
      detail: `Function "${name}" expects ${atLeast}${n} argument(s). Missing value for "${def.params[args.length].name}".`,
    });
  }
  if (args.length > n && !def.variadic) {
    return err({ summary: 'Too many function arguments', detail: `Function "${name}" expects only ${n} argument(s).`, argIndex: n });
  }
  const sensitive = args.some(isSensitiveDeep);
  const invalid = (spec: ParamSpec, message: string, argIndex: number) =>
    err({ summary: 'Invalid function argument', detail: `Invalid value for "${spec.name}" parameter: ${message}.`, argIndex });
  const ready: Value[] = [];
  let unknown = false;
  for (let i = 0; i < args.length; i++) {
    const spec = (i < n ? def.params[i] : def.variadic) as ParamSpec;
    const a = args[i];
    if (a.kind === 'null' && !spec.allowNull) return invalid(spec, 'argument must not be null', i);
    // A value not known until the build (even deep inside a list) makes the result unknown too.
    if (isUnknownDeep(a) && !spec.allowUnknown) {
      unknown = true;
      ready.push(a);
      continue;
    }
    const r = convert(a, spec.type);
    if (!r.ok) return invalid(spec, r.error, i);
    ready.push(r.value);
  }
  if (unknown) return ok(markSensitive(unknownOf(def.returns ?? T_DYNAMIC), sensitive));
  try {
    return ok(markSensitive(def.call(ready, ctx), sensitive));
  } catch (e) {
    if (!(e instanceof FunctionError)) throw e;
    if (e.argIndex !== undefined && e.argIndex < args.length) {
      const spec = (e.argIndex < n ? def.params[e.argIndex] : def.variadic) as ParamSpec;
      return invalid(spec, e.message, e.argIndex);
    }
    return err({ summary: 'Error in function call', detail: `Call to function "${name}" failed: ${e.message}.` });
  }
}
