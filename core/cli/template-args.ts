/** Turns the template flags every command shares (-var, -var-file, -only, -except) into load options. */
import { existsSync } from 'node:fs';
import { err, ok, type Result } from '../common/result';
import type { LoadOptions } from '../template/model';
import type { CliIO } from './command';
import { flagCommaList, flagList, type ParsedArgs } from './flags';

export interface TemplateArgs {
  path: string;
  options: LoadOptions;
}

export function templateArgs(command: string, args: ParsedArgs, io: CliIO, pathOptional = false): Result<TemplateArgs> {
  if (args.positional.length > 1) {
    return err(`bakehouse ${command}: expected one template, got ${args.positional.length}: ${args.positional.join(' ')}`);
  }
  const path = args.positional[0] ?? (pathOptional ? '' : undefined);
  if (path === undefined) return err(`bakehouse ${command}: missing TEMPLATE (a .pkr.hcl file, a .json file or a directory)`);
  if (path && !existsSync(path)) return err(`bakehouse ${command}: ${path}: no such file or directory`);
  const vars: Array<[string, string]> = [];
  for (const kv of flagList(args, 'var')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) return err(`bakehouse ${command}: invalid value "${kv}" for flag -var: Variable must be key=value`);
    vars.push([kv.slice(0, eq), kv.slice(eq + 1)]);
  }
  const varFiles = flagList(args, 'var-file');
  for (const f of varFiles) {
    if (!existsSync(f)) return err(`bakehouse ${command}: -var-file ${f}: no such file or directory`);
  }
  return ok({
    path,
    options: {
      vars,
      varFiles,
      env: io.env,
      cwd: io.cwd,
      only: flagCommaList(args, 'only'),
      except: flagCommaList(args, 'except'),
    },
  });
}
