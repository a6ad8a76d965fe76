/**
 * Command-line flags in Packer's style: `-var k=v`, `-var=k=v`, `--var k=v`, `-only=a,b`, `-color=false`, `-force`.
 * As in Go's flag package, a boolean flag takes its value only after `=`; other flags take `=value` or the next word.
 * Unlike Go, flags may also follow the positional arguments, so both `validate -var x=1 t.json` and `validate t.json -var x=1` work.
 */
import { err, ok, type Result } from '../common/result';
export type FlagKind = 'bool' | 'string' | 'list' | 'int';

export interface FlagSpec {
  name: string;
  kind: FlagKind;
  description: string;
  /** Shown in usage as `-name=<placeholder>`. */
  placeholder?: string;
}

export interface ParsedArgs {
  flags: Map<string, string[]>;
  positional: string[];
}

const BOOL_WORDS = new Set(['1', 't', 'T', 'true', 'TRUE', 'True', '0', 'f', 'F', 'false', 'FALSE', 'False']);

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): Result<ParsedArgs> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const flags = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = byName.get(name);
    if (!spec) return err(`flag provided but not defined: -${name}`);
    let value: string;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (spec.kind === 'bool') value = 'true';
    else if (i + 1 < argv.length) value = argv[++i];
    else return err(`flag needs an argument: -${name}`);
    if (spec.kind === 'bool' && !BOOL_WORDS.has(value)) {
      return err(`invalid boolean value "${value}" for -${name}`);
    }
    if (spec.kind === 'int' && !/^-?\d+$/.test(value)) {
      return err(`invalid value "${value}" for flag -${name}: a whole number is required`);
    }
    const list = flags.get(name) ?? [];
    list.push(value);
    flags.set(name, list);
  }
  return ok({ flags, positional });
}

/** The last value given for a flag (Go's flag package: last wins). */
export function flagString(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return v ? v[v.length - 1] : undefined;
}

export function flagBool(args: ParsedArgs, name: string, fallback = false): boolean {
  const v = flagString(args, name);
  if (v === undefined) return fallback;
  return ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);
}

export function flagInt(args: ParsedArgs, name: string, fallback: number): number {
  const v = flagString(args, name);
  return v === undefined ? fallback : Number.parseInt(v, 10);
}

/** All values of a repeatable flag, in order. */
export function flagList(args: ParsedArgs, name: string): string[] {
  return args.flags.get(name) ?? [];
}

/** `-only=a,b -only c` → ["a", "b", "c"]. */
export function flagCommaList(args: ParsedArgs, name: string): string[] {
  return flagList(args, name)
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
