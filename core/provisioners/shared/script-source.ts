/**
 * The checks Packer's script provisioners (shell, windows-shell) share in Prepare: one of inline, script or scripts,
 * scripts that exist, and environment_vars as KEY=value; the `env` map joins environment_vars after them, as it wins.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfigFields } from '../../engine/config-fields';

export interface ScriptSource {
  inline: string[];
  scripts: string[];
  /** environment_vars then the `env` map, values as written. */
  environmentVars: Array<[string, string]>;
}

export function readScriptSource(f: ConfigFields, cwd: string): ScriptSource {
  const inline = f.stringList('inline');
  const script = f.string('script');
  let scripts = f.stringList('scripts');
  if (script !== '' && scripts.length > 0) f.error('Only one of script or scripts can be specified.');
  if (script !== '') scripts = [script];
  if (scripts.length === 0 && !f.has('inline')) f.error('Either a script file or inline script must be specified.');
  else if (scripts.length > 0 && f.has('inline')) f.error('Only a script file or an inline script can be specified, not both.');
  for (const s of scripts) if (!existsSync(resolve(cwd, s))) f.error(`Bad script '${s}': stat ${s}: no such file or directory`);
  const environmentVars: Array<[string, string]> = [];
  for (const kv of f.stringList('environment_vars')) {
    const eq = kv.indexOf('=');
    if (eq <= 0) f.error(`Environment variable not in format 'key=value': ${kv}`);
    else environmentVars.push([kv.slice(0, eq), kv.slice(eq + 1)]);
  }
  for (const [k, v] of Object.entries(f.object('env') ?? {})) environmentVars.push([k, String(v)]);
  return { inline, scripts, environmentVars };
}
