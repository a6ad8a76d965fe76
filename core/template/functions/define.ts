/** The shape of a template function: its parameters (for checking and for the editor) and its implementation. */
import type { Type } from '../values/type';
import type { Value } from '../values/value';

export interface ParamSpec {
  /** The name cty gives the parameter; it appears in messages such as `Invalid value for "str" parameter`. */
  name: string;
  type: Type;
  allowNull?: boolean;
  /** Unknown arguments normally make the result unknown without calling the function. */
  allowUnknown?: boolean;
  /** The argument is a type expression (`convert(x, list(string))`): the evaluator passes its source text as a string. */
  isTypeExpression?: boolean;
}

export interface FunctionContext {
  /** The folder relative file paths start from (Packer's `path.root`). */
  baseDir: string;
  now?: Date;
  /** Renders a template file for `templatefile()`; injected by the evaluator. */
  renderTemplate?: (text: string, filename: string, vars: Value) => Value;
}

export interface FunctionDef {
  name: string;
  /** How the call reads, for the editor: `join(separator, lists...)`. */
  signature: string;
  description: string;
  params: ParamSpec[];
  variadic?: ParamSpec;
  /** The result type when it is known before the call; the evaluator may use it for unknown arguments. */
  returns?: Type;
  /** Set for functions Packer 1.6.6 lacks: the Packer version that added them, or "terraform" for Terraform-only ones. */
  since?: string;
  call(args: Value[], ctx: FunctionContext): Value;
}

/** A function refusing its input; `argIndex` names the argument to blame, if one is. */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly argIndex?: number,
  ) {
    super(message);
    this.name = 'FunctionError';
  }
}
