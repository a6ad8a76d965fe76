/**
 * The functions a template may call: the shared registry everywhere except variable defaults, which may call only env(),
 * reading the loader's environment (LoadOptions.env) so tests and the editor can load a template against any environment.
 */
import type { FunctionDef } from '../functions/define';
import { FUNCTIONS, inPacker } from '../functions';
import { T_STRING } from '../values/type';
import { str } from '../values/value';

/** What Packer 1.14 offers, but env(): Packer offers env() only in variable defaults. */
export function templateFunctions(): FunctionDef[] {
  return [...FUNCTIONS.values()].filter((f) => f.name !== 'env' && inPacker(f.name));
}

/** env() alone, reading the loader's environment, for variable defaults. */
export function defaultValueFunctions(env: Record<string, string | undefined>): FunctionDef[] {
  const envFunction: FunctionDef = {
    name: 'env',
    signature: 'env(key)',
    description: 'The value of an environment variable, or an empty string if it is not set.',
    params: [{ name: 'key', type: T_STRING }],
    returns: T_STRING,
    call: (args) => str(env[(args[0] as { value: string }).value] ?? ''),
  };
  return [envFunction];
}
